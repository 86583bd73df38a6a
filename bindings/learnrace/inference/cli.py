"""``learnrace infer INFER.toml -o OUT.h5``: the command-line side of :func:`learnrace.infer` (its hook in
learnrace/cli.py: :func:`add_parser`, :func:`run`, and :func:`info_text` for ``learnrace info``)."""

from __future__ import annotations

import argparse
import os
import sys
import time


def add_parser(sub, engine_options) -> None:
    p = sub.add_parser("infer", help="fit model keys to observed alliances and write the posterior file")
    p.add_argument("file", help="inference TOML file: an experiment with an [infer] table (docs/inference.md)")
    p.add_argument("-o", "--output", required=True, help="output posterior file (.h5); its directory must exist")
    p.add_argument("--method", choices=("rejection", "abc-smc", "npe"), help="overrides infer.method")
    p.add_argument("--simulations", type=int, help="simulated data sets (overrides infer.simulations)")
    engine_options(p, "alliances per simulated data set (overrides infer.dyads)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar and no summary")


def info_text(posterior) -> str:
    """The posterior in a few lines: what it is, its summary, the observed statistics and the cost."""
    import pandas as pd

    d = posterior.diagnostics
    with pd.option_context("display.width", 120, "display.max_columns", 20):
        summary = posterior.summary().round(4).to_string()
    lines = [repr(posterior), summary, "observed statistics:"]
    lines += [f"  {k:<40} {v:.6g}" for k, v in posterior.observed.items()]
    lines.append(
        f"cost: {d.get('simulations', '?')} simulations, {d.get('dyad_periods', 0):.3g} dyad-periods, "
        f"{d.get('seconds', float('nan')):.1f} s"
    )
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    import learnrace
    from learnrace import _core

    from .config import load

    if not os.path.isfile(args.file):
        raise learnrace.ConfigError(f"{args.file}: no such inference file", "")
    try:
        _core.check_output_path(args.output, args.file)
    except ValueError as e:
        print(f"learnrace: {e}\nTry 'learnrace --help'.", file=sys.stderr)
        return 2
    kwargs = load(args.file)
    for name in ("method", "simulations", "dyads", "seed"):
        if getattr(args, name) is not None:
            kwargs[name] = getattr(args, name)
    start = time.monotonic()
    posterior = learnrace.infer(
        **kwargs, backend=args.backend, threads=args.threads, output=args.output, progress=not args.quiet
    )
    if not args.quiet:
        print(f"learnrace: -> {args.output} ({time.monotonic() - start:.1f} s)")
        print(info_text(posterior))
    return 0
