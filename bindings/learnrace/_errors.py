"""Exceptions raised by learnrace (the C++ extension raises these same classes)."""

from __future__ import annotations


class ConfigError(ValueError):
    """An invalid experiment. ``key`` is the dotted TOML key at fault (e.g. ``"shocks.trust.sigma"``), or ``""``."""

    def __init__(self, message: str, key: str = ""):
        super().__init__(message)
        self.key = key

    def __reduce__(self):
        return (type(self), (str(self), self.key))


class FileFormatError(ValueError):
    """A file that is not a learnrace run file of a version this package reads. ``item`` names the offending root
    attribute or dataset (e.g. ``"version"``, ``"/counts/transitions"``), or is ``""``."""

    def __init__(self, message: str, item: str = ""):
        super().__init__(message)
        self.item = item

    def __reduce__(self):
        return (type(self), (str(self), self.item))
