"""``learnrace.study``, ``learnrace.open_study``: run a sensitivity study, keeping per point only its outcomes.

docs/sensitivity.md has the recipe.

The design's points run in blocks, many points per backend call; each block's count arrays are reduced to the
outcomes of :mod:`learnrace.outcomes` and dropped, so memory holds one block's arrays at a time and the study file
about a kilobyte per point. With an output file every finished block is checkpointed (``OUT.h5.checkpoint/``), so a
killed study continues with ``resume=True`` (``learnrace sweep --resume``) and ends with the file an uninterrupted
run writes. Under ``mpirun`` the blocks are shared among the ranks (learnrace._mpi).

>>> import learnrace
>>> s = learnrace.study("experiments/study_sobol.toml", "data/sobol.h5", dyads=2000)
>>> s.analysis            # Sobol' S1 / ST of every outcome with bootstrap CIs (sobol and morris designs)
>>> s.summary()           # one row per point and outcome: parameters, estimate, CI, counts
>>> s.results("p00017")   # that point again with every count array (the same counts as in the study)
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import sys
import time
from typing import Any, Dict, List, Tuple

import numpy as np
import pandas as pd

from . import _checkpoint, _mpi, _signals, study_file
from . import outcomes as registry
from ._arguments import _integer, check_run_arguments
from ._config import dict_to_toml, toml_loads
from ._errors import ConfigError, FileFormatError
from .design import POINT_COLUMN, Design, Study, as_design, load_study, read_experiment, to_engine_points
from .progress import make_progress

# Dyads per block of points, so that a block keeps the backend busy: on CUDA a few calls of 2^24 dyads (each call has
# a fixed cost, host/driver.hpp), on the CPU about a minute of two cores at 100 periods (a checkpoint that often).
BLOCK_DYADS = {"cpu": 1 << 22, "cuda": 1 << 26}
# The count arrays of one block in memory at most (they are reduced to outcomes and dropped after each block).
MAX_BLOCK_BYTES = 1 << 30
# Points per engine call when the whole design is checked before anything runs (with one dyad per point).
CHECK_POINTS = 4096
# Dyads per point whose trajectories a block keeps, for the period shares' intervals (learnrace.outcomes).
SAMPLED_DYADS = 200
DEFAULT_DYADS = 1000  # run.dyads when an experiment does not set it (experiments/baseline.toml)
TRAJECTORY_ROW_BYTES = 29  # a sampled dyad's bytes per period (and 40 per dyad: an upper bound)


# --------------------------------------------------------------------------------------------------------- results


class StudyResults:
    """A finished study: its design, the outcomes of every point with their counts, and the analysis.

    From :func:`learnrace.study` or :func:`open_study` / :func:`learnrace.open` (a study file). ``outcomes`` is one
    row per point (a ``point`` column, one column per outcome), ``counts`` the same in long form with ``n`` and
    ``successes`` (shares) or ``sd`` (means) for :mod:`learnrace.sensitivity`; ``analysis`` the Sobol' or Morris
    indices (None for other designs) and ``skipped`` the outcomes left out of it with the reason.
    """

    def __init__(self, data: Dict[str, Any], design: Design, path: str | None = None):
        self._data = data
        self.design = design
        self.path = path

    @property
    def attrs(self) -> Dict[str, Any]:
        """The study file's root attributes (backend, dyads_per_point, periods, seed, seconds, ...)."""
        return dict(self._data["attrs"])

    @property
    def points(self) -> pd.DataFrame:
        """The design's points: ``point`` and one column per parameter."""
        frame = self.design.points.copy()
        frame.attrs = {}
        return frame

    @property
    def values(self) -> registry.OutcomeArrays:
        """The raw arrays [points x outcomes]: estimate, n, successes, sd."""
        return self._data["values"]

    @property
    def registry(self) -> pd.DataFrame:
        """The outcomes stored: name, kind (share, period_share, mean, quantile), unit (what n counts), doc, and from
        the registry of this version (learnrace.outcomes) their label, short label, scale and interval method."""
        stored = self._data["registry"][["name", "kind", "unit", "doc"]]
        labels = registry.table()[["name", "label", "short", "scale", "ci_method"]]
        return stored.merge(labels, on="name", how="left")

    def _frames(self) -> Tuple[pd.DataFrame, pd.DataFrame]:
        stored = self._data["registry"]  # the outcomes this study stored, by name (learnrace.outcomes)
        names, kinds = list(stored["name"]), list(stored["kind"])
        return registry.frames(self.values, self.design.points[POINT_COLUMN], names, kinds)

    @property
    def outcomes(self) -> pd.DataFrame:
        """One row per point: ``point``, the point's parameters (one column per varied key, as in :attr:`points`),
        then one column per outcome, by its registry name (:mod:`learnrace.outcomes`). In the design's point order,
        so it lines up with :attr:`points` row by row."""
        wide = self._frames()[0]
        parameters = self.points.drop(columns=[POINT_COLUMN]).reset_index(drop=True)
        clash = [c for c in parameters.columns if c in wide.columns]
        if clash:  # a parameter named like an outcome: keep the outcome under its name
            parameters = parameters.drop(columns=clash)
        return pd.concat([wide[[POINT_COLUMN]], parameters, wide.drop(columns=[POINT_COLUMN])], axis=1)

    @property
    def counts(self) -> pd.DataFrame:
        """The outcomes' counts in long form: point, outcome, n, successes (shares), sd (means)."""
        return self._frames()[1]

    @property
    def analysis(self) -> pd.DataFrame | None:
        a = self._data["analysis"]
        return None if a is None else a.copy()

    @property
    def skipped(self) -> Dict[str, str]:
        return dict(self._data["skipped"])

    def summary(self, confidence: float | None = None, share_method: str = "wilson") -> pd.DataFrame:
        """One row per point and outcome: the point's parameters, the estimate and its interval
        (:func:`learnrace.sensitivity.summarise`)."""
        from .sensitivity import summarise

        return summarise(self.design, self.outcomes, self.counts, confidence=confidence, share_method=share_method)

    def to_xarray(self, **options):
        """A grid study as an xarray Dataset, one dimension per parameter (:func:`learnrace.sensitivity.to_xarray`)."""
        from .sensitivity import to_xarray

        return to_xarray(self.design, self.outcomes, self.counts, **options)

    @property
    def base(self) -> dict:
        """The experiment every point starts from (its ``[run]`` with the study's dyads and seed)."""
        return toml_loads(self._data["attrs"]["base_toml"])

    def point_index(self, point: int | str) -> int:
        names = list(self.design.points[POINT_COLUMN])
        if isinstance(point, (int, np.integer)) and not isinstance(point, bool):
            if not 0 <= point < len(names):
                raise IndexError(f"point {point} out of range (the study has {len(names)} points)")
            return int(point)
        if point not in names:
            raise KeyError(f"no point named {point!r} in the study")
        return names.index(point)

    def experiment(self, point: int | str) -> dict:
        """One point as an ordinary experiment (with its point key, so it gives the numbers it had in the study)."""
        i = self.point_index(point)
        base = self.base
        return {
            **base,
            "run": {**base.get("run", {}), "first_point_key": i},
            "points": to_engine_points(self.design.points.iloc[i : i + 1]),
        }

    def results(self, point: int | str, **run_options):
        """The point's full count arrays and trajectories: the point run again (the same counts as in the study, by
        determinism). ``run_options`` go to :func:`learnrace.run` (backend, threads, progress, ...)."""
        from .api import run

        run_options.setdefault("progress", False)
        return run(self.experiment(point), **run_options)

    def save(self, path: str | os.PathLike[str]) -> str:
        """Write the study file (temporary file, synced, renamed over ``path``)."""
        from ._save import atomic_write, refuse_non_regular

        path = os.fspath(path)
        refuse_non_regular(path)
        data = study_file.to_bytes({**self._data, "design": self.design})
        atomic_write(path, lambda out: out.write(data))
        return path

    def close(self) -> None:
        """Nothing to release (a study file is read whole when opened); for ``with learnrace.open(path) as s:``,
        as :meth:`learnrace.Results.close`."""

    def __enter__(self) -> StudyResults:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        a = self._data["attrs"]
        where = f"file {self.path!r}" if self.path else "in memory"
        return (
            f"<learnrace.StudyResults {where}: {self.design.kind} design of {len(self.design.keys)} parameter(s), "
            f"{a['n_points']} points x {a['dyads_per_point']} dyads x {a['periods']} periods, "
            f"{len(self._data['registry'])} outcomes>"
        )


def open_study(path: str | os.PathLike[str]) -> StudyResults:
    """Read a study file (``learnrace sweep``, :func:`learnrace.study`), checked: FileFormatError names what is
    wrong."""
    data = study_file.read(path)
    try:
        design = Design.from_json(data["attrs"]["design"], data["points"])
    except (ValueError, KeyError, TypeError, ConfigError) as e:
        raise FileFormatError(
            f"{os.fspath(path)}: design: does not describe the stored points ({e})", "design"
        ) from None
    return StudyResults(data, design, os.fspath(path))


# ------------------------------------------------------------------------------------------------------------ runs


def _prepare(source: Any, design: Any, dyads: int | None, seed: int | None) -> Tuple[Design, dict]:
    if design is not None:
        d, base = as_design(design), read_experiment(source)
        for table in ("points", "sweep", "study"):
            if table in base:
                raise ConfigError(f"design=: the experiment has [{table}]; its points come from the design", table)
    elif isinstance(source, Study):
        d, base = source.design, dict(source.base)
    else:
        s = load_study(source)
        d, base = s.design, s.base
    run = dict(base.get("run", {}))
    if "first_point_key" in run:
        raise ConfigError("run.first_point_key: a study sets it per point; remove it", "run.first_point_key")
    if dyads is not None:
        run["dyads"] = dyads
    if seed is not None:
        run["seed"] = seed
    output = dict(base.get("output", {}))
    if "trajectory_max" not in output and "trajectory_stride" not in output:
        # A sample of SAMPLED_DYADS dyads per point, whose trajectories give the period shares their dyad-clustered
        # intervals (learnrace.outcomes); the trajectories are not kept, and they do not change the counts. Written
        # into the base experiment, so that StudyResults.results(point) runs the point with the same sample.
        dyads_per_point = int(run.get("dyads", DEFAULT_DYADS))
        output.update(trajectory_max=SAMPLED_DYADS, trajectory_stride=max(1, dyads_per_point // SAMPLED_DYADS))
    return d, {**base, "run": run, "output": output}


def _block_config(base: dict, d: Design, first: int, end: int, dyads: int | None = None) -> dict:
    """The experiment of points [first, end): their point keys are their indices in the design (run.first_point_key);
    the base's trajectory sample is simulated for the period shares' intervals and then dropped with the block."""
    run = {**base["run"], "first_point_key": first}
    if dyads is not None:
        run["dyads"] = dyads
    output = dict(base.get("output", {}))
    return {**base, "run": run, "output": output, "points": to_engine_points(d.points.iloc[first:end])}


def _check_design(base: dict, d: Design) -> dict:
    """Every point of the design checked by the engine before anything runs (ConfigError names the key and point);
    returns the engine's view of the first block: dyads, periods, count bytes per point."""
    from . import _core

    first = None
    for at in range(0, d.n_points, CHECK_POINTS):
        end = min(d.n_points, at + CHECK_POINTS)
        text = dict_to_toml(_block_config(base, d, at, end, dyads=1 if at else None))
        checked = _core.check_config(text, "study")
        first = first or checked
    return first


def _fingerprint(base_toml: str, d: Design) -> str:
    """What a checkpoint must match to be continued: the base experiment, the design and its points, the build."""
    from . import _core

    points = hashlib.sha256(d.points.to_csv(index=False).encode()).hexdigest()
    what = {
        "study_file": list(study_file.VERSION),
        "base": base_toml,
        "design": d.to_json(),
        "points": points,
        "outcomes": list(registry.REGISTRY.names),
        "learnrace": [_core.version, _core.git_describe],
    }
    return hashlib.sha256(json.dumps(what, sort_keys=True).encode()).hexdigest()


def _block_size(block: int | None, backend: str, dyads: int, count_bytes: int) -> int:
    if block is not None:
        return _integer("block", block, 1, 10_000_000)
    kind = "cpu" if backend == "cpu" else "cuda" if backend == "cuda" else _resolved_backend()
    wanted = math.ceil(BLOCK_DYADS[kind] / max(dyads, 1))
    return int(max(1, min(wanted, MAX_BLOCK_BYTES // max(count_bytes, 1))))


def _resolved_backend() -> str:
    from .api import cuda_available

    return "cuda" if cuda_available() else "cpu"


def _analyse(d: Design, values: registry.OutcomeArrays) -> Tuple[pd.DataFrame | None, Dict[str, str]]:
    """Sobol' or Morris indices of every outcome that the analysis can take: finite at every point and not the same
    at every point (the others, with the reason, in ``skipped``)."""
    if d.kind not in ("sobol", "morris"):
        return None, {}
    from .sensitivity import analyse

    wide = registry.frames(values, d.points[POINT_COLUMN])[0]
    usable, skipped = [], {}
    for name in registry.REGISTRY.names:
        y = wide[name].to_numpy(dtype=np.float64)
        if not np.isfinite(y).all():
            skipped[name] = "not finite at every point (a median beyond the horizon, or no dyads it is a mean of)"
        elif np.ptp(y) == 0:
            skipped[name] = "the same at every point"
        else:
            usable.append(name)
    if not usable:
        return None, skipped
    return analyse(d, wide, columns=usable), skipped


def study(
    source: Any,
    output: str | os.PathLike[str] | None = None,
    design: Any = None,
    backend: str = "auto",
    dyads: int | None = None,
    seed: int | None = None,
    threads: int | None = None,
    block: int | None = None,
    resume: bool = False,
    progress: Any = True,
) -> StudyResults | None:
    """Run a study: every point of its design, reduced to the outcomes of :mod:`learnrace.outcomes`, and the analysis
    of its design (Sobol' or Morris indices); with ``output`` also the study file.

    source: a study file (TOML path or text with a ``[study]`` table, docs/sensitivity.md), a dict of one, a
        :class:`learnrace.design.Study`; or, with ``design``, the base experiment (path, text or dict).
    design: a :class:`learnrace.design.Design` (or a points frame carrying one) to run on ``source``.
    output: the study file to write (``learnrace-study``, :mod:`learnrace.study_file`); while the study runs, its
        finished blocks are kept in ``OUTPUT.checkpoint/``.
    dyads, seed: override ``run.dyads`` / ``run.seed`` of the base experiment.
    backend, threads, progress: as in :func:`learnrace.run` (progress counts the dyads of the whole study).
    block: points per block (one engine call and one checkpoint each; default: about 2^22 dyads on the CPU, 2^26 on
        CUDA, and at most 1 GiB of count arrays). The results do not depend on it.
    resume: continue the study whose checkpoint is beside ``output`` (a checkpoint of another study is refused);
        without ``resume`` an existing checkpoint is refused, so that no finished work is dropped by mistake.

    Under ``mpirun -n R`` every rank calls this; the blocks are shared among the ranks (one GPU per rank of a node, or
    the node's cores shared among its ranks), and rank 0 writes the file and gets the results (the other ranks get
    None). The file is the same for any rank count, block size, thread count and resume.
    """
    from . import _core

    ranks = _mpi.world()
    _mpi.collectives_begin()
    error = None
    try:  # every rank checks alike; a failure on any rank stops them all (one message)
        options = check_run_arguments(backend, None, None, progress, threads, None)
        if not isinstance(resume, bool):
            raise ConfigError(f"resume: {resume!r} is not True or False", "resume")
        if output is not None:
            output = os.fspath(output)
            try:  # refused before anything is simulated
                _core.check_output_path(output, source if isinstance(source, str) and os.path.isfile(source) else "")
            except ValueError as e:
                raise ConfigError(str(e), "output") from None
        elif resume:
            raise ConfigError(
                "resume: a study resumes from the checkpoint beside its output file; give output", "resume"
            )
        d, base = _prepare(source, design, dyads, seed)
        # the rank's GPU is chosen (CUDA_VISIBLE_DEVICES) before anything starts CUDA, cuda_available() included
        options["threads"] = _mpi.share_node(ranks, options["backend"], options["threads"])
        checked = _check_design(base, d)
    except (ConfigError, FileFormatError, OSError, ValueError) as e:
        error = e
    ranks.agree(error)
    base_toml = dict_to_toml(base)
    fingerprint = _fingerprint(base_toml, d)
    sampling = base["output"]
    stride, most = int(sampling.get("trajectory_stride", 1000)), int(sampling.get("trajectory_max", 1000))
    sample_bytes = min(most, -(-checked["dyads"] // stride)) * (checked["periods"] * TRAJECTORY_ROW_BYTES + 40)
    size = _block_size(block, options["backend"], checked["dyads"], checked["count_bytes_per_point"] + sample_bytes)
    if options["backend"] == "cpu" or (options["backend"] == "auto" and _resolved_backend() == "cpu"):
        # run.chunk_dyads per point per call, as `learnrace run` on the CPU, not learnrace.run's small responsive
        # chunks: each call has a cost that grows with the block's points (8x slower at 28 points of 10,000 dyads,
        # bench/results/study-*.md); a block is the unit of progress, and Ctrl-C still stops within 256 dyads
        options["chunk_dyads"] = checked["chunk_dyads"]
    start = time.monotonic()

    # Rank 0 reads (or creates) the checkpoint; every rank learns the blocks still to run.
    checkpoint = _checkpoint.Checkpoint(output, fingerprint, d.n_points) if output else None
    parts, error = [], None
    if ranks.lead and checkpoint is not None:
        try:
            parts = _open_checkpoint(checkpoint, resume)
        except (ConfigError, FileFormatError, OSError) as e:
            error = e
    ranks.agree(error)
    if parts and progress:
        print(
            f"learnrace sweep: resuming: {_checkpoint.covered(d.n_points, parts)} of {d.n_points} points from the "
            f"checkpoint {checkpoint.path}",
            file=sys.stderr,
        )
    pending = _checkpoint.pending_blocks(d.n_points, _checkpoint.done_ranges(parts), size)
    pending = _mpi.broadcast(ranks, pending)
    mine = pending[ranks.rank :: ranks.size]

    finished, error = _run_blocks(base, d, mine, checked["dyads"], options, checkpoint, ranks, progress)
    first = ranks.first_failed(error is not None)
    if first >= 0:
        if ranks.lead and checkpoint is not None and not checkpoint.has_parts():
            checkpoint.remove()  # nothing finished (e.g. no usable GPU): no checkpoint for --resume to insist on
        ranks.raise_failed(error, first)
    finished = _gather_parts(ranks, finished)
    _mpi.collectives_done()
    if not ranks.lead:
        return None
    parts = sorted(parts + finished, key=lambda p: p[0])
    values = _checkpoint.assemble(d.n_points, parts)
    analysis, skipped = _analyse(d, values)
    attrs = {
        "learnrace_version": _core.version,
        "git_describe": _core.git_describe,
        "backend": options["backend"] if options["backend"] != "auto" else _resolved_backend(),
        "base_toml": base_toml,
        "design": d.to_json(),
        "fingerprint": fingerprint,
        "seed": int(base["run"].get("seed", 1)),
        "dyads_per_point": checked["dyads"],
        "periods": checked["periods"],
        "n_points": d.n_points,
        "seconds": time.monotonic() - start,
    }
    data = {
        "attrs": attrs,
        "points": d.points,
        "registry": registry.table(),
        "values": values,
        "analysis": analysis,
        "skipped": skipped,
    }
    result = StudyResults(data, d, output)
    if output is not None:
        with _signals.held():  # a signal now waits until the file is written and the checkpoint fully removed
            result.save(output)
            checkpoint.remove()
    return result


def _gather_parts(ranks: _mpi.Ranks, finished: List) -> List:
    """Every rank's finished blocks on rank 0 (its list; an empty list elsewhere): which blocks, then their outcome
    arrays in messages of bounded size (learnrace._mpi.send)."""
    if ranks.comm is None:
        return finished
    blocks = _mpi.exchange(ranks, [(first, end) for first, end, _ in finished])
    if not ranks.lead:
        for _, _, values in finished:
            for array in values:
                _mpi.send(ranks, np.ascontiguousarray(array), 0)
        return []
    out = list(finished)
    for source in range(1, ranks.size):
        for first, end in blocks[source]:
            values = registry.OutcomeArrays.empty(end - first)
            for array in values:
                _mpi.recv(ranks, array, source)
            out.append((first, end, values))
    return out


def _open_checkpoint(checkpoint: _checkpoint.Checkpoint, resume: bool) -> list:
    if checkpoint.exists and not resume:
        raise ConfigError(
            f"{checkpoint.path}: the checkpoint of an interrupted study is there; continue it with --resume "
            "(resume=True), or delete it to start again",
            "resume",
        )
    if checkpoint.exists:
        checkpoint.check_manifest()
        parts = checkpoint.read_parts()
        for where, why in checkpoint.damaged.items():
            print(f"learnrace sweep: {where}: damaged checkpoint part ({why}); removed, its points run again",
                  file=sys.stderr)  # fmt: skip
        checkpoint.remove_damaged()
        checkpoint.create()  # the manifest again, if the study was killed before writing it
        return parts
    checkpoint.create()
    return []


def _run_blocks(base, d, blocks, dyads, options, checkpoint, ranks, progress) -> Tuple[List, BaseException | None]:
    """Runs this rank's blocks, checkpointing each; returns the finished ones and the error that stopped them (a
    KeyboardInterrupt is raised at once: every rank of an interrupted launch gets the signal)."""
    from .api import run_checked
    from .outcomes import compute

    total = sum(end - first for first, end in blocks) * dyads
    callback, close = make_progress(progress if ranks.lead else False, desc="learnrace sweep")
    finished: List = []
    done = 0
    try:
        for first, end in blocks:
            step = None
            if callback is not None:
                offset = done

                def step(block_done, block_total, offset=offset):
                    callback(offset + block_done, total)

            res = run_checked(_block_config(base, d, first, end), options, step)
            values = compute(res)
            del res  # the block's count arrays
            if checkpoint is not None:
                checkpoint.write_part(first, end, values)
            finished.append((first, end, values))
            done += (end - first) * dyads
    except (ConfigError, MemoryError, OSError, RuntimeError, ValueError) as e:
        return finished, e
    finally:
        close()
    return finished, None
