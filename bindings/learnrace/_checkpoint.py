"""The checkpoint of a running study: ``OUT.h5.checkpoint/``, one file per finished block of points.

Each block's outcomes are written to ``part-<first>-<end>.npz`` through a temporary file that is synced and renamed
(host/output_file.hpp's rule, the same temporary names), so a block is either wholly in the checkpoint or not at
all, whenever the study is killed (SIGKILL included). ``study.json`` holds the study's fingerprint: ``--resume``
continues only the study that wrote the checkpoint. When the study file has been written the checkpoint is removed.

A part damaged on disk (truncated, a flipped bit: every array of an .npz carries the zip format's CRC-32, checked as
it is read; its header's shape and type are checked before anything is allocated) is not used: ``read_parts`` lists
it in ``damaged`` with the reason, and the study removes it and runs its points again.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import zipfile
import zlib
from typing import Dict, List, Tuple

import numpy as np

from . import outcomes as registry
from ._errors import FileFormatError
from ._save import atomic_write

SUFFIX = ".checkpoint"
MANIFEST = "study.json"
_PART = re.compile(r"^part-(\d{10})-(\d{10})\.npz$")
# The meta record of a part (JSON: fingerprint, first, end, outcomes) is far smaller.
MAX_META_CHARS = 1 << 16
# What reading a damaged .npz raises: a bad CRC-32 or a truncated zip (BadZipFile), a damaged npy header
# (ValueError, SyntaxError from its dict literal), a damaged zip directory (KeyError, NotImplementedError for an
# unknown compression method, OverflowError, struct errors are ValueError-like), a short read (EOFError, OSError).
_DAMAGE = (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, KeyError, IndexError, TypeError,
           SyntaxError, NotImplementedError, OverflowError, RuntimeError, UnicodeDecodeError)  # fmt: skip


def directory_for(output: str) -> str:
    return os.path.abspath(output) + SUFFIX


class Checkpoint:
    """The checkpoint directory of the study writing ``output``; ``fingerprint`` identifies the study."""

    def __init__(self, output: str, fingerprint: str, n_points: int):
        self.path = directory_for(output)
        self.fingerprint = fingerprint
        self.n_points = n_points
        self.damaged: Dict[str, str] = {}  # part path -> why it cannot be used (read_parts)

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
        """Every finished block that is intact, sorted by first point; the damaged ones (unreadable, failing a
        CRC-32, of the wrong shape) are left out and listed in ``damaged``. FileFormatError for an intact part of
        another study or outcome list, an overlap, or a range outside the design."""
        parts = []
        self.damaged = {}
        for name in sorted(os.listdir(self.path)):
            m = _PART.match(name)
            if not m:
                continue
            first, end = int(m.group(1)), int(m.group(2))
            where = os.path.join(self.path, name)
            if not 0 <= first < end <= self.n_points:
                raise FileFormatError(f"{where}: points [{first}, {end}) are not in the study's {self.n_points}", where)
            try:
                meta, arrays = _load_part(where, end - first)
            except _DAMAGE as e:
                self.damaged[where] = f"{type(e).__name__}: {e}"
                continue
            if (
                meta.get("fingerprint") != self.fingerprint
                or tuple(meta.get("outcomes", ())) != registry.REGISTRY.names
            ):
                raise FileFormatError(f"{where}: a part of another study or learnrace version", where)
            if (meta.get("first"), meta.get("end")) != (first, end):
                self.damaged[where] = f"it holds points [{meta.get('first')}, {meta.get('end')}), not its name's"
                continue
            parts.append((first, end, arrays))
        for (_, end, _), (first, _, _) in zip(parts, parts[1:]):
            if first < end:
                raise FileFormatError(f"{self.path}: parts overlap at point {first}", self.path)
        return parts

    def remove_damaged(self) -> None:
        """Removes the parts ``read_parts`` found damaged (their points are run again)."""
        for where in self.damaged:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(where)

    def has_parts(self) -> bool:
        return self.exists and any(_PART.match(name) for name in os.listdir(self.path))

    def remove(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            shutil.rmtree(self.path)


def _read_member(z: zipfile.ZipFile, name: str, shape: tuple, dtype: np.dtype) -> np.ndarray:
    """One array of an .npz, its npy header checked against the expected shape and type before anything is
    allocated, its bytes read to the end (the zip module checks the member's CRC-32 there)."""
    from numpy.lib import format as npy

    with z.open(f"{name}.npy") as fp:
        version = npy.read_magic(fp)
        read_header = npy.read_array_header_1_0 if version == (1, 0) else npy.read_array_header_2_0
        stored_shape, fortran, stored_dtype = read_header(fp)
        if fortran or stored_shape != shape or stored_dtype != dtype:
            raise ValueError(f"{name} is {stored_dtype} {stored_shape}, expected {dtype} {shape}")
        data = fp.read(dtype.itemsize * int(np.prod(shape, dtype=np.int64)) + 1)
        if len(data) != dtype.itemsize * int(np.prod(shape, dtype=np.int64)) or fp.read(1):
            raise ValueError(f"{name}: {len(data)} data bytes, expected {dtype.itemsize * int(np.prod(shape))}")
    return np.frombuffer(data, dtype=dtype).reshape(shape).copy()


def _load_part(where: str, points: int) -> Tuple[dict, registry.OutcomeArrays]:
    """The meta record and the arrays of a part of `points` points (raises one of _DAMAGE when it is damaged)."""
    empty = registry.OutcomeArrays.empty(0)._asdict()
    shape = (points, len(registry.REGISTRY.names))
    with zipfile.ZipFile(where) as z:
        meta_array = _read_member(z, "meta", (), _meta_dtype(z))
        meta = json.loads(str(meta_array[()]))
        if not isinstance(meta, dict):
            raise ValueError(f"meta is {type(meta).__name__}, not a JSON object")
        arrays = {k: _read_member(z, k, shape, empty[k].dtype) for k in registry.OutcomeArrays._fields}
    return meta, registry.OutcomeArrays(**arrays)


def _meta_dtype(z: zipfile.ZipFile) -> np.dtype:
    """The dtype the meta member declares, if it is a unicode string of at most MAX_META_CHARS."""
    from numpy.lib import format as npy

    with z.open("meta.npy") as fp:
        version = npy.read_magic(fp)
        read_header = npy.read_array_header_1_0 if version == (1, 0) else npy.read_array_header_2_0
        _, _, dtype = read_header(fp)
    if dtype.kind != "U" or dtype.itemsize > 4 * MAX_META_CHARS:
        raise ValueError(f"meta is {dtype}, expected a unicode string of at most {MAX_META_CHARS} characters")
    return dtype


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
