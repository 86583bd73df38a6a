"""Holding SIGINT and SIGTERM while a file is being completed, so that what a program says afterwards matches
what is on disk (a complete new file, never a half-removed checkpoint)."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from typing import Iterator, List

SIGNALS = (signal.SIGINT, signal.SIGTERM)


def catchable() -> List[int]:
    """SIGINT and SIGTERM, less those this process ignores: a signal inherited as ignored stays ignored, as Python and
    make leave it (a non-interactive shell starts a job run with ``&`` with SIGINT ignored, so that a Ctrl-C meant for
    the foreground does not stop it)."""
    return [s for s in SIGNALS if signal.getsignal(s) != signal.SIG_IGN]


@contextlib.contextmanager
def held() -> Iterator[None]:
    """SIGINT and SIGTERM that arrive in the block take effect when it ends, as they would have without it (the
    handlers in force before the block run, or the default action). A second signal in the block ends the process
    at once, as a second Ctrl-C does elsewhere. Outside the main thread (where Python cannot handle signals) the
    block runs as it is. Ignored signals stay ignored."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: List[int] = []
    before = {s: signal.getsignal(s) for s in catchable()}

    def hold(signum, frame):
        if received:  # the second one: at once, as the default action
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
        received.append(signum)

    for s in before:
        signal.signal(s, hold)
    try:
        yield
    finally:
        for s, handler in before.items():
            signal.signal(s, handler)
        for signum in received[:1]:
            signal.raise_signal(signum)
