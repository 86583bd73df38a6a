"""The compiled extension exports no symbol of the static archives it links (bindings/CMakeLists.txt:
--exclude-libs,ALL). Where a toolchain links libstdc++ statically into the module, exported copies of its symbols
(std::locale::id, ...) interpose with the libstdc++.so already loaded by numpy and crash ostream formatting; the
same flag hides our own archives' symbols (learnrace::...), which is what this test can see on any Linux build."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

import learnrace._core as core


@pytest.mark.skipif(not sys.platform.startswith("linux") or shutil.which("nm") is None, reason="needs Linux and nm")
def test_extension_exports_no_archive_symbols():
    out = subprocess.run(
        ["nm", "-D", "--defined-only", "--demangle", core.__file__], check=True, capture_output=True, text=True
    ).stdout
    exported = [line.split(" ", 2)[-1] for line in out.splitlines() if line.strip()]
    assert "PyInit__core" in exported
    leaked = [s for s in exported if s.startswith("learnrace::") or s.startswith("std::locale")]
    assert leaked == [], f"{len(leaked)} archive symbols exported, e.g. {leaked[:3]}"
