"""``learnrace`` console script: the C++ CLI's subcommands from Python.

    learnrace run EXPERIMENT.toml -o OUT.h5 [--dyads N] [--seed S] [--threads K] [--backend auto|cpu|cuda]
    learnrace info FILE.h5

Exit codes: 0 success, 1 run or I/O failure, 2 invalid experiment or arguments (message names the key),
3 not a learnrace run file, 130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import List

EXIT_OK, EXIT_FAILURE, EXIT_CONFIG, EXIT_FILE_FORMAT, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="learnrace", description="Learning-race dynamics in two-firm alliances.")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    r = sub.add_parser("run", help="run an experiment and write the run file")
    r.add_argument("experiment", help="experiment TOML file")
    r.add_argument("-o", "--output", required=True, help="output run file (.h5)")
    r.add_argument("--dyads", type=int, help="dyads per sweep point (overrides run.dyads)")
    r.add_argument("--seed", type=int, help="seed (overrides run.seed)")
    r.add_argument("--threads", type=int, default=0, help="CPU threads (0: all cores)")
    r.add_argument("--backend", default="auto", choices=("auto", "cpu", "cuda"))
    r.add_argument("--no-progress", action="store_true", help="no progress bar")
    i = sub.add_parser("info", help="describe a run file")
    i.add_argument("file", help="run file (.h5)")
    return p


def _run(args) -> int:
    import learnrace

    start = time.monotonic()
    res = learnrace.run(
        args.experiment,
        backend=args.backend,
        dyads=args.dyads,
        seed=args.seed,
        threads=args.threads,
        progress=not args.no_progress,
    )
    out_dir = os.path.dirname(os.path.abspath(args.output))
    os.makedirs(out_dir, exist_ok=True)
    res.save(args.output)
    print(
        f"learnrace: {res.n_points} point(s) x {res.dyads_per_point} dyads on {res.backend} in {res.seconds:.2f} s "
        f"(total {time.monotonic() - start:.2f} s) -> {args.output}"
    )
    print(res._source.handle.headlines(), end="")
    return EXIT_OK


def _info(args) -> int:
    import pandas as pd

    import learnrace
    from learnrace import _core

    res = learnrace.open(args.file)  # checks filetype and version first (FileFormatError)
    if hasattr(_core, "file_info"):  # the C++ CLI's text
        print(_core.file_info(args.file), end="")
        return EXIT_OK
    src = res._source.attrs
    print(f"{args.file}: learnrace run file")
    for key in ("learnrace_version", "git_describe", "seed", "backend", "dyads_per_point", "periods", "seconds"):
        if key in src:
            print(f"  {key:16s} {src[key]}")
    print(f"  {'points':16s} {res.n_points}: {', '.join(res.point_names)}")
    print(f"  {'trajectories':16s} {res.trajectories['pair'].shape[1]} sampled dyads per point")
    with pd.option_context("display.width", 160, "display.max_columns", 12, "display.precision", 4):
        print()
        print(res.summary().T.to_string())
    return EXIT_OK


def main(argv: List[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from learnrace import ConfigError, FileFormatError

    try:
        return _run(args) if args.command == "run" else _info(args)
    except ConfigError as e:
        where = f" [{e.key}]" if e.key else ""
        print(f"learnrace: invalid experiment{where}: {e}", file=sys.stderr)
        return EXIT_CONFIG
    except FileFormatError as e:
        print(f"learnrace: {e}", file=sys.stderr)
        return EXIT_FILE_FORMAT
    except KeyboardInterrupt:
        print("\nlearnrace: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except (OSError, RuntimeError) as e:
        print(f"learnrace: {e}", file=sys.stderr)
        return EXIT_FAILURE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
