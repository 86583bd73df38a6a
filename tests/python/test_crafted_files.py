"""Crafted and damaged run files (crafted_files.py): learnrace.open, the C++ reader and `learnrace info` refuse each
with a FileFormatError (exit 2, one line) naming the item, and never allocate by the file's declared sizes."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from crafted_files import CASES, make
from test_cli import console_script

import learnrace
from learnrace import _checksum, _core


def seal(f):
    _checksum.seal(f, _checksum.run_file_attributes())


@pytest.fixture(scope="module")
def crafted(tmp_path_factory):
    small = learnrace.run({"run": {"dyads": 400, "seed": 3}, "output": {"trajectory_stride": 50}}, progress=False)
    valid = tmp_path_factory.mktemp("valid") / "valid.h5"
    small.save(valid)
    made = make(valid, tmp_path_factory.mktemp("crafted"), seal=seal)
    return dict((path.stem, (path, item)) for path, item in made)


def read_everything(path):
    """Open and read every array: what a user's analysis does."""
    with learnrace.open(path) as res:
        for s in learnrace._sources.schema()["count_sections"]:
            np.asarray(getattr(res, s["name"]))
        for name in res.trajectories:
            np.asarray(res.trajectories[name])


def test_there_are_at_least_twenty_crafted_files():
    assert len(CASES) >= 20


@pytest.mark.parametrize("case", sorted(CASES))
def test_python_reader_refuses_with_the_item(crafted, case):
    path, item = crafted[case]
    with pytest.raises(learnrace.FileFormatError) as info:
        read_everything(path)
    assert info.value.item == item, str(info.value)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("case", sorted(CASES))
def test_cpp_reader_refuses_with_the_item(crafted, case):
    path, item = crafted[case]
    with pytest.raises(learnrace.FileFormatError) as info:
        _core.read_file(str(path))
    assert info.value.item == item, str(info.value)


@pytest.mark.parametrize("case", sorted(CASES))
def test_info_exits_two_with_one_line_naming_the_item(crafted, case):
    # under a 4 GiB address-space limit: a reader that allocated by the declared sizes would fail
    path, item = crafted[case]
    exe = console_script()
    cmd = [exe] if exe else [sys.executable, "-m", "learnrace.cli"]
    limited = ["bash", "-c", f'ulimit -v {4 * 2**20} && exec "$@"', "bash", *cmd]  # KiB: 4 GiB
    r = subprocess.run([*limited, "info", str(path)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 2, r.stderr
    assert r.stdout == "" and r.stderr.count("\n") == 1, r.stderr
    assert r.stderr.startswith(f"learnrace: {path}: ") and item in r.stderr


def test_a_flipped_byte_fails_the_checksum(crafted):
    path, _ = crafted["flipped_byte_transitions"]
    res = learnrace.open(path)  # metadata are intact
    with pytest.raises(learnrace.FileFormatError, match="corrupted") as info:
        np.asarray(res.transitions)
    assert info.value.item == "/counts/transitions"
    res.close()


def test_chunked_datasets_carry_a_checksum(run_file):
    import h5py

    with h5py.File(run_file, "r") as f:
        chunked = [d for d in (f["counts/transitions"], f["counts/occupancy"], f["trajectories/pair"]) if d.chunks]
        assert chunked and all(d.fletcher32 for d in chunked)
