"""``learnrace``: the command line of learnrace (the console script ``pip install .`` installs; ``python -m
learnrace.cli`` is the same). It is the only one: the C++ executable of earlier versions is gone, since studies,
export and inference are Python features, the wheel ships no MPI-linked binary, and with one front end the outcome
registry (learnrace.outcomes) lives in one language.

    learnrace run EXPERIMENT.toml -o OUT.h5 [--dyads N] [--seed S] [--threads K] [--backend auto|cpu|cuda]
                  [--chunk N] [-q]
    learnrace sweep STUDY.toml -o OUT.h5 [--dyads N] [--seed S] [--threads K] [--backend auto|cpu|cuda]
                    [--block N] [--resume] [-q]
    learnrace infer INFER.toml -o OUT.h5 [--method rejection|abc-smc|npe] [--simulations N] [--dyads N] [--seed S]
                    [--threads K] [--backend auto|cpu|cuda] [-q]
    learnrace info FILE.h5
    learnrace export FILE.h5 --csv DIR
    learnrace --help | --version

Exit codes: 0 success; 2 usage or configuration error, or a file that is not a learnrace run file (the message
names the key or flag; nothing is written); 1 runtime error or interrupted (SIGINT/Ctrl-C or SIGTERM: the run stops
within a block of dyads, nothing is written and an existing output file is kept; a sweep keeps its finished blocks in
OUT.h5.checkpoint/ for --resume; a second signal ends the process at once).

Under ``mpirun -n R``, ``run`` splits the experiment's dyads across the ranks and ``sweep`` the study's blocks of
points (learnrace._mpi, mpi4py); rank 0 writes the file, the same for every R. A failure every rank sees (a bad
experiment) ends every rank with one message; a failure or signal on one rank ends the whole launch (MPI_Abort).
"""

from __future__ import annotations

import argparse
import os
import signal
import stat
import sys
import time

from learnrace._arguments import whole_number

EXIT_OK, EXIT_RUNTIME, EXIT_USAGE = 0, 1, 2
_EPILOG = """\
An experiment or study file is checked completely before anything runs: an unknown key, a wrong type, an
out-of-range value or inconsistent settings stop with a message naming the key (experiments/baseline.toml documents
every key; docs/sensitivity.md the [study] table). Output files are written to OUT.h5.tmp-<pid>-<random> and renamed
over OUT.h5 when complete.

exit status: 0 success; 2 usage or configuration error, or not a learnrace file (nothing written); 1 runtime error,
or interrupted (SIGINT/Ctrl-C or SIGTERM: nothing written, an existing output file kept; a second signal ends the
process at once)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse's own exit code is 2 too; one line and a hint
        self.exit(EXIT_USAGE, f"learnrace: {message}\nTry 'learnrace --help'.\n")


def _engine_options(command: argparse.ArgumentParser, dyads_help: str) -> None:
    """The options `run` and `sweep` share: dyads, seed, threads, backend."""
    command.add_argument("--dyads", type=whole_number, help=dyads_help + "; 10000, 10_000 or 1e4")
    command.add_argument("--seed", type=int, help="seed (overrides run.seed)")
    command.add_argument(
        "--threads", type=int, default=0, help="CPU threads, 0..4096 (0: the CPUs this process may use)"
    )
    command.add_argument(
        "--backend",
        default="auto",
        choices=("auto", "cpu", "cuda"),
        help="default auto: CUDA when a device is usable, else the CPU",
    )


def _parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="learnrace",
        description="Learning-race dynamics in two-firm alliances.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("-V", "--version", action="store_true", help="print the version and exit")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    r = sub.add_parser("run", help="run an experiment and write the run file")
    r.add_argument("experiment", help="experiment TOML file")
    r.add_argument("-o", "--output", required=True, help="output run file (.h5); its directory must exist")
    _engine_options(r, "dyads per sweep point (overrides run.dyads)")
    r.add_argument(
        "--chunk",
        type=whole_number,
        help="dyads per point per backend call (default: about 1%% of the run on the CPU, at least 2^24 dyads per "
        "call over all points on CUDA); results do not depend on it",
    )
    r.add_argument("-q", "--quiet", action="store_true", help="no progress bar and no summary")
    w = sub.add_parser("sweep", help="run a sensitivity study and write the study file")
    w.add_argument("study", help="study TOML file: an experiment with a [study] table (docs/sensitivity.md)")
    w.add_argument("-o", "--output", required=True, help="output study file (.h5); its directory must exist")
    _engine_options(w, "dyads per point (overrides run.dyads)")
    w.add_argument(
        "--block",
        type=whole_number,
        help="points per block: one engine call and one checkpoint each (default: about 2^22 dyads on the CPU, 2^26 "
        "on CUDA); results do not depend on it",
    )
    w.add_argument(
        "--resume", action="store_true", help="continue the interrupted study whose checkpoint is OUT.h5.checkpoint/"
    )
    w.add_argument("-q", "--quiet", action="store_true", help="no progress bar and no summary")
    from learnrace.inference import cli as infer_cli  # learnrace infer (docs/inference.md)

    infer_cli.add_parser(sub, _engine_options)
    i = sub.add_parser("info", help="print a run or study file's schema version, configuration and headline numbers")
    i.add_argument("file", help="run or study file (.h5)")
    e = sub.add_parser("export", help="write a run file's tables as tidy CSV files for spreadsheets")
    e.add_argument("file", help="run file (.h5)")
    e.add_argument("--csv", required=True, metavar="DIR", help="directory for the CSV files (created if missing)")
    return p


class _Stopped(KeyboardInterrupt):
    """SIGINT or SIGTERM during a run (a KeyboardInterrupt, so the engine cancels the run the same way)."""


class _UsageError(Exception):
    """A command line that cannot work (exit 2, with a hint to --help)."""


# The signal that stopped a command, whether its output file was written, and the output's identity before.
_stop_signal = {"name": "SIGINT", "written": False, "before": None}


def _on_stop_signal(signum, frame):
    _stop_signal["name"] = signal.Signals(signum).name
    signal.signal(signum, signal.SIG_DFL)  # a second one ends the process at once
    raise _Stopped()


def _catch_stop_signals() -> None:
    """SIGINT and SIGTERM end the command cleanly (exit 1, nothing written), unless ignored (_signals.catchable)."""
    from learnrace import _signals

    for sig in _signals.catchable():
        signal.signal(sig, _on_stop_signal)


_NOT_REGULAR = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _input_file(path: str, what: str) -> None:
    """Refuses an experiment or study file that is missing or not a regular file (a directory, a FIFO that would
    block the read forever, a device) before anything opens it (ConfigError: exit 2, one line)."""
    from learnrace import ConfigError

    try:
        mode = os.stat(path).st_mode
    except OSError:
        raise ConfigError(f"{path}: no such {what} file", "") from None
    if not stat.S_ISREG(mode):
        kind = next((name for test, name in _NOT_REGULAR if test(mode)), "not a regular file")
        article = "an" if what[0] in "aeiou" else "a"
        raise ConfigError(f"{path}: is {kind}, not {article} {what} file", "")


def _identity(path: str):
    """What a new file written over ``path`` changes (device, inode, size, modification time); None if absent."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def _run(args) -> int:
    import learnrace
    from learnrace import _core, _mpi, _signals, headlines
    from learnrace._arguments import check_run_arguments
    from learnrace.api import run_checked

    ranks = _mpi.world()
    _mpi.collectives_begin()
    _catch_stop_signals()
    _stop_signal["before"] = _identity(args.output)
    error, options = None, None
    try:  # every rank checks alike; a failure on any rank stops them all (one message)
        _input_file(args.experiment, "experiment")
        if ranks.lead:  # rank 0 writes the file: refused before anything is simulated
            try:
                _core.check_output_path(args.output, args.experiment)
            except ValueError as e:
                raise learnrace.ConfigError(str(e), "output") from None
        progress = not args.quiet and ranks.lead
        options = check_run_arguments(args.backend, args.dyads, args.seed, progress, args.threads, args.chunk)
        # the rank's GPU is chosen (CUDA_VISIBLE_DEVICES) before anything starts CUDA, cuda_available() included
        options["threads"] = _mpi.share_node(ranks, args.backend, options["threads"])
        if args.backend == "cuda" and not learnrace.cuda_available():
            raise _UsageError(f"--backend: {_core.cuda_unavailable_reason()}")
    except (learnrace.ConfigError, _UsageError, OSError) as e:
        error = e
    ranks.agree(error)
    start = time.monotonic()
    res = None
    try:
        res = run_checked(args.experiment, options, progress, split=(ranks.rank, ranks.size))
    except (learnrace.ConfigError, MemoryError, OSError, RuntimeError) as e:
        error = e
    ranks.agree(error)
    _mpi.merge_run(ranks, res._source.handle)
    _mpi.collectives_done()
    if not ranks.lead:
        return EXIT_OK
    with _signals.held():  # a signal during the write takes effect after it: the message then says it was written
        res.save(args.output)
        _stop_signal["written"] = True
    if not args.quiet:
        lived = headlines.dyad_periods(res)
        rate = lived / res.seconds if res.seconds > 0 else float("nan")
        print(
            f"learnrace: {res.n_points} point(s) x {res.dyads_per_point} dyads x {res.periods} periods on "
            f"{res.backend}{_ranks_note(ranks)} -> {args.output}\n"
            f"wall time    {res.seconds:.2f} s simulating, {time.monotonic() - start:.2f} s in all\n"
            f"throughput   {rate:.3g} dyad-periods/s ({lived} dyad-periods lived)\n"
        )
        print(headlines.headline_text(res), end="")
    return EXIT_OK


def _sweep(args) -> int:
    import learnrace
    from learnrace import headlines

    _input_file(args.study, "study")
    _catch_stop_signals()
    _stop_signal["before"] = _identity(args.output)
    start = time.monotonic()
    result = learnrace.study(
        args.study,
        args.output,
        backend=args.backend,
        dyads=args.dyads,
        seed=args.seed,
        threads=args.threads,
        block=args.block,
        resume=args.resume,
        progress=not args.quiet,
    )
    _stop_signal["written"] = True
    if result is not None and not args.quiet:  # rank 0 (of an MPI launch)
        ranks = learnrace._mpi.world()
        print(f"learnrace: {result!r}{_ranks_note(ranks)} -> {args.output}")
        print(f"wall time    {time.monotonic() - start:.2f} s")
        print(headlines.study_text(result))
    return EXIT_OK


def _ranks_note(ranks) -> str:
    return f" ({ranks.size} MPI ranks)" if ranks.size > 1 else ""


def _info(args) -> int:
    import learnrace
    from learnrace import headlines, study_file
    from learnrace._sources import section_groups

    if not os.path.exists(args.file):
        raise _UsageError(f"info: {args.file}: no such file")
    if os.path.isfile(args.file) and study_file.filetype_of(args.file) == study_file.FILETYPE:
        with learnrace.open(args.file) as result:  # checked (FileFormatError)
            print(headlines.study_info(result), end="")
        return EXIT_OK
    from learnrace.inference import cli as infer_cli
    from learnrace.inference import posterior_file

    if os.path.isfile(args.file) and study_file.filetype_of(args.file) == posterior_file.FILETYPE:
        print(infer_cli.info_text(learnrace.open(args.file)))  # checked (FileFormatError)
        return EXIT_OK
    with learnrace.open(args.file) as res:  # checks the file against the output schema (FileFormatError)
        for section in section_groups():  # every count dataset read: a damaged chunk fails its checksum here
            getattr(res, section)
        print(headlines.run_info(res), end="")
    return EXIT_OK


def _export(args) -> int:
    import learnrace
    from learnrace.export import write_csv

    if not os.path.exists(args.file):
        raise _UsageError(f"export: {args.file}: no such file")
    if os.path.exists(args.csv) and not os.path.isdir(args.csv):
        raise _UsageError(f"export: --csv {args.csv}: exists and is not a directory")
    with learnrace.open(args.file) as res:
        written = write_csv(res, args.csv)
    for path in written:
        print(path)
    return EXIT_OK


def _infer(args) -> int:
    from learnrace.inference import cli as infer_cli

    _catch_stop_signals()
    return infer_cli.run(args)


_COMMANDS = {"run": _run, "sweep": _sweep, "infer": _infer, "info": _info, "export": _export}


def _written(args) -> bool:
    """Whether the command's output file is the one it wrote (what the message must say): set after the write, or
    seen on disk (a file written by rename is a new file) when the signal came in between."""
    if _stop_signal["written"]:
        return True
    output = getattr(args, "output", None)
    if output is None or not _mpi_lead():
        return False
    now = _identity(output)
    return now is not None and now != _stop_signal["before"]


def _mpi_lead() -> bool:
    from learnrace import _mpi

    return _mpi.current().lead


def _interrupted(args) -> str:
    if _written(args):
        what = f"after {args.output} was written completely"
    elif args.command == "sweep":
        what = f"finished blocks kept in {args.output}.checkpoint/: continue with --resume"
    else:
        what = "nothing written" + (f", {args.output} left as it was" if args.command in ("run", "infer") else "")
    newline = "\n" if sys.stderr.isatty() else ""  # past the progress bar
    return f"{newline}learnrace: interrupted ({_stop_signal['name']}); {what}"


def _failure(error: BaseException, args) -> tuple:
    """(exit code, message) of an error that ends a command."""
    from learnrace import ConfigError, FileFormatError

    if isinstance(error, _UsageError):
        return EXIT_USAGE, f"learnrace: {error}\nTry 'learnrace --help'."
    if isinstance(error, (ConfigError, FileFormatError)):
        return EXIT_USAGE, f"learnrace: {error}"
    if isinstance(error, KeyboardInterrupt):
        return EXIT_RUNTIME, _interrupted(args)
    if isinstance(error, MemoryError):
        return EXIT_RUNTIME, f"learnrace: error: {error or 'out of memory'}"
    if isinstance(error, OSError) and error.strerror and not error.filename:
        return EXIT_RUNTIME, f"learnrace: error: {error.strerror}"  # e.g. "cannot write X: File too large"
    if isinstance(error, (OSError, RuntimeError)):
        return EXIT_RUNTIME, f"learnrace: error: {error}"
    return None, None  # a bug: its traceback


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.version:
        from learnrace import _core

        print(f"learnrace {_core.version} (git {_core.git_describe})")
        return EXIT_OK
    if args.command is None:
        parser.print_usage(sys.stderr)
        return EXIT_USAGE
    from learnrace import _mpi

    try:
        return _COMMANDS[args.command](args)
    except BaseException as e:  # noqa: BLE001 - every failure ends the command with its exit code and one message
        if isinstance(e, SystemExit):
            raise
        code, message = _failure(e, args)
        ranks = _mpi.current()
        if code is None:  # an unexpected error: its traceback; under MPI it must not leave the other ranks waiting
            if ranks.size == 1:
                raise
            import traceback

            traceback.print_exc()
            code = EXIT_RUNTIME
        elif not getattr(e, "quiet", False):
            if ranks.size > 1 and not ranks.lead:
                message = message.replace("learnrace: ", f"learnrace (rank {ranks.rank}): ", 1)
            print(message, file=sys.stderr)
        if not getattr(e, "agreed", False):
            ranks.abort(code)  # the other ranks may wait for this one in a collective step: end the launch
        return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
