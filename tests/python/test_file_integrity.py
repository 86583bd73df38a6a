"""Damaged and crafted run and study files that every reader must refuse (issue 20 items 1, 6, 7, 12 and 13): the
readers run in a child process, so that a crash inside libhdf5 fails the test instead of ending pytest."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap

import h5py
import numpy as np
import pytest
from test_cli import learnrace_cli

import learnrace
from learnrace import outcomes, study_file

# Every reader of a file, each in turn: what it gives ("ok", "FileFormatError <item>", or another exception).
_READERS = textwrap.dedent(
    """
    import sys, numpy as np, learnrace
    from learnrace import _core
    path = sys.argv[1]

    def python_reader():
        res = learnrace.open(path)
        if isinstance(res, learnrace.Results):
            for s in learnrace._sources.schema()["count_sections"]:
                np.asarray(getattr(res, s["name"]))
            res.summary()
            res.close()
        else:
            res.summary()

    readers = {"learnrace.open": python_reader}
    if learnrace.study_file.filetype_of(path) != learnrace.study_file.FILETYPE:
        readers["cpp_reader"] = lambda: _core.read_file(path)
    for name, read in readers.items():
        try:
            read()
            print(name, "ok", flush=True)
        except learnrace.FileFormatError as e:
            print(name, "FileFormatError", e.item or "-", flush=True)
        except Exception as e:
            print(name, "EXCEPTION", type(e).__name__, str(e).replace("\\n", " ")[:200], flush=True)
    """
)


def readers(path, limit_gib=None):
    """{reader: outcome} of every reader of `path`, in a child process (its address space limited to `limit_gib`)."""
    script = _READERS
    if limit_gib:
        limit = int(limit_gib * 2**30)
        script = f"import resource\nresource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))\n" + script
    r = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, f"a reader crashed (exit {r.returncode}): {r.stdout}{r.stderr[-2000:]}"
    return dict(line.split(" ", 1) for line in r.stdout.splitlines())


def assert_refused(path, item, limit_gib=None):
    """Every reader refuses `path` with a FileFormatError naming `item` (one of them, when a tuple; "-": the file as
    a whole), and `learnrace info` exits 2 with one line."""
    items = item if isinstance(item, tuple) else (item,)
    got = readers(path, limit_gib)
    assert got and all(v in [f"FileFormatError {i}" for i in items] for v in got.values()), got
    info = learnrace_cli("info", str(path))
    assert info.returncode == 2 and info.stderr.count("\n") == 1 and info.stderr.startswith(f"learnrace: {path}"), (
        info.stderr
    )


def data_offset(f: h5py.File, path: str) -> int:
    """Byte offset of the first element of a dataset: its first chunk, or its contiguous data."""
    d = f[path]
    return d.id.get_chunk_info(0).byte_offset if d.chunks else d.id.get_offset()


def flip(path, offset: int, mask: int = 1) -> None:
    with open(path, "r+b") as raw:
        raw.seek(offset)
        b = raw.read(1)[0]
        raw.seek(offset)
        raw.write(bytes([b ^ mask]))


def reseal(f, specs) -> None:
    """The attributes' checksum written again after an edit, as a crafted file would (when this learnrace has one)."""
    try:
        from learnrace import _checksum
    except ImportError:  # a learnrace without checksums: nothing to reseal
        return
    _checksum.seal(f, specs)


def study_specs(f):
    try:
        return study_file.checksummed_attributes("analysis" in f)
    except AttributeError:
        return []


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    pytest.importorskip("SALib")
    path = tmp_path_factory.mktemp("study") / "sobol.h5"
    toml = path.with_suffix(".toml")
    toml.write_text(
        '[study]\ndesign = "sobol"\nn = 4\nseed = 3\nresamples = 20\n[study.parameters]\n'
        '"flows.lambda" = {low = 0.05, high = 0.3}\n"trust.eta_down" = {low = 0.1, high = 0.5}\n'
        "[run]\ndyads = 100\nperiods = 15\nseed = 11\n"
    )
    learnrace.study(str(toml), str(path), backend="cpu", progress=False)
    return path


# ------------------------------------------------------------------------------------------------------ item 1


def _old_layout(f: h5py.File) -> None:
    """Root strings as variable-length strings (the global heap), as run files of version 3 held them."""
    for name in ("filetype", "learnrace_version", "git_describe", "backend", "config_toml"):
        value = f.attrs[name]
        del f.attrs[name]
        f.attrs[name] = value.decode() if isinstance(value, bytes) else str(value)
    f.attrs["version"] = np.array([3, 0], dtype=np.int64)


def test_written_files_hold_no_global_heap(run_file, study):
    """Issue 20 item 1: a global heap collection (variable-length strings) is read by libhdf5 without a checksum;
    eight damaged bytes there crashed every reader. learnrace writes none."""
    for path in (run_file, study):
        with open(path, "rb") as f:
            assert b"GCOL" not in f.read(), path


def test_a_damaged_global_heap_crashes_no_reader(run_file, tmp_path):
    """Issue 20 item 1, the issue's reproduction: 8 bytes of the first global heap collection of a file whose strings
    are variable-length (every run file before version 4) crashed `learnrace info`, learnrace.open and the C++
    reader inside libhdf5. A variable-length string is never read now: the file is refused by its version."""
    path = tmp_path / "seg.h5"
    shutil.copy(run_file, path)
    if b"GCOL" not in path.read_bytes():
        with h5py.File(path, "a") as f:
            _old_layout(f)
    d = bytearray(path.read_bytes())
    g = d.find(b"GCOL")
    assert g >= 0
    d[g + 27 : g + 35] = bytes.fromhex("c384ae32037040f1")
    path.write_bytes(bytes(d))
    assert_refused(path, "version")


def test_a_damaged_global_heap_of_an_old_study_file_crashes_no_reader(study, tmp_path):
    path = tmp_path / "seg.h5"
    shutil.copy(study, path)
    with h5py.File(path, "a") as f:
        for name in ("filetype", "learnrace_version", "base_toml", "design"):
            value = f.attrs[name]
            del f.attrs[name]
            f.attrs[name] = value.decode() if isinstance(value, bytes) else str(value)
        f.attrs["version"] = np.array([1, 0], dtype=np.int64)
    d = bytearray(path.read_bytes())
    g = d.find(b"GCOL")
    d[g + 27 : g + 35] = bytes.fromhex("c384ae32037040f1")
    path.write_bytes(bytes(d))
    assert_refused(path, "version")


# ----------------------------------------------------------------------------------------------------- item 12


@pytest.mark.parametrize("dataset", ["outcomes/dyads_simulated", "points/flows.lambda", "points/name"])
def test_one_flipped_bit_in_a_one_dimensional_dataset_is_found(run_file, tmp_path, dataset):
    """Issue 20 item 12: 1-D datasets had no checksum, so dyads_simulated 500 -> 501 (the denominator of every
    headline share) or a /points value passed every reader. Every dataset carries Fletcher32 now."""
    path = tmp_path / "flipped.h5"
    shutil.copy(run_file, path)
    with h5py.File(path, "r") as f:
        offset = data_offset(f, dataset)
    flip(path, offset)
    assert_refused(path, f"/{dataset}")


def test_a_changed_config_text_is_found(run_file, tmp_path):
    """Issue 20 item 12: the stored config TOML (from which the C++ reader rebuilds the model) had no checksum."""
    path = tmp_path / "config.h5"
    shutil.copy(run_file, path)
    with h5py.File(path, "r") as f:
        text = f.attrs["config_toml"]
    needle = (text if isinstance(text, bytes) else text.encode()).split(b"seed = ")[1][:6]
    d = bytearray(path.read_bytes())
    at = d.find(b"seed = " + needle)
    assert at >= 0
    d[at + 7] = ord("9") if d[at + 7] != ord("9") else ord("8")  # another seed, still a valid experiment
    path.write_bytes(bytes(d))
    # held in the root's object header, whose checksum libhdf5 checks ("-"), or beyond 64 KiB in dense storage,
    # covered by attributes_crc32
    assert_refused(path, ("-", "attributes_crc32"))


# ------------------------------------------------------------------------------------------------------ item 6


def test_point_names_that_are_not_utf8_are_a_format_error(run_file, tmp_path):
    """Issue 20 item 6: text that is not UTF-8 gave UnicodeDecodeError tracebacks in learnrace.open, `learnrace
    info` and `export`."""
    path = tmp_path / "names.h5"
    shutil.copy(run_file, path)
    with h5py.File(path, "a") as f:
        names = [bytes(v) if isinstance(v, bytes) else v.encode() for v in f["points/name"][()]]
        names[0] = b"\xff\xfe" + names[0][2:]
        del f["points/name"]
        f.create_dataset("points/name", data=np.array(names, dtype="S32"), chunks=(len(names),), fletcher32=True)
    assert_refused(path, "/points/name")
    export = learnrace_cli("export", str(path), "--csv", str(tmp_path / "csv"))
    assert export.returncode == 2 and export.stderr.count("\n") == 1, export.stderr


def test_a_damaged_object_header_of_a_study_file_is_a_format_error(study, tmp_path):
    """Issue 20 item 6: an object header failing libhdf5's checksum made h5py raise KeyError ("Unable to
    synchronously open object") out of the study reader."""
    path = tmp_path / "header.h5"
    shutil.copy(study, path)
    with h5py.File(path, "r") as f:
        header = h5py.h5o.get_info(f["analysis"].id).addr
    assert path.read_bytes()[header : header + 4] == b"OHDR"
    flip(path, header + 12, 0x40)
    assert_refused(path, "-")


# ------------------------------------------------------------------------------------------------------ item 7


def test_a_study_file_declaring_huge_sizes_is_refused_before_allocating(study, tmp_path):
    """Issue 20 item 7: a small study file declaring 10,000,000 points made the reader allocate gigabytes (the
    declared design/point strings and outcome arrays): refused by the stored size, under a 1.5 GiB address space."""
    path = tmp_path / "huge.h5"
    shutil.copy(study, path)
    points = 10_000_000
    with h5py.File(path, "a") as f:
        f.attrs["n_points"] = np.int64(points)
        del f["design/point"]
        f.create_dataset("design/point", shape=(points,), dtype="S256", chunks=(4096,), fletcher32=True)  # 2.6 GB
        reseal(f, study_specs(f))
    assert path.stat().st_size < 1_000_000
    assert_refused(path, "design/point", limit_gib=1.5)


# ----------------------------------------------------------------------------------------------------- item 13


def test_reordered_outcome_names_are_refused(study, tmp_path):
    """Issue 20 item 13: the stored outcome names were not checked against this learnrace's list, so a file with
    them in another order read with every column mislabelled."""
    path = tmp_path / "names.h5"
    shutil.copy(study, path)
    with h5py.File(path, "a") as f:
        names = list(outcomes.NAMES)
        names[0], names[1] = names[1], names[0]
        del f["outcomes/name"]
        f.create_dataset(
            "outcomes/name", data=np.array([n.encode() for n in names], dtype="S40"), chunks=(len(names),),
            fletcher32=True,
        )  # fmt: skip
    assert_refused(path, "outcomes/name")


def test_a_changed_design_or_analysis_text_is_found(study, tmp_path):
    """Issue 20 item 13: the design description (JSON attribute) and the analysis' strings had no checksum: a changed
    byte there read silently."""
    path = tmp_path / "design.h5"
    shutil.copy(study, path)
    with h5py.File(path, "r") as f:
        design = f.attrs["design"]
    design = design if isinstance(design, bytes) else design.encode()
    assert json.loads(design)["resamples"] == 20
    d = bytearray(path.read_bytes())
    at = d.find(b'"resamples": 20')
    d[at + 13] = ord("3")  # 30 resamples: still a valid design
    path.write_bytes(bytes(d))
    assert_refused(path, ("-", "attributes_crc32"))
    shutil.copy(study, path)
    d = bytearray(path.read_bytes())
    with h5py.File(path, "r") as f:
        offset = data_offset(f, "analysis/parameter")
    at = d.find(b"flows.lambda", offset)
    d[at + 11] ^= 0x03  # flows.lambda -> flows.lambdb
    path.write_bytes(bytes(d))
    assert_refused(path, "analysis/parameter")
