"""The checksum of the attributes of learnrace's HDF5 files (docs/output_schema.md, "Checksums").

Datasets carry HDF5's Fletcher32 filter, which libhdf5 checks whenever it reads a chunk; attributes cannot, so the
root attribute ``attributes_crc32`` holds the CRC-32 (zlib's) of every other attribute the file's schema lists, each
as a canonical record in schema order::

    object path, NUL, attribute name, NUL, value length (uint64 little-endian), value bytes

where the value bytes are a string's UTF-8 bytes (up to its first NUL) or the int64 / float64 values of a number or
array, little-endian. Run files are checked by the C++ reader (host/hdf5/h5_run_checksum.hpp, the same records); study
files by :mod:`learnrace.study_file` with this module.
"""

from __future__ import annotations

import zlib
from typing import Iterable, List, Tuple

import numpy as np

ATTRIBUTE = "attributes_crc32"
# (object path, attribute name, dtype): "str", "int64" or "float64"
Spec = Tuple[str, str, str]


def value_bytes(value, dtype: str) -> bytes:
    """The canonical bytes of an attribute value as h5py reads it."""
    if dtype == "str":
        if isinstance(value, np.ndarray) and value.shape == ():
            value = value[()]
        raw = value if isinstance(value, bytes) else str(value).encode("utf-8")
        return raw.split(b"\0", 1)[0]
    return np.ascontiguousarray(np.asarray(value), dtype="<i8" if dtype == "int64" else "<f8").tobytes()


def record(obj: str, name: str, value: bytes) -> bytes:
    return obj.encode() + b"\0" + name.encode() + b"\0" + len(value).to_bytes(8, "little") + value


def compute(f, specs: Iterable[Spec]) -> int:
    """CRC-32 of the attributes `specs` of the open h5py file `f` (KeyError when one is missing)."""
    crc = 0
    for obj, name, dtype in specs:
        crc = zlib.crc32(record(obj, name, value_bytes(f[obj].attrs[name], dtype)), crc)
    return crc


def seal(f, specs: Iterable[Spec]) -> None:
    """Writes ``attributes_crc32`` = compute(f, specs) (the writers' last step)."""
    f.attrs[ATTRIBUTE] = np.int64(compute(f, specs))


def run_file_attributes() -> List[Spec]:
    """The attributes the checksum of a run file covers: the output schema registry's root attributes (but the
    checksum) and dataset attributes, in registry order."""
    from ._sources import schema

    s = schema()
    return [
        (a["object"], a["name"], a["dtype"])
        for a in [*s["root_attributes"], *s["dataset_attributes"]]
        if a["name"] != ATTRIBUTE
    ]
