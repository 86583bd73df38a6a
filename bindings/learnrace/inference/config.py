"""Inference files: an experiment plus an ``[infer]`` table, for ``learnrace infer`` (docs/inference.md).

    [infer]
    method = "rejection"              # rejection | abc-smc | npe
    simulations = 20000
    dyads = 200                       # alliances per simulated data set (default: as many as the data have)
    seed = 1
    records = "records.csv"           # the data (paths relative to this file), or facts = {column = value, ...}
    sequences = "sequences.csv"
    unit = "quarters"                 # of the records' durations: quarters | years

    [infer.prior]
    "flows.lambda" = {low = 0.05, high = 0.3}

    [[infer.statistics]]
    stat = "survival"
    at = [8, 20, 40]

    [infer.options]                   # the method's options (learnrace.infer)
    accept = 200

The rest of the file is the base experiment every simulation starts from.
"""

from __future__ import annotations

import os
from typing import Any, Dict, Mapping

from .._errors import ConfigError

SETTINGS = ("method", "simulations", "dyads", "seed", "records", "sequences", "unit", "facts", "prior", "statistics")
TABLES = ("options",)


def load(source: Any, require_data: bool = True) -> Dict[str, Any]:
    """The keyword arguments of :func:`learnrace.infer` from an inference file (path, TOML text or dict). With
    ``require_data=False`` the file may name no data (``observed`` is then None: a set-up for synthetic data sets)."""
    from ..design import read_experiment
    from .api import Facts
    from .data import observed

    folder = os.path.dirname(os.path.abspath(source)) if isinstance(source, str) and os.path.isfile(source) else ""
    config = read_experiment(source)
    if "infer" not in config or not isinstance(config["infer"], Mapping):
        raise ConfigError("an inference file needs an [infer] table (docs/inference.md)", "infer")
    table = dict(config.pop("infer"))
    unknown = sorted(set(table) - set(SETTINGS) - set(TABLES))
    if unknown:
        raise ConfigError(
            f"infer.{unknown[0]}: unknown setting; [infer] takes {', '.join(SETTINGS + TABLES)}", f"infer.{unknown[0]}"
        )
    for needed in ("prior", "statistics"):
        if needed not in table:
            raise ConfigError(f"infer.{needed}: missing", f"infer.{needed}")
    if not require_data and not {"facts", "records", "sequences"} & set(table):
        data = None
    elif "facts" in table:
        if "records" in table or "sequences" in table:
            raise ConfigError("infer.facts: give facts or data (records, sequences), not both", "infer.facts")
        data = Facts(table["facts"])
    else:
        paths = {k: os.path.join(folder, table[k]) for k in ("records", "sequences") if k in table}
        if not paths:
            raise ConfigError("infer: give records, sequences or facts", "infer.records")
        data = observed(paths.get("records"), paths.get("sequences"), table.get("unit", "quarters"))
    options = table.get("options", {})
    if not isinstance(options, Mapping):
        raise ConfigError("infer.options: expected a table", "infer.options")
    kwargs = {
        "base": config,
        "prior": table["prior"],
        "observed": data,
        "statistics": table["statistics"],
        **{k: table[k] for k in ("method", "simulations", "dyads", "seed") if k in table},
        **dict(options),
    }
    return kwargs
