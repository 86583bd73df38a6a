"""Normalise the ``config`` argument of :func:`learnrace.run`: a TOML file path, TOML text, or a nested dict."""

from __future__ import annotations

import datetime
import os
import re
import stat
from typing import Any, Mapping, NamedTuple

from ._errors import ConfigError

_DICT_SOURCE = "<dict>"
# "<dict>:LINE:COL: " – a position in TOML text the user never wrote (the dict converted to TOML).
_DICT_POSITION = re.compile(r"^<dict>(:\d+:\d+)?: ")


class ConfigInput(NamedTuple):
    text: str | None  # TOML text, or None when the engine reads `path` itself
    path: str | None
    source_name: str  # used in error messages

    def config_error(self, error: ConfigError) -> ConfigError:
        """The engine's error as the user should read it: for a dict, without the position in the generated TOML
        ("config dict: run.dyads: ..." rather than "<dict>:5:1: run.dyads: ...")."""
        if self.source_name != _DICT_SOURCE:
            return error
        message = _DICT_POSITION.sub("config dict: ", str(error), count=1)
        return ConfigError(message, error.key)


_TOML_SCALARS = (str, bool, int, float, datetime.date, datetime.time)


def toml_loads(text: str) -> dict:
    """TOML text as a nested dict (tomllib, or tomli before Python 3.11); raises its TOMLDecodeError."""
    try:
        import tomllib
    except ImportError:  # Python < 3.11
        import tomli as tomllib
    return tomllib.loads(text)


def dict_to_toml(config: Mapping[str, Any]) -> str:
    """A nested dict (tables as dicts) as TOML text. Numpy scalars and arrays are turned into Python numbers and
    lists; a value TOML cannot hold (None, an object) is a ConfigError naming its dotted key."""
    import tomli_w

    def plain(value: Any, key: str) -> Any:
        if isinstance(value, Mapping):
            return {str(k): plain(v, f"{key}.{k}" if key else str(k)) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [plain(v, f"{key}[{i}]") for i, v in enumerate(value)]
        if hasattr(value, "item") and callable(value.item) and getattr(value, "shape", None) == ():
            return plain(value.item(), key)  # numpy scalar
        if hasattr(value, "tolist") and callable(value.tolist):
            return plain(value.tolist(), key)  # numpy array
        if isinstance(value, _TOML_SCALARS):
            return value
        raise ConfigError(
            f"config dict: {key}: {value!r} ({type(value).__name__}) is not a TOML value; use a number, string, "
            "boolean, list or dict",
            key,
        )

    return tomli_w.dumps(plain(config, ""))


def _looks_like_path(text: str) -> bool:
    return "\n" not in text and "=" not in text and "[" not in text


def resolve_config(config: Any) -> ConfigInput:
    """Path-like or a one-line string without ``=``/``[`` -> path; other strings -> TOML text; mapping -> TOML."""
    if isinstance(config, Mapping):
        return ConfigInput(dict_to_toml(config), None, _DICT_SOURCE)
    if isinstance(config, os.PathLike) or (isinstance(config, str) and _looks_like_path(config)):
        path = os.fspath(config)
        if os.path.isdir(path):
            raise ConfigError(f"{path}: is a directory, not an experiment file (give a .toml file)", "")
        if not os.path.exists(path):
            raise FileNotFoundError(f"experiment file not found: {path}")
        if not os.path.isfile(path):  # a FIFO or device: reading it could block forever
            kind = "a FIFO" if stat.S_ISFIFO(os.stat(path).st_mode) else "not a regular file"
            raise ConfigError(f"{path}: is {kind}, not an experiment file", "")
        return ConfigInput(None, path, path)
    if isinstance(config, bytes):
        config = config.decode("utf-8")
    if isinstance(config, str):
        return ConfigInput(config, None, "<string>")
    raise TypeError(f"config must be a TOML file path, TOML text or a dict, not {type(config).__name__}")
