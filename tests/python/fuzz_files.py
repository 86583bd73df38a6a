"""Fuzzing of run files, study files and checkpoint parts: damaged copies of a valid file, read by every reader.

Each case damages a valid file in one way a disk, a network copy or an attacker could: one flipped bit, eight
overwritten bytes (anywhere, or at the start of an HDF5 structure such as a global heap collection or an object
header, where a parser would trust what it reads), or a truncation. The cases are drawn from a fixed seed, so a run
is reproducible and a failing case can be replayed by its number.

Every reader must then either give exactly what the valid file holds (the damage hit bytes nothing reads) or refuse
the file with learnrace.FileFormatError; anything else is a failure: another exception (a traceback), a crash (a
signal), or different data (a silently wrong result). The readers run in a worker process, so a crash inside a C
library ends only the worker; the driver records the case and starts a new worker after it.

    python3 tests/python/fuzz_files.py KIND VALID CASES SEED   # KIND: run, study, part or posterior; one line a case

Used by tests/python/test_fuzz_files.py.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import tempfile
from typing import Dict, List

import numpy as np

# HDF5 structure signatures (HDF5 file format specification): global heap collection, object headers and their
# continuation blocks, B-trees, local and fractal heaps, symbol tables, free space, shared messages.
SIGNATURES = tuple(
    s.encode() for s in "GCOL OHDR OCHK TREE HEAP SNOD FRHP FHDB FHIB BTHD BTIN BTLF FSHD FSSE FAHD FADB EAHD".split()
)
# In a zip file (a checkpoint part, .npz): local file headers, central directory entries, end of central directory.
ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x01\x02", b"PK\x05\x06")


def structure_offsets(data: bytes) -> List[int]:
    """Offsets of every HDF5 and zip structure signature in `data`."""
    out = []
    for sig in (*SIGNATURES, *ZIP_SIGNATURES):
        at = data.find(sig)
        while at >= 0:
            out.append(at)
            at = data.find(sig, at + 1)
    return sorted(out)


def damage(data: bytes, seed: int, case: int) -> bytes:
    """Case `case` of the damages of `data` drawn from `seed`: a flipped bit, eight random bytes (at a random offset
    or within 64 bytes after a structure signature) or a truncation."""
    rng = random.Random(seed * 1_000_003 + case)
    d = bytearray(data)
    kind = rng.choice(("bit", "bit", "bytes", "structure", "structure", "structure", "truncate"))
    if kind == "bit":
        at = rng.randrange(len(d))
        d[at] ^= 1 << rng.randrange(8)
    elif kind == "truncate":
        del d[rng.randrange(len(d)) :]
    else:
        offsets = structure_offsets(data) if kind == "structure" else []
        at = rng.choice(offsets) + rng.randrange(4, 64) if offsets else rng.randrange(len(d))
        at = min(at, len(d) - 8)
        d[at : at + 8] = bytes(rng.randrange(256) for _ in range(8))
    return bytes(d)


# ----------------------------------------------------------------------------------------------------- the readers


def _equal(a, b) -> bool:
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return isinstance(b, (list, tuple)) and len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b))
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        if a.shape != b.shape or a.dtype != b.dtype:
            return False
        if a.dtype.kind == "f":
            return bool(np.array_equal(a, b, equal_nan=True))
        return bool(np.array_equal(a, b))
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (a != a and b != b)
    return a == b


def read_run(path: str, _context: Dict) -> Dict:
    """Everything of a run file, through the Python reader (learnrace.open), the C++ reader and `learnrace info`."""
    import learnrace
    from learnrace import _core, headlines

    out: Dict = {}
    with learnrace.open(path) as res:
        out["info"] = "\n".join(line for line in headlines.run_info(res).splitlines() if not line.startswith("file "))
        for name in ("config_toml", "seed", "backend", "dyads_per_point", "periods", "seconds", "relation_bin_max"):
            out[name] = getattr(res, name)
        out["points"] = {c: res.points[c].to_numpy() for c in res.points.columns}
        out["edges"] = res.histogram_edges
        for s in learnrace._sources.schema()["count_sections"]:
            out[s["name"]] = np.array(getattr(res, s["name"]))
        for name in res.trajectories:
            out[f"trajectories/{name}"] = np.array(res.trajectories[name])
    cpp = _core.read_file(path)
    out["cpp"] = {name: np.array(cpp.section(name)) for name in _core.section_names}
    out["cpp_points"] = (list(cpp.point_names), list(cpp.kernels), cpp.config_toml)
    return out


def read_study(path: str, _context: Dict) -> Dict:
    """Everything of a study file, through learnrace.open (StudyResults)."""
    import learnrace

    s = learnrace.open(path)
    out: Dict = {"attrs": s.attrs, "skipped": s.skipped}
    out["points"] = {c: s.points[c].to_numpy() for c in s.points.columns}
    out["registry"] = {c: s.registry[c].to_numpy() for c in s.registry.columns}
    out["values"] = {k: np.asarray(v) for k, v in s.values._asdict().items()}
    a = s.analysis
    out["analysis"] = None if a is None else {c: a[c].to_numpy() for c in a.columns}
    out["design"] = s.design.to_json()
    return out


def read_part(path: str, study: Dict) -> Dict:
    """A checkpoint directory holding one part (the damaged copy): what resuming the study would take from it.
    `study`: the fingerprint and n_points of the study that wrote the part. A part the checkpoint finds damaged
    (and would run again) counts as refused."""
    import learnrace
    from learnrace import _checkpoint

    directory = os.path.dirname(path)
    c = _checkpoint.Checkpoint(directory[: -len(_checkpoint.SUFFIX)], study["fingerprint"], study["n_points"])
    parts = c.read_parts()
    damaged = getattr(c, "damaged", None)  # (a learnrace before 2026-12-07 has no such list)
    if damaged:
        raise learnrace.FileFormatError(f"damaged: {damaged}")
    return {"parts": [(first, end, {k: np.asarray(v) for k, v in p._asdict().items()}) for first, end, p in parts]}


def read_posterior(path: str, _context: Dict) -> Dict:
    """Everything of a posterior file (learnrace.inference.posterior_file.read), frames as arrays."""
    from learnrace.inference import posterior_file

    out = {}
    for key, value in posterior_file.read(path).items():
        if hasattr(value, "columns"):
            value = {c: value[c].to_numpy() for c in value.columns}
        out[key] = value
    return out


READERS = {"run": read_run, "study": read_study, "part": read_part, "posterior": read_posterior}


def _outcome(kind: str, path: str, context: Dict, expected) -> str:
    import learnrace

    try:
        got = READERS[kind](path, context)
    except learnrace.FileFormatError as e:
        message = str(e)
        if "\n" in message:
            return f"BAD-MESSAGE {message!r}"
        return "refused"
    except Exception as e:  # noqa: BLE001 - any other exception is what the fuzzing looks for
        return f"EXCEPTION {type(e).__name__}: {str(e)[:300]!r}"
    return "same" if _equal(got, expected) else "DIFFERENT"


def _context(valid: str) -> Dict:
    """What a reader needs besides the file: VALID.json when there is one (a part: its study's fingerprint)."""
    if not os.path.exists(valid + ".json"):
        return {}
    with open(valid + ".json") as f:
        return json.load(f)


def worker(kind: str, valid: str, first: int, count: int, seed: int, scratch: str, log) -> None:
    """Reads cases first .. count - 1, one line each to `log` ("<case> <outcome>"; the case number is written
    before the case is read, so a crash leaves it without an outcome)."""
    context = _context(valid)
    with open(valid, "rb") as f:
        data = f.read()
    target = os.path.join(scratch, os.path.basename(valid))
    with open(target, "wb") as f:
        f.write(data)
    expected = READERS[kind](target, context)  # the valid file where the damaged copies will be
    for case in range(first, count):
        with open(target, "wb") as f:
            f.write(damage(data, seed, case))
        log.write(f"{case} ")
        log.flush()
        log.write(_outcome(kind, target, context, expected) + "\n")
        log.flush()


def run_cases(kind: str, valid: str, count: int, seed: int, timeout: float = 600) -> Dict[int, str]:
    """Every case's outcome: "same", "refused", or what went wrong ("CRASH <signal>" for a worker that died)."""
    outcomes: Dict[int, str] = {}
    with tempfile.TemporaryDirectory() as top:
        # a part is read from a checkpoint directory (OUT.h5.checkpoint/), any other file from anywhere
        scratch = os.path.join(top, "study.h5.checkpoint")
        os.makedirs(scratch)
        log_path = os.path.join(top, "fuzz.log")
        first = 0
        while first < count:
            with open(log_path, "w") as log:
                proc = subprocess.run(
                    [sys.executable, __file__, "worker", kind, valid, str(first), str(count), str(seed), scratch],
                    stdout=log,
                    stderr=subprocess.PIPE,
                    timeout=timeout,
                )
            crashed = None
            with open(log_path) as log:
                for line in log:
                    case, _, outcome = line.rstrip("\n").partition(" ")
                    if outcome:
                        outcomes[int(case)] = outcome
                    else:
                        crashed = int(case)
            if proc.returncode == 0:
                break
            if crashed is None:  # died before its first case: the reader of the valid file failed
                raise RuntimeError(f"fuzz worker failed: {proc.stderr.decode(errors='replace')[-3000:]}")
            why = signal.Signals(-proc.returncode).name if proc.returncode < 0 else f"exit {proc.returncode}"
            outcomes[crashed] = f"CRASH {why}"
            first = crashed + 1
    return outcomes


def main(argv: List[str]) -> int:
    if argv[1] == "worker":
        kind, valid, first, count, seed, scratch = argv[2], argv[3], int(argv[4]), int(argv[5]), int(argv[6]), argv[7]
        worker(kind, valid, first, count, seed, scratch, sys.stdout)
        return 0
    kind, valid, count, seed = argv[1], argv[2], int(argv[3]), int(argv[4])
    for case, outcome in sorted(run_cases(kind, valid, count, seed).items()):
        print(case, outcome)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
