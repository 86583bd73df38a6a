"""``learnrace.run`` and ``learnrace.open``."""

from __future__ import annotations

import os
from typing import Any

from ._arguments import check_run_arguments
from ._config import resolve_config
from ._errors import ConfigError
from ._threads import default_threads
from .progress import make_progress
from .results import Results


def _core():
    try:
        from . import _core as core
    except ImportError as e:  # pragma: no cover - only without a built extension
        raise ImportError(
            "learnrace's C++ extension is not built; install the package with `pip install .` from the repository"
        ) from e
    return core


def run(
    config: Any,
    backend: str = "auto",
    dyads: int | None = None,
    seed: int | None = None,
    progress: Any = True,
    threads: int | None = None,
    chunk_dyads: int | None = None,
    points: Any = None,
) -> Results:
    """Run an experiment and return its :class:`Results` (in memory; ``Results.save(path)`` writes the run file).

    config: a TOML file path, TOML text, or a nested dict (converted to TOML).
    points: the experiment's points instead of its ``[[points]]`` / ``[sweep]``: a :class:`learnrace.design.Design`,
        a DataFrame (one row per point, one column per dotted configuration key, optionally a ``point`` column of
        names; without one the points are named ``p00000``, ...) or a list of ``[[points]]`` dicts. For designs
        larger than a few hundred points use :func:`learnrace.study`, which keeps per point only its outcomes.
    backend: ``"auto"`` (CUDA when a GPU is usable, else CPU), ``"cpu"`` or ``"cuda"``.
    dyads, seed: override ``run.dyads`` / ``run.seed`` of the experiment.
    progress: True for a progress bar, False for none, or a callable ``f(dyads_done, dyads_total)``.
    threads: CPU threads, 0 to 4096 (None or 0: the CPUs this process may use: its affinity mask, capped by a cgroup
        CPU quota, or OMP_NUM_THREADS when set); more than the system lets this process start (``ulimit -v``,
        ``ulimit -u``) raise ConfigError naming the count that can. Results do not depend on it. OpenMP threads wait
        passively (they sleep instead of spinning; learnrace._threads), so every core is fast on a shared machine too.
    chunk_dyads: dyads per point per backend call (None: on the CPU small chunks, about 1% of the run but at least 8
        blocks of 256 dyads per thread, at most ``run.chunk_dyads``, so that progress and Ctrl-C are seen often; on
        CUDA the larger of ``run.chunk_dyads`` and 2^24 / points, since each GPU call has a fixed cost), rounded up to
        a multiple of 256 dyads (the CPU backend's block). Results do not depend on it.

    The engine runs on a worker thread with the GIL released; Ctrl-C stops it within a block of dyads (also inside
    the only chunk) and raises KeyboardInterrupt. Raises :class:`learnrace.ConfigError` (a ValueError with ``.key``)
    for an invalid experiment or argument (``key`` is then the argument's name, e.g. ``"threads"``; ``"backend"``
    also when ``backend="cuda"`` and no GPU is usable), MemoryError when the results do not fit in memory.
    """
    options = check_run_arguments(backend, dyads, seed, progress, threads, chunk_dyads)
    if points is not None:
        config = with_points(config, points)
    return run_checked(config, options, progress)


def run_checked(config: Any, options: dict, progress: Any, split: tuple = (0, 1)) -> Results:
    """:func:`run` with its arguments checked (``options`` from check_run_arguments); ``split`` (rank, ranks): only
    that rank's share of the dyads (an MPI launch, learnrace._mpi)."""
    core = _core()
    cfg = resolve_config(config)
    if not options.get("threads"):
        options = {**options, "threads": default_threads()}
    desc = "learnrace" if cfg.path is None else f"learnrace {os.path.basename(cfg.path)}"
    callback, close = make_progress(progress, desc=desc)
    options = {**options, "progress": callback}
    try:
        if cfg.path is not None:
            handle = core.run_file(cfg.path, split=split, **options)
        else:
            handle = core.run_string(cfg.text, cfg.source_name, split=split, **options)
    except ConfigError as e:
        raise cfg.config_error(e) from None
    finally:
        close()
    return Results._from_handle(handle)


def with_points(config: Any, points: Any) -> dict:
    """The experiment ``config`` (path, TOML text or dict) as a dict whose ``[[points]]`` are ``points`` (a Design, a
    DataFrame of points or a list of point dicts). ConfigError when the experiment has ``[[points]]`` or ``[sweep]``
    of its own."""
    import pandas as pd

    from .design import Design, read_experiment, to_engine_points

    base = read_experiment(config)
    for table in ("points", "sweep"):
        if table in base:
            raise ConfigError(f"points: the experiment has [{table}] of its own; give its points one way", table)
    if isinstance(points, Design):
        points = points.points
    if isinstance(points, pd.DataFrame):
        points = to_engine_points(points)
    elif not isinstance(points, (list, tuple)) or not all(isinstance(p, dict) for p in points):
        raise ConfigError(
            f"points: expected a learnrace.design.Design, a DataFrame or a list of dicts, not {type(points).__name__}",
            "points",
        )
    if not points:
        raise ConfigError("points: no points", "points")
    return {**base, "points": list(points)}


def open(path: str | os.PathLike[str]):  # noqa: A001 - the public name is learnrace.open
    """Read a run file written by ``learnrace run`` or ``Results.save`` (a :class:`Results`), a study file written
    by ``learnrace sweep`` or :func:`learnrace.study` (a :class:`learnrace.StudyResults`), or a posterior file written
    by ``learnrace infer`` or :func:`learnrace.infer` (a :class:`learnrace.Posterior`), by its root attribute
    ``filetype``.

    Checks the root attributes ``filetype`` and ``version`` and every dataset against the file's schema; raises
    :class:`learnrace.FileFormatError` for anything else (including files that are not HDF5).
    """
    from . import study_file
    from .inference import posterior_file

    kind = study_file.filetype_of(path) if os.path.isfile(path) else None
    if kind == study_file.FILETYPE:
        from ._study import open_study

        return open_study(path)
    if kind == posterior_file.FILETYPE:
        from .inference import open_posterior

        return open_posterior(path)
    return Results._from_file(path)


def cuda_available() -> bool:
    """True when this build has the CUDA backend and a GPU is usable."""
    try:
        return bool(_core().cuda_available())
    except ImportError:
        return False
