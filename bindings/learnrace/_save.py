"""``Results.save``: write a run file without ever damaging an existing one.

The C++ writer (in-memory runs) and the copy of a file-backed run follow the same rule and the same temporary names
(host/output_file.hpp): a new temporary file ``TARGET.tmp-<pid>-<random>`` in the target's directory, locked
(flock) until it is renamed, synced, then renamed over the target in one step. A failure (a full disk, Ctrl-C) leaves
the old target untouched and removes the temporary file; temporary files of killed processes (pid gone, lock free,
so not those of a live writer in another PID namespace) are removed by the next write to the same target. A target
that exists and is not a regular file (a directory, FIFO, device or socket) is refused before anything is
written.
"""

from __future__ import annotations

import contextlib
import os
import stat

from ._sources import CoreSource

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def refuse_non_regular(path: str) -> None:
    """ValueError when `path` exists and is not a regular file (symbolic links are followed)."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return
    if stat.S_ISREG(mode):
        return
    kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
    raise ValueError(f"{path}: is {kind}, not a regular file; refusing to replace it with a run file")


def _copy_bytes(source, out) -> None:
    source.copy_to(out)


def atomic_write(path: str, write) -> None:
    """Calls write(binary_file) on a new temporary file next to `path`, syncs it and renames it to `path`."""
    from . import _core

    target = os.path.abspath(path)
    directory = os.path.dirname(target)
    _core.remove_stale_temps(target)
    lock, tmp = _core.create_temp(target)  # created exclusively (the umask's permissions); `lock` holds its flock
    try:
        with open(tmp, "r+b") as out:  # the new, empty file (nobody removes a locked one)
            write(out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except OSError as e:  # a full disk, a file size limit (EFBIG; Python ignores SIGXFSZ): name the file
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if e.filename is not None or not e.strerror:
            raise
        raise OSError(e.errno, f"cannot write {path}: {e.strerror}") from None
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    finally:
        os.close(lock)  # after the rename: until then the file is a live writer's
    with contextlib.suppress(OSError):  # best effort: make the rename itself durable
        dir_fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def save_results(source, path: str) -> str:
    refuse_non_regular(path)
    if isinstance(source, CoreSource):
        source.handle.save(path)  # the C++ writer: temporary file, sync, rename
        return path
    if os.path.exists(path):
        st = os.stat(path)
        if (st.st_dev, st.st_ino) == source.identity():
            return path  # the very file this result was read from
    atomic_write(path, lambda out: _copy_bytes(source, out))
    return path
