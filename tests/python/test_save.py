"""Results.save never damages an existing file (temporary file + atomic rename; full disk; non-regular targets), and a
Results read from a file stays consistent when the file is replaced or changed afterwards."""

from __future__ import annotations

import errno
import os
import stat

import numpy as np
import pytest
from test_api import assert_same_results

import learnrace
from learnrace import _save


def small_run(seed: int) -> learnrace.Results:
    return learnrace.run({"run": {"dyads": 300, "seed": seed}}, backend="cpu", progress=False)


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    d = tmp_path_factory.mktemp("two")
    a, b = small_run(1), small_run(2)
    assert not np.array_equal(a.transitions, b.transitions)
    return a.save(d / "a.h5"), b.save(d / "b.h5")


def replace_with(path, source) -> None:
    """Replaces `path` by a copy of `source` the way tools do: a new file renamed over it."""
    new = path.with_name(path.name + ".new")
    new.write_bytes(open(source, "rb").read())
    os.replace(new, path)


def leftovers(directory) -> list:
    return sorted(p for p in os.listdir(directory) if ".tmp" in p)


# ---------------------------------------------------------------------------------------------- one open handle
def test_replaced_file_does_not_mix_into_an_open_result(two_runs, tmp_path):
    a_src, b_src = two_runs
    path = tmp_path / "run.h5"
    path.write_bytes(open(a_src, "rb").read())
    res = learnrace.open(path)  # metadata of run A read now, arrays later
    replace_with(path, b_src)
    a = learnrace.open(a_src)
    assert res.seed == a.seed == 1
    np.testing.assert_array_equal(res.transitions, a.transitions)  # still run A, not B's arrays
    np.testing.assert_array_equal(res.trajectories["x_A"], a.trajectories["x_A"])
    assert learnrace.open(path).seed == 2  # the path itself is run B now


def test_a_file_changed_in_place_raises_instead_of_mixing(two_runs, tmp_path):
    path = tmp_path / "run.h5"
    path.write_bytes(open(two_runs[0], "rb").read())
    res = learnrace.open(path)
    with open(path, "r+b") as f:  # another program rewrites the file in place
        f.seek(0, os.SEEK_END)
        f.write(b"appended")
    os.utime(path, ns=(0, 0))  # a different mtime even on coarse-clock file systems
    with pytest.raises(learnrace.FileFormatError, match="changed in place since it was opened"):
        np.asarray(res.occupancy)


def test_results_close_and_context_manager(run_file):
    with learnrace.open(run_file) as res:
        assert res.transitions.sum() > 0
    with pytest.raises(ValueError, match="the run file was closed"):
        np.asarray(res.occupancy)
    with pytest.raises(ValueError, match="the run file was closed"):
        res.save(run_file + ".copy.h5")


# ---------------------------------------------------------------------------------------------- atomic save
def test_save_of_a_file_backed_result_copies_the_opened_file(two_runs, tmp_path):
    a_src, b_src = two_runs
    path = tmp_path / "run.h5"
    path.write_bytes(open(a_src, "rb").read())
    res = learnrace.open(path)
    replace_with(path, b_src)  # the path is run B now ...
    out = res.save(tmp_path / "copy.h5")  # ... but the copy is the run that was opened
    assert_same_results(learnrace.open(a_src), learnrace.open(out))
    assert leftovers(tmp_path) == []


def test_full_disk_keeps_the_old_file(two_runs, tmp_path, monkeypatch):
    target = tmp_path / "target.h5"
    old = open(two_runs[1], "rb").read()
    target.write_bytes(old)
    res = learnrace.open(two_runs[0])

    def disk_full(source, out):
        out.write(b"\0" * 4096)  # part of the file made it ...
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))  # ... then the disk filled up

    monkeypatch.setattr(_save, "_copy_bytes", disk_full)
    with pytest.raises(OSError) as info:
        res.save(target)
    assert info.value.errno == errno.ENOSPC
    assert target.read_bytes() == old, "the existing file is untouched"
    assert leftovers(tmp_path) == [], "the temporary file is removed"


def test_save_never_writes_in_place(two_runs, tmp_path):
    # The target's inode is replaced, never rewritten: a reader holding the old file keeps the old bytes.
    target = tmp_path / "target.h5"
    target.write_bytes(open(two_runs[1], "rb").read())
    before = os.stat(target).st_ino
    learnrace.open(two_runs[0]).save(target)
    assert os.stat(target).st_ino != before
    assert learnrace.open(target).seed == 1
    assert stat.S_IMODE(os.stat(target).st_mode) & 0o044, "a normal file's permissions, not mkstemp's 0600"


def test_saving_onto_the_file_itself_changes_nothing(two_runs, tmp_path):
    path = tmp_path / "self.h5"
    path.write_bytes(open(two_runs[0], "rb").read())
    before = os.stat(path)
    res = learnrace.open(path)
    assert res.save(path) == str(path)
    after = os.stat(path)
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


@pytest.mark.parametrize("source", ["memory", "file"])
def test_non_regular_targets_are_refused(source, two_runs, small_results, tmp_path):
    res = small_results if source == "memory" else learnrace.open(two_runs[0])
    fifo = tmp_path / "pipe.h5"
    os.mkfifo(fifo)
    with pytest.raises(ValueError, match="is a FIFO, not a regular file"):
        res.save(fifo)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode), "the FIFO is still there"
    with pytest.raises(ValueError, match="is a directory"):
        res.save(tmp_path)
    with pytest.raises(ValueError, match="is a character device"):
        res.save("/dev/null")
    assert leftovers(tmp_path) == []


def test_temporary_names_are_the_writers_and_stale_ones_are_removed(two_runs, tmp_path, monkeypatch):
    target = tmp_path / "run.h5"
    dead = 4_000_000  # above Linux's default pid_max (4194304 is the largest possible): no live process has it
    while True:
        try:
            os.kill(dead, 0)
        except ProcessLookupError:
            break
        dead += 1
    stale = tmp_path / f"run.h5.tmp-{dead}-0123abcd"
    stale.write_bytes(b"left by a killed run")
    seen = []

    def record(source, out):
        seen.append(os.path.basename(out.name))
        source.copy_to(out)

    monkeypatch.setattr(_save, "_copy_bytes", record)
    learnrace.open(two_runs[0]).save(target)
    assert len(seen) == 1 and seen[0].startswith(f"run.h5.tmp-{os.getpid()}-"), seen
    assert not stale.exists(), "the dead run's temporary file is removed"
    assert leftovers(tmp_path) == []


def test_a_live_writers_temporary_file_is_kept_whatever_its_pid(two_runs, tmp_path):
    """Issue 20 item 17: a run in another PID namespace sharing the output directory (a container) names its
    temporary file with a pid that means nothing here; the pid rule alone removed that live file as stale. A writer
    holds its file's lock while it runs, and a locked file is never stale."""
    import fcntl

    target = tmp_path / "run.h5"
    other = tmp_path / f"run.h5.tmp-{2**31 - 2}-0badcafe"  # no such pid here
    other.write_bytes(b"half a file of a writer in another PID namespace")
    held = os.open(other, os.O_RDWR)
    fcntl.flock(held, fcntl.LOCK_EX)
    try:
        learnrace.open(two_runs[0]).save(target)  # the Python writer
        small_run(3).save(target)  # the C++ writer
        assert other.exists(), "a write removed a live writer's temporary file"
    finally:
        os.close(held)  # the writer ends (a killed process's locks go alike)
    learnrace.open(two_runs[1]).save(target)
    assert not other.exists() and leftovers(tmp_path) == []


def test_the_writers_temporary_file_is_locked_while_it_is_written(two_runs, tmp_path, monkeypatch):
    import fcntl

    locked = []

    def probe(source, out):
        fd = os.open(out.name, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            locked.append(False)
        except BlockingIOError:
            locked.append(True)
        finally:
            os.close(fd)
        source.copy_to(out)

    monkeypatch.setattr(_save, "_copy_bytes", probe)
    learnrace.open(two_runs[0]).save(tmp_path / "run.h5")
    assert locked == [True]


def test_a_temporary_file_that_cannot_be_created_is_an_os_error(two_runs, tmp_path):
    """The file-backed writer creates its temporary file through the C++ rule (locked, _core.create_temp); a
    failure there is the OSError (errno and all) that open() gave before."""
    with pytest.raises(FileNotFoundError, match=r"cannot create '.*missing/run\.h5\.tmp-\d+-[0-9a-f]{8}'"):
        learnrace.open(two_runs[0]).save(tmp_path / "missing" / "run.h5")
