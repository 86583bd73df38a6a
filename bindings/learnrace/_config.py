"""Normalise the ``config`` argument of :func:`learnrace.run`: a TOML file path, TOML text, or a nested dict."""

from __future__ import annotations

import os
from typing import Any, Mapping, NamedTuple


class ConfigInput(NamedTuple):
    text: str | None  # TOML text, or None when the engine reads `path` itself
    path: str | None
    source_name: str  # used in error messages


def dict_to_toml(config: Mapping[str, Any]) -> str:
    """A nested dict (tables as dicts) as TOML text. Numpy scalars are turned into Python numbers."""
    import tomli_w

    def plain(value: Any) -> Any:
        if isinstance(value, Mapping):
            return {str(k): plain(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        if hasattr(value, "item") and callable(value.item) and getattr(value, "shape", None) == ():
            return value.item()  # numpy scalar
        if hasattr(value, "tolist") and callable(value.tolist):
            return value.tolist()  # numpy array
        return value

    return tomli_w.dumps(plain(config))


def _looks_like_path(text: str) -> bool:
    return "\n" not in text and "=" not in text and "[" not in text


def resolve_config(config: Any) -> ConfigInput:
    """Path-like or a one-line string without ``=``/``[`` -> path; other strings -> TOML text; mapping -> TOML."""
    if isinstance(config, Mapping):
        return ConfigInput(dict_to_toml(config), None, "<dict>")
    if isinstance(config, os.PathLike) or (isinstance(config, str) and _looks_like_path(config)):
        path = os.fspath(config)
        if not os.path.isfile(path):
            raise FileNotFoundError(f"experiment file not found: {path}")
        return ConfigInput(None, path, path)
    if isinstance(config, bytes):
        config = config.decode("utf-8")
    if isinstance(config, str):
        return ConfigInput(config, None, "<string>")
    raise TypeError(f"config must be a TOML file path, TOML text or a dict, not {type(config).__name__}")
