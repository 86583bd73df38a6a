"""``learnrace`` console script: the C++ CLI (host/cli_main.cpp) from Python, same subcommands, flags, exit codes.

    learnrace run EXPERIMENT.toml -o OUT.h5 [--dyads N] [--seed S] [--threads K] [--backend auto|cpu|cuda]
                  [--chunk N] [-q]
    learnrace sweep STUDY.toml -o OUT.h5 [--dyads N] [--seed S] [--threads K] [--backend auto|cpu|cuda]
                    [--block N] [--resume] [-q]
    learnrace info FILE.h5
    learnrace export FILE.h5 --csv DIR
    learnrace --help | --version

Exit codes: 0 success; 2 usage or configuration error, or a file that is not a learnrace run file (the message
names the key or flag; nothing is written); 1 runtime error or interrupted (SIGINT/Ctrl-C or SIGTERM: the run stops
within a block of dyads, nothing is written and an existing output file is kept; a sweep keeps its finished blocks in
OUT.h5.checkpoint/ for --resume).

Under ``mpirun -n R``, ``run`` splits the experiment's dyads across the ranks and ``sweep`` the study's blocks of
points (learnrace._mpi); rank 0 writes the file, the same for every R.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time

EXIT_OK, EXIT_RUNTIME, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse's own exit code is 2 too; keep the C++ CLI's wording
        self.exit(EXIT_USAGE, f"learnrace: {message}\nTry 'learnrace --help'.\n")


def _engine_options(command: argparse.ArgumentParser, dyads_help: str) -> None:
    """The options `run` and `sweep` share: dyads, seed, threads, backend."""
    command.add_argument("--dyads", type=int, help=dyads_help)
    command.add_argument("--seed", type=int, help="seed (overrides run.seed)")
    command.add_argument("--threads", type=int, default=0, help="CPU threads, 0..4096 (0: all cores)")
    command.add_argument(
        "--backend",
        default="auto",
        choices=("auto", "cpu", "cuda"),
        help="default auto: CUDA when a device is usable, else the CPU",
    )


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="learnrace", description="Learning-race dynamics in two-firm alliances.")
    p.add_argument("-V", "--version", action="store_true", help="print the version and exit")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    r = sub.add_parser("run", help="run an experiment and write the run file")
    r.add_argument("experiment", help="experiment TOML file")
    r.add_argument("-o", "--output", required=True, help="output run file (.h5); its directory must exist")
    _engine_options(r, "dyads per sweep point (overrides run.dyads)")
    r.add_argument(
        "--chunk",
        type=int,
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
        type=int,
        help="points per block: one engine call and one checkpoint each (default: about 2^22 dyads on the CPU, 2^26 "
        "on CUDA); results do not depend on it",
    )
    w.add_argument(
        "--resume", action="store_true", help="continue the interrupted study whose checkpoint is OUT.h5.checkpoint/"
    )
    w.add_argument("-q", "--quiet", action="store_true", help="no progress bar and no summary")
    i = sub.add_parser("info", help="print a run or study file's schema version, configuration and headline numbers")
    i.add_argument("file", help="run file (.h5)")
    e = sub.add_parser("export", help="write a run file's tables as tidy CSV files for spreadsheets")
    e.add_argument("file", help="run file (.h5)")
    e.add_argument("--csv", required=True, metavar="DIR", help="directory for the CSV files (created if missing)")
    return p


class _Stopped(KeyboardInterrupt):
    """SIGINT or SIGTERM during a run (a KeyboardInterrupt, so the engine cancels the run the same way)."""


_stop_signal = {"name": "SIGINT", "written": False}


def _on_stop_signal(signum, frame):
    _stop_signal["name"] = signal.Signals(signum).name
    signal.signal(signum, signal.SIG_DFL)  # a second one ends the process at once
    raise _Stopped()


def _run(args) -> int:
    import learnrace
    from learnrace import _core, _mpi
    from learnrace._arguments import check_run_arguments
    from learnrace.api import run_checked

    if not os.path.isfile(args.experiment):
        raise learnrace.ConfigError(f"{args.experiment}: no such experiment file", "")
    try:
        _core.check_output_path(args.output, args.experiment)  # refused before anything is simulated
    except ValueError as e:
        print(f"learnrace: {e}\nTry 'learnrace --help'.", file=sys.stderr)
        return EXIT_USAGE
    ranks = _mpi.world()
    progress = not args.quiet and ranks.lead
    options = check_run_arguments(args.backend, args.dyads, args.seed, progress, args.threads, args.chunk)
    # the rank's GPU is chosen (CUDA_VISIBLE_DEVICES) before anything starts CUDA, cuda_available() included
    options["threads"] = _mpi.share_node(ranks, args.backend, options["threads"])
    if args.backend == "cuda" and not learnrace.cuda_available():
        print(f"learnrace: --backend: {_core.cuda_unavailable_reason()}", file=sys.stderr)
        return EXIT_USAGE
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, _on_stop_signal)
    start = time.monotonic()
    error = None
    try:
        res = run_checked(args.experiment, options, progress, split=(ranks.rank, ranks.size))
    except (MemoryError, OSError, RuntimeError) as e:  # a configuration error stops every rank alike
        error = e
    if not ranks.all(error is None):
        raise error or RuntimeError("another MPI rank failed; see its message")
    _mpi.merge_run(ranks, res._source.handle)
    if not ranks.lead:
        return EXIT_OK
    res.save(args.output)
    _stop_signal["written"] = True  # a signal that arrived during the save is raised after it: the file is complete
    if not args.quiet:
        print(
            f"learnrace: {res.n_points} point(s) x {res.dyads_per_point} dyads x {res.periods} periods on "
            f"{res.backend}{_ranks_note(ranks)} -> {args.output}\n"
            f"wall time    {res.seconds:.2f} s simulating, {time.monotonic() - start:.2f} s in all\n"
        )
        print(res._source.handle.headlines(), end="")
    return EXIT_OK


def _sweep(args) -> int:
    import learnrace

    if not os.path.isfile(args.study):
        raise learnrace.ConfigError(f"{args.study}: no such study file", "")
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, _on_stop_signal)
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
        print(_study_headlines(result))
    return EXIT_OK


def _ranks_note(ranks) -> str:
    return f" ({ranks.size} MPI ranks)" if ranks.size > 1 else ""


def _study_headlines(result) -> str:
    """The study in a few lines: its outcomes' range over the points, and the largest indices of its analysis."""
    outcomes = result.outcomes.drop(columns="point")
    lines = ["outcome ranges over the points (min / median / max):"]
    for name in ("share_censored", "race_won", "duration_rmst", "mean_abs_asymmetry", "mean_power_shift"):
        y = outcomes[name]
        lines.append(f"  {name:<22} {y.min():.4g} / {y.median():.4g} / {y.max():.4g}")
    analysis = result.analysis
    if analysis is not None:
        first = "ST" if "ST" in set(analysis["index"]) else "mu_star"
        top = analysis[(analysis["index"] == first) & analysis["outcome"].isin(["race_won", "duration_rmst"])]
        lines.append(f"largest {first} (95% CI) of race_won and duration_rmst:")
        for _, row in top.sort_values("estimate", ascending=False).groupby("outcome").head(3).iterrows():
            lines.append(
                f"  {row['outcome']:<14} {row['parameter']:<34} {row['estimate']:.3f} "
                f"[{row['ci_low']:.3f}, {row['ci_high']:.3f}]"
            )
    return "\n".join(lines)


def _info(args) -> int:
    import learnrace
    from learnrace import _core, study_file

    if not os.path.exists(args.file):
        print(f"learnrace: info: {args.file}: no such file\nTry 'learnrace --help'.", file=sys.stderr)
        return EXIT_USAGE
    if os.path.isfile(args.file) and study_file.filetype_of(args.file) == study_file.FILETYPE:
        result = learnrace.open(args.file)  # checked (FileFormatError)
        print(f"{result!r}\n{_study_headlines(result)}")
        return EXIT_OK
    with learnrace.open(args.file):  # checks the file against the output schema (FileFormatError)
        pass
    print(_core.file_info(args.file), end="")
    return EXIT_OK


def _export(args) -> int:
    import learnrace
    from learnrace.export import write_csv

    if not os.path.exists(args.file):
        print(f"learnrace: export: {args.file}: no such file\nTry 'learnrace --help'.", file=sys.stderr)
        return EXIT_USAGE
    if os.path.exists(args.csv) and not os.path.isdir(args.csv):
        print(f"learnrace: export: --csv {args.csv}: exists and is not a directory", file=sys.stderr)
        return EXIT_USAGE
    with learnrace.open(args.file) as res:
        written = write_csv(res, args.csv)
    for path in written:
        print(path)
    return EXIT_OK


_COMMANDS = {"run": _run, "sweep": _sweep, "info": _info, "export": _export}


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
    from learnrace import ConfigError, FileFormatError

    try:
        return _COMMANDS[args.command](args)
    except ConfigError as e:
        print(f"learnrace: {e}", file=sys.stderr)
        return EXIT_USAGE
    except FileFormatError as e:
        print(f"learnrace: {e}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        newline = "\n" if sys.stderr.isatty() else ""  # past the progress bar
        if _stop_signal["written"]:
            what = f"after {args.output} was written completely"
        elif args.command == "sweep":
            what = f"finished blocks kept in {args.output}.checkpoint/: continue with --resume"
        else:
            what = "nothing written" + (f", {args.output} left as it was" if args.command == "run" else "")
        print(f"{newline}learnrace: interrupted ({_stop_signal['name']}); {what}", file=sys.stderr)
        return EXIT_RUNTIME
    except MemoryError as e:
        print(f"learnrace: error: {e or 'out of memory'}", file=sys.stderr)
        return EXIT_RUNTIME
    except (OSError, RuntimeError) as e:
        print(f"learnrace: error: {e}", file=sys.stderr)
        return EXIT_RUNTIME


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
