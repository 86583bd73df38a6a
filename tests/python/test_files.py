"""learnrace.open and Results.save: the file round trip equals the in-memory run; bad files are refused clearly."""

from __future__ import annotations

import shutil
from pathlib import Path

import h5py
import numpy as np
import pandas as pd
import pytest
from test_api import assert_same_results

import learnrace


def test_file_gives_the_same_results_as_memory(small_results, run_file):
    from_file = learnrace.open(run_file)
    assert not from_file.in_memory and from_file.path == run_file
    assert_same_results(small_results, from_file)
    for attr in ("seed", "backend", "dyads_per_point", "periods", "config_toml", "point_names", "kernels"):
        assert getattr(from_file, attr) == getattr(small_results, attr), attr
    pd.testing.assert_frame_equal(from_file.points, small_results.points, check_like=True)
    np.testing.assert_array_equal(from_file.moment_mean, small_results.moment_mean)
    for name, edges in small_results.histogram_edges.items():
        np.testing.assert_allclose(from_file.histogram_edges[name], edges, err_msg=name)
    pd.testing.assert_frame_equal(from_file.summary(), small_results.summary())
    pd.testing.assert_frame_equal(learnrace.survival(from_file), learnrace.survival(small_results))


def test_file_arrays_are_read_only(run_file):
    res = learnrace.open(run_file)
    assert not res.transitions.flags.writeable


def test_save_of_a_file_backed_result_copies_it(run_file, tmp_path):
    copy = learnrace.open(run_file).save(tmp_path / "copy.h5")
    assert_same_results(learnrace.open(run_file), learnrace.open(copy))


def test_the_c_plus_plus_writer_states_type_and_version(run_file):
    with h5py.File(run_file, "r") as f:
        assert f.attrs["filetype"] in ("learnrace-run", b"learnrace-run")
        assert f.attrs["version"].tolist() == [4, 0] and f.attrs["version"].dtype == np.int64


def test_not_an_hdf5_file(tmp_path):
    p = tmp_path / "x.h5"
    p.write_text("hello")
    with pytest.raises(learnrace.FileFormatError, match="not an HDF5 file"):
        learnrace.open(p)


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        learnrace.open(tmp_path / "missing.h5")


def test_hdf5_of_another_kind(tmp_path):
    p = tmp_path / "other.h5"
    with h5py.File(p, "w") as f:
        f["data"] = np.arange(3)
    with pytest.raises(learnrace.FileFormatError, match="not a learnrace run file"):
        learnrace.open(p)
    with h5py.File(p, "a") as f:
        f.attrs["filetype"] = np.bytes_(b"something-else")  # a fixed-length string, as learnrace writes
    with pytest.raises(learnrace.FileFormatError, match="something-else"):
        learnrace.open(p)
    with h5py.File(p, "a") as f:
        f.attrs["filetype"] = "something-else"  # variable-length: in the global heap, never read
        f.attrs["version"] = np.array([4, 0])
    with pytest.raises(learnrace.FileFormatError, match="'filetype' is a variable-length string"):
        learnrace.open(p)


def test_unsupported_version(tmp_path):
    p = tmp_path / "future.h5"
    with h5py.File(p, "w") as f:
        f.attrs["filetype"] = "learnrace-run"
        f.attrs["version"] = 99
    with pytest.raises(learnrace.FileFormatError, match="version 99"):
        learnrace.open(p)


def test_unsupported_version_of_a_real_file(run_file, tmp_path):
    p = tmp_path / "v5.h5"
    shutil.copyfile(run_file, p)
    with h5py.File(p, "a") as f:
        f.attrs["version"] = np.array([5, 0], dtype=np.int64)
    with pytest.raises(learnrace.FileFormatError, match=r"version \[5, 0\]; this build reads major version 4"):
        learnrace.open(p)
    with h5py.File(p, "a") as f:
        f.attrs["version"] = np.array([3, 0], dtype=np.int64)
    with pytest.raises(learnrace.FileFormatError, match=r"version \[3, 0\] \(written by an older learnrace"):
        learnrace.open(p)


def test_file_format_error_is_a_value_error():
    assert issubclass(learnrace.FileFormatError, ValueError)


def test_cpp_reader_and_h5py_reader_agree(run_file):
    from learnrace import _core

    via_cpp = learnrace.Results._from_handle(_core.read_file(run_file))
    via_h5py = learnrace.open(run_file)
    assert_same_results(via_cpp, via_h5py)
    assert via_cpp.seed == via_h5py.seed and via_cpp.point_names == via_h5py.point_names
    pd.testing.assert_frame_equal(via_cpp.points, via_h5py.points, check_like=True)


def test_cpp_reader_raises_file_format_error(tmp_path):
    from learnrace import _core

    p = tmp_path / "future.h5"
    with h5py.File(p, "w") as f:
        f.attrs["filetype"] = "learnrace-run"
        f.attrs["version"] = 99
    with pytest.raises(learnrace.FileFormatError) as info:
        _core.read_file(str(p))
    assert info.value.item == "version"


SMOKE = Path(__file__).resolve().parents[2] / "experiments" / "smoke.toml"


def test_sweep_round_trip(tmp_path):
    res = learnrace.run(SMOKE, backend="cpu", dyads=300, progress=False)
    assert res.n_points == 4 and len(set(res.point_names)) == 4
    assert res.kernels == ["propositional", "propositional", "strategic", "strategic"]
    assert res.transitions.shape == (4, 25, 25) and not res.transitions.flags.writeable
    assert res.dyads_simulated.tolist() == [300] * 4
    # Each point's block equals the C++ memory of that point.
    handle = res._source.handle
    for i in range(4):
        flat = handle.counts(i)
        assert res.transitions[i].sum() == flat[:625].sum()
    np.testing.assert_allclose(res.points["shocks.trust.sigma"], [0.1, 0.3, 0.1, 0.3], rtol=1e-6)  # float32 params
    back = learnrace.open(res.save(tmp_path / "smoke.h5"))
    assert_same_results(res, back)
    assert back.point_names == res.point_names and back.kernels == res.kernels
    pd.testing.assert_frame_equal(back.points, res.points, check_like=True)
    pd.testing.assert_frame_equal(back.summary(), res.summary())
    name = res.point_names[3]
    pd.testing.assert_frame_equal(learnrace.survival(back, point=name), learnrace.survival(res, point=3))
