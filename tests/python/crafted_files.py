"""Crafted bad run files: each one starts from a valid run file and breaks one thing an attacker or a damaged disk
could (wrong shapes or dtypes, periods 0, version "1" or 1.5, huge declared sizes over little stored data, foreign
filters, external storage, text that is not UTF-8, a flipped byte). Every reader must refuse each with a
FileFormatError naming the item.

An attacker can also write the attributes' checksum (attributes_crc32, docs/output_schema.md) again after an edit, so
that the checks behind it are reached: the cases edited in place are resealed by the caller (``make(..., seal=)``;
the manifest's third column says which), all but those in UNSEALED, which keep the old checksum as a damaged disk
would.

Used by tests/python/test_crafted_files.py and, as a script, by tests/cpp/test_hdf5_crafted.cpp:

    python3 tests/python/crafted_files.py VALID.h5 OUT_DIR   # writes OUT_DIR/<case>.h5 and OUT_DIR/manifest.tsv
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Callable, Dict, List, Tuple

import h5py
import numpy as np

HUGE = 1 << 30


def _fixed_strings(values, width: int = 32):
    """Strings as learnrace stores them: fixed-length UTF-8 (or any bytes: a crafted file)."""
    raw = [v if isinstance(v, bytes) else v.encode() for v in values]
    return np.array(raw, dtype=h5py.string_dtype("utf-8", width))


def _replace_dataset(f: h5py.File, path: str, **kwargs) -> None:
    attrs = dict(f[path].attrs)
    del f[path]
    d = f.create_dataset(path, **kwargs)
    for k, v in attrs.items():
        d.attrs[k] = v


def _set_attr(name: str, value) -> Callable[[h5py.File], None]:
    def edit(f: h5py.File) -> None:
        del f.attrs[name]
        f.attrs[name] = value

    return edit


def _del_attr(name: str) -> Callable[[h5py.File], None]:
    def edit(f: h5py.File) -> None:
        del f.attrs[name]

    return edit


def _retype(path: str, dtype) -> Callable[[h5py.File], None]:
    def edit(f: h5py.File) -> None:
        data = f[path][()]
        _replace_dataset(f, path, data=data.astype(dtype))

    return edit


def _reshape(path: str, drop_last: int = 1) -> Callable[[h5py.File], None]:
    def edit(f: h5py.File) -> None:
        data = f[path][()]
        _replace_dataset(f, path, data=data[..., : data.shape[-1] - drop_last])

    return edit


def _delete(path: str) -> Callable[[h5py.File], None]:
    def edit(f: h5py.File) -> None:
        del f[path]

    return edit


def _huge_periods(f: h5py.File) -> None:
    # The root attribute and /counts/occupancy [P, 2^30, 25] agree, but no chunk of the 200 GiB is stored.
    f.attrs["periods"] = np.int64(HUGE)
    P = f["counts/occupancy"].shape[0]
    _replace_dataset(f, "counts/occupancy", shape=(P, HUGE, 25), dtype=np.uint64, chunks=(1, 1024, 25), fletcher32=True)


def _huge_factor_bins(f: h5py.File) -> None:
    P, F = f["counts/transitions_by_bin"].shape[:2]
    _replace_dataset(
        f,
        "counts/transitions_by_bin",
        shape=(P, F, 1 << 20, 25, 25),
        dtype=np.uint64,
        chunks=(1, 1, 16, 25, 25),
        fletcher32=True,
    )


def _huge_points(f: h5py.File) -> None:
    _replace_dataset(
        f, "points/name", shape=(HUGE,), dtype=h5py.string_dtype("utf-8", 64), chunks=(4096,), fletcher32=True
    )


def _huge_slots(f: h5py.File) -> None:
    P, _, T = f["trajectories/pair"].shape
    _replace_dataset(f, "trajectories/pair", shape=(P, HUGE, T), dtype=np.uint8, chunks=(1, 64, T), fletcher32=True)


def _variable_length_strings(f: h5py.File) -> None:
    # a file of version 3 (before 2026-12-07): its strings in the global heap, which a reader must not read
    for name in ("filetype", "learnrace_version", "git_describe", "backend", "config_toml"):
        value = f.attrs[name]
        del f.attrs[name]
        f.attrs[name] = value.decode() if isinstance(value, bytes) else str(value)
    f.attrs["version"] = np.array([3, 0], dtype=np.int64)


def _unchecksummed(path: str) -> Callable[[h5py.File], None]:
    def edit(f: h5py.File) -> None:
        data = f[path][()]
        _replace_dataset(f, path, data=data)  # contiguous, no Fletcher32

    return edit


def _not_utf8_point_name(f: h5py.File) -> None:
    names = list(f["points/name"][()])
    names[0] = b"\xff\xfeA"
    _replace_dataset(f, "points/name", data=_fixed_strings(names), chunks=(len(names),), fletcher32=True)


def _not_utf8_config(f: h5py.File) -> None:
    raw = bytes(f.attrs["config_toml"]) + b"# \xc3\x28\n"
    del f.attrs["config_toml"]
    f.attrs.create("config_toml", np.bytes_(raw), dtype=h5py.string_dtype("utf-8", len(raw)))


def _changed_without_checksum(f: h5py.File) -> None:
    f.attrs["dyads_per_point"] = np.int64(int(f.attrs["dyads_per_point"]) + 1)


def _foreign_filter(f: h5py.File) -> None:
    data = f["counts/transitions"][()]
    _replace_dataset(f, "counts/transitions", data=data, compression="lzf")


def _external_storage(f: h5py.File) -> None:
    data = f["counts/occupancy"][()]
    outside = Path(f.filename).with_suffix(".external")
    _replace_dataset(f, "counts/occupancy", data=data, external=[(str(outside), 0, h5py.h5f.UNLIMITED)])


def _reordered_causes(f: h5py.File) -> None:
    causes = [c for c in f["meta/causes"].asstr()[()]]
    causes[2], causes[3] = causes[3], causes[2]
    del f["meta/causes"]
    f.create_dataset("meta/causes", data=_fixed_strings(causes), chunks=(len(causes),), fletcher32=True)


def _no_points(f: h5py.File) -> None:
    for key in list(f["points"].keys()):
        dtype = f["points"][key].dtype
        del f["points"][key]
        f["points"].create_dataset(key, shape=(0,), dtype=dtype)


def _group_for_dataset(f: h5py.File) -> None:
    del f["outcomes/dyads_simulated"]
    f.create_group("outcomes/dyads_simulated")


def _flip_byte(path: str) -> Callable[[Path], None]:
    """Flips one byte in the middle of the first stored chunk of `path` (after the file is closed)."""

    def damage(file: Path) -> None:
        with h5py.File(file, "r") as f:
            info = f[path].id.get_chunk_info(0)
        with open(file, "r+b") as raw:
            raw.seek(info.byte_offset + info.size // 2)
            b = raw.read(1)
            raw.seek(info.byte_offset + info.size // 2)
            raw.write(bytes([b[0] ^ 0xFF]))

    return damage


def _truncate(file: Path) -> None:
    data = file.read_bytes()
    file.write_bytes(data[: len(data) // 2])


def _other_hdf5(file: Path) -> None:
    file.unlink()
    with h5py.File(file, "w") as f:
        f["data"] = np.arange(3)


# name -> (edit of the open file, or None; damage of the closed file, or None; the item a reader must name)
CASES: Dict[str, Tuple[Callable | None, Callable | None, str]] = {
    "version_string_1": (_set_attr("version", "1"), None, "version"),
    "version_float_1_5": (_set_attr("version", 1.5), None, "version"),
    "version_scalar_1": (_set_attr("version", np.int64(1)), None, "version"),
    "version_major_2": (_set_attr("version", np.array([2, 0], dtype=np.int64)), None, "version"),
    "version_major_3": (_set_attr("version", np.array([3, 0], dtype=np.int64)), None, "version"),
    "version_major_5": (_set_attr("version", np.array([5, 0], dtype=np.int64)), None, "version"),
    "version_three_numbers": (_set_attr("version", np.array([3, 0, 0], dtype=np.int64)), None, "version"),
    "version_missing": (_del_attr("version"), None, "version"),
    "filetype_other": (_set_attr("filetype", "openmc-statepoint"), None, "filetype"),
    "periods_zero": (_set_attr("periods", np.int64(0)), None, "periods"),
    "periods_negative": (_set_attr("periods", np.int64(-5)), None, "periods"),
    "periods_string": (_set_attr("periods", "60"), None, "periods"),
    "periods_float": (_set_attr("periods", 60.0), None, "periods"),
    "periods_mismatch": (_set_attr("periods", np.int64(61)), None, "/counts/occupancy"),
    "periods_huge": (_huge_periods, None, "/counts/occupancy"),
    "factor_bins_huge": (_huge_factor_bins, None, "/counts/transitions_by_bin"),
    "points_huge": (_huge_points, None, "/points/name"),
    "slots_huge": (_huge_slots, None, "/trajectories/pair"),
    "transitions_float64": (_retype("counts/transitions", np.float64), None, "/counts/transitions"),
    "transitions_int32": (_retype("counts/transitions", np.int32), None, "/counts/transitions"),
    "moments_unsigned": (_retype("outcomes/moments", np.uint64), None, "/outcomes/moments"),
    "pair_int32": (_retype("trajectories/pair", np.int32), None, "/trajectories/pair"),
    "x_A_float64": (_retype("trajectories/x_A", np.float64), None, "/trajectories/x_A"),
    "transitions_short_axis": (_reshape("counts/transitions"), None, "/counts/transitions"),
    "duration_short_axis": (_reshape("outcomes/duration_by_cause"), None, "/outcomes/duration_by_cause"),
    "gain_B_fewer_slots": (_reshape("trajectories/gain_B"), None, "/trajectories/gain_B"),
    "dyads_missing": (_delete("outcomes/dyads_simulated"), None, "/outcomes/dyads_simulated"),
    "dyads_a_group": (_group_for_dataset, None, "/outcomes/dyads_simulated"),
    "trajectories_missing": (_delete("trajectories"), None, "/trajectories"),
    "meta_causes_reordered": (_reordered_causes, None, "/meta/causes"),
    "no_points": (_no_points, None, "/points/name"),
    "foreign_filter_lzf": (_foreign_filter, None, "/counts/transitions"),
    "external_storage": (_external_storage, None, "/counts/occupancy"),
    "config_toml_missing": (_del_attr("config_toml"), None, "config_toml"),
    "flipped_byte_transitions": (None, _flip_byte("counts/transitions"), "/counts/transitions"),
    "flipped_byte_occupancy": (None, _flip_byte("counts/occupancy"), "/counts/occupancy"),
    "flipped_byte_dyads_simulated": (None, _flip_byte("outcomes/dyads_simulated"), "/outcomes/dyads_simulated"),
    "flipped_byte_point_names": (None, _flip_byte("points/name"), "/points/name"),
    "variable_length_strings": (_variable_length_strings, None, "version"),
    "dyads_unchecksummed": (_unchecksummed("outcomes/dyads_simulated"), None, "/outcomes/dyads_simulated"),
    "point_name_not_utf8": (_not_utf8_point_name, None, "/points/name"),
    "config_toml_not_utf8": (_not_utf8_config, None, "config_toml"),
    "changed_without_checksum": (_changed_without_checksum, None, "attributes_crc32"),
    "truncated": (None, _truncate, ""),
    "other_hdf5": (None, _other_hdf5, "filetype"),
}


# Edited in place but not resealed: the old checksum no longer matches (a damaged file).
UNSEALED = {"changed_without_checksum"}


def sealed(name: str) -> bool:
    """Whether case `name` is resealed after its edit (its attributes' checksum written again)."""
    return CASES[name][0] is not None and name not in UNSEALED


def make(valid: Path, out_dir: Path, seal: Callable[[h5py.File], None] | None = None) -> List[Tuple[Path, str]]:
    """Writes every crafted file into out_dir; returns (path, item) pairs. `seal(f)`, when given, writes the
    attributes' checksum of an edited file again (learnrace._checksum.seal with the run file's attributes)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    made = []
    for name, (edit, damage, item) in CASES.items():
        path = out_dir / f"{name}.h5"
        shutil.copyfile(valid, path)
        if edit is not None:
            with h5py.File(path, "a") as f:
                edit(f)
                if seal is not None and sealed(name):
                    try:
                        seal(f)
                    except (KeyError, OSError, ValueError, TypeError):  # an attribute gone or unreadable: the
                        pass  # reader names it before the checksum
        if damage is not None:
            damage(path)
        made.append((path, item))
    return made


def main(argv: List[str]) -> int:
    valid, out_dir = Path(argv[1]), Path(argv[2])
    made = make(valid, out_dir)
    with open(out_dir / "manifest.tsv", "w") as m:
        for path, item in made:
            m.write(f"{path}\t{item}\t{int(sealed(path.stem))}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
