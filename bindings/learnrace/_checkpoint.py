"""The checkpoint of a running study: ``OUT.h5.checkpoint/``, one file per finished block of points.

Each block's outcomes are written to ``part-<first>-<end>.npz`` through a temporary file that is synced and renamed
(host/output_file.hpp's rule, the same temporary names), so a block is either wholly in the checkpoint or not at
all, whenever the study is killed (SIGKILL included). ``study.json`` holds the study's fingerprint: ``--resume``
continues only the study that wrote the checkpoint. When the study file has been written the checkpoint is removed.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
from typing import List, Tuple

import numpy as np

from . import outcomes as registry
from ._errors import FileFormatError
from ._save import atomic_write

SUFFIX = ".checkpoint"
MANIFEST = "study.json"
_PART = re.compile(r"^part-(\d{10})-(\d{10})\.npz$")


def directory_for(output: str) -> str:
    return os.path.abspath(output) + SUFFIX


class Checkpoint:
    """The checkpoint directory of the study writing ``output``; ``fingerprint`` identifies the study."""

    def __init__(self, output: str, fingerprint: str, n_points: int):
        self.path = directory_for(output)
        self.fingerprint = fingerprint
        self.n_points = n_points

    @property
    def exists(self) -> bool:
        return os.path.isdir(self.path)

    def create(self) -> None:
        """A new checkpoint (the directory may exist and be empty of parts, e.g. made by another MPI rank)."""
        os.makedirs(self.path, exist_ok=True)
        self._write(MANIFEST, json.dumps({"fingerprint": self.fingerprint, "n_points": self.n_points}).encode())

    def check_manifest(self) -> None:
        """FileFormatError unless the checkpoint was written by this very study (same fingerprint)."""
        where = os.path.join(self.path, MANIFEST)
        try:
            with open(where, encoding="utf-8") as f:
                manifest = json.load(f)
        except FileNotFoundError:
            return  # killed before its manifest was written: no part can exist either (parts come after it)
        except (OSError, ValueError) as e:
            raise FileFormatError(f"{where}: unreadable checkpoint manifest ({e})", where) from None
        if manifest.get("fingerprint") != self.fingerprint:
            raise FileFormatError(
                f"{self.path}: this checkpoint belongs to another study (its base experiment, design, dyads, seed or "
                "learnrace build differ); delete the directory to start this study afresh",
                self.path,
            )

    def _write(self, name: str, data: bytes) -> None:
        atomic_write(os.path.join(self.path, name), lambda out: out.write(data))

    def write_part(self, first: int, end: int, values: registry.OutcomeArrays) -> None:
        buffer = io.BytesIO()
        meta = json.dumps(
            {"fingerprint": self.fingerprint, "first": first, "end": end, "outcomes": registry.REGISTRY.names}
        )
        np.savez(buffer, meta=np.array(meta), **values._asdict())
        self._write(f"part-{first:010d}-{end:010d}.npz", buffer.getvalue())

    def read_parts(self) -> List[Tuple[int, int, registry.OutcomeArrays]]:
        """Every finished block, sorted by first point; FileFormatError for a part of another study or outcome list,
        an overlap, or a range outside the design."""
        parts = []
        for name in sorted(os.listdir(self.path)):
            m = _PART.match(name)
            if not m:
                continue
            first, end = int(m.group(1)), int(m.group(2))
            where = os.path.join(self.path, name)
            if not 0 <= first < end <= self.n_points:
                raise FileFormatError(f"{where}: points [{first}, {end}) are not in the study's {self.n_points}", where)
            parts.append((first, end, self._read_part(where, first, end)))
        for (_, end, _), (first, _, _) in zip(parts, parts[1:]):
            if first < end:
                raise FileFormatError(f"{self.path}: parts overlap at point {first}", self.path)
        return parts

    def _read_part(self, where: str, first: int, end: int) -> registry.OutcomeArrays:
        try:
            with np.load(where, allow_pickle=False) as z:
                meta = json.loads(str(z["meta"]))
                arrays = {k: z[k] for k in registry.OutcomeArrays._fields}
        except (OSError, ValueError, KeyError) as e:
            raise FileFormatError(f"{where}: unreadable checkpoint part ({e})", where) from None
        if meta.get("fingerprint") != self.fingerprint or tuple(meta.get("outcomes", ())) != registry.REGISTRY.names:
            raise FileFormatError(f"{where}: a part of another study or learnrace version", where)
        shape = (end - first, len(registry.REGISTRY.names))
        for k, a in arrays.items():
            if a.shape != shape or a.dtype != registry.OutcomeArrays.empty(0)._asdict()[k].dtype:
                raise FileFormatError(f"{where}: {k} is {a.dtype} {a.shape}, expected {shape}", where)
        return registry.OutcomeArrays(**arrays)

    def has_parts(self) -> bool:
        return self.exists and any(_PART.match(name) for name in os.listdir(self.path))

    def remove(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            shutil.rmtree(self.path)


def pending_blocks(n_points: int, done: List[Tuple[int, int]], block: int) -> List[Tuple[int, int]]:
    """The points not in ``done`` (sorted, disjoint ranges) as blocks of at most ``block`` consecutive points."""
    out, at = [], 0
    for first, end in [*done, (n_points, n_points)]:
        for b in range(at, first, block):
            out.append((b, min(first, b + block)))
        at = max(at, end)
    return out


def done_ranges(parts) -> List[Tuple[int, int]]:
    return [(first, end) for first, end, _ in parts]


def assemble(n_points: int, parts) -> registry.OutcomeArrays:
    values = registry.OutcomeArrays.empty(n_points)
    for first, end, part in parts:
        values.put(slice(first, end), part)
    return values


def covered(n_points: int, parts) -> int:
    return sum(end - first for first, end, _ in parts)
