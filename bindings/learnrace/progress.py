"""Progress reporting for runs: tqdm when it is installed (notebook-aware), else a plain one-line bar on stderr."""

from __future__ import annotations

import sys
import time
from typing import Callable, Tuple

Callback = Callable[[int, int], None]


class _PlainBar:
    def __init__(self, desc: str, stream=None):
        self.desc = desc
        self.stream = stream or sys.stderr
        self.start = time.monotonic()
        self.drawn = False

    def __call__(self, done: int, total: int) -> None:
        frac = done / total if total else 1.0
        width = 30
        filled = int(round(frac * width))
        elapsed = time.monotonic() - self.start
        eta = elapsed * (1 - frac) / frac if frac > 0 else float("nan")
        self.stream.write(
            f"\r{self.desc} [{'#' * filled}{'.' * (width - filled)}] {100 * frac:5.1f}% "
            f"{done}/{total} dyads  {elapsed:6.1f}s elapsed, {eta:6.1f}s left"
        )
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            self.stream.write("\n")
            self.stream.flush()


def _tqdm_class():
    """tqdm's notebook widget where it can draw (a Jupyter kernel with ipywidgets: the ``notebooks`` extra), else its
    text bar: tqdm.auto without ipywidgets would warn ``TqdmWarning: IProgress not found`` in every notebook."""
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        from tqdm import tqdm

        return tqdm
    from tqdm.auto import tqdm

    return tqdm


class _TqdmBar:
    def __init__(self, desc: str):
        self.tqdm = _tqdm_class()
        self.desc = desc
        self.bar = None  # created on the first update, so that an invalid experiment draws no empty bar

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            self.bar = self.tqdm(total=total, desc=self.desc, unit="dyad", unit_scale=True, leave=True)
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def make_progress(progress, desc: str = "learnrace") -> Tuple[Callback | None, Callable[[], None]]:
    """Turn the ``progress`` argument of :func:`learnrace.run` into (callback, close).

    ``True``: tqdm if importable, else a plain bar on stderr. ``False``/``None``: nothing. A callable is called as
    ``progress(dyads_done, dyads_total)`` after every chunk (it may raise to stop the run)."""
    if progress is None or progress is False:
        return None, lambda: None
    if callable(progress):
        return progress, lambda: None
    try:
        bar = _TqdmBar(desc)
    except ImportError:
        bar = _PlainBar(desc)
    return bar, bar.close
