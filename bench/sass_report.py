#!/usr/bin/env python3
"""Static SASS report of the CUDA kernels: a check that needs no GPU.

For each dyad kernel in the compiled CUDA object: registers, stack, spill instructions, the static SASS instruction
count and where the instructions come from (source file of the innermost inlined line, from -lineinfo). The
"period body" is the static SASS inlined into the kernel's dyad_period call: it has no loops, so it approximates the
warp instructions of one period (its rarely taken division slow paths included). With
``--baseline OLD.o`` every number gets its change. Static counts are not executed counts (those need ncu on a GPU,
see bench/gpu_check.sh), but they show at once whether a change adds spills, registers or instructions to a kernel.

Usage:
    python bench/sass_report.py [OBJECT.o] [--baseline OLD.o] [--top N] [--lines N] [--period-steps N]

OBJECT defaults to the CMake build's build/kernels/CMakeFiles/learnrace_backends.dir/backend_cuda.cu.o. Needs
cuobjdump and nvdisasm: from the CUDA toolkit, or `pip install nvidia-cuda-cuobjdump nvidia-cuda-nvdisasm`
(the script finds the wheels' binaries itself).
"""

from __future__ import annotations

import argparse
import collections
import importlib.util
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

DEFAULT_OBJECT = Path("build/kernels/CMakeFiles/learnrace_backends.dir/backend_cuda.cu.o")


def _kernel_names() -> dict:
    """Mangled dyad_kernel<kernel, shared counts, events> -> label. The kernels without events (the common case) carry
    the labels of the older dyad_kernel<kernel, shared counts>, so that --baseline compares them."""
    variants = [
        (k, kname, sh, sname)
        for k, kname in ((0, "propositional"), (1, "strategic"))
        for sh, sname in ((1, "shared counts"), (0, "global fallback"))
    ]
    names = {}
    for events, suffix in (("Lb0E", ""), ("Lb1E", ", events"), ("", "")):  # "": before the events parameter
        for k, kname, sh, sname in variants:
            names[f"_ZN9learnrace11cuda_detail11dyad_kernelILi{k}ELb{sh}E{events}EEvNS0_10LaunchArgsE"] = (
                f"{kname} ({sname}{suffix})"
            )
    # streamed_kernel<kernel, events>: many points, parameters in global memory, a warp per point
    for k, kname in ((0, "propositional"), (1, "strategic")):
        for events, suffix in (("0", ""), ("1", ", events")):
            names[f"_ZN9learnrace11cuda_detail15streamed_kernelILi{k}ELb{events}EEEvNS0_10LaunchArgsE"] = (
                f"{kname} (streamed{suffix})"
            )
    return names


KERNEL_NAMES = _kernel_names()
INSTRUCTION = re.compile(r"^\s+/\*[0-9a-f]{4,}\*/\s+(@!?U?P\w+\s+)?([A-Z][A-Z0-9_.]*)")
LOCATION = re.compile(r'"([^"]+)", line (\d+)')
KERNEL_FILE = "dyad_kernel.cuh"
# The kernel statement that calls dyad_period is the one whose inlined code includes shocks.hpp: only the
# period uses it (found from the debug info alone, so a baseline built from another tree works too).
PERIOD_ONLY_FILE = "shocks.hpp"
# The period's statements: --period-steps lists the period body by the statement of this file it is inlined from.
PERIOD_FILE = "dyad_period.hpp"


def tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    spec = importlib.util.find_spec("nvidia")
    for root in spec.submodule_search_locations if spec else []:
        for candidate in Path(root).glob(f"cu*/bin/{name}"):
            return str(candidate)
    sys.exit(f"sass_report: {name} not found (CUDA toolkit, or pip install nvidia-cuda-{name})")


def run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def resources(obj: Path) -> dict:
    """kernel -> {REG, STACK, ...} from cuobjdump -res-usage."""
    out, current = {}, None
    for line in run(tool("cuobjdump"), "-res-usage", str(obj)).splitlines():
        m = re.match(r"\s*Function (\S+):", line)
        if m:
            current = m.group(1)
        elif current and "REG:" in line:
            out[current] = {k: int(v) for k, v in re.findall(r"(\w+):(\d+)", line)}
            current = None
    return out


def disassemble(obj: Path) -> dict:
    """kernel -> (opcode counter, source-file counter, kernel-line counter, period-marker counter, spill counter,
    period-step counter, period-file counter).

    Over the kernel's static SASS. The source file is that of the innermost inlined line; the kernel line is
    the innermost location in dyad_kernel.cuh (file, line), i.e. the statement of the kernel file (of a kernel, or of
    the device function run_point that both kernels inline) the instruction was inlined into; the period-marker
    counter counts, per kernel line, instructions inlined from shocks.hpp; the spill counter counts, per kernel line,
    its LDL/STL instructions; the period-step counter counts per (kernel line, dyad_period.hpp line) and the
    period-file counter per (kernel line, innermost source file), for the instructions inlined from dyad_period.hpp.
    """
    with tempfile.TemporaryDirectory() as tmp:
        extract = [tool("cuobjdump"), "-xelf", "all", str(obj.resolve())]
        subprocess.run(extract, cwd=tmp, check=True, capture_output=True)
        cubins = sorted(Path(tmp).glob("*.cubin"))
        if not cubins:
            sys.exit(f"sass_report: no cubin in {obj}")
        text = "\n".join(run(tool("nvdisasm"), "-gi", "-c", str(c)) for c in cubins)
    # Before an instruction whose location changed, nvdisasm -gi prints one "//## File" line per level of
    # inlining: the innermost first, each "inlined at" its caller, the kernel's own line last.
    kernels, name, where, outer, in_block, marked, step = {}, None, None, None, False, False, None
    for line in text.splitlines():
        m = re.match(r"^\.text\.(\S+):", line)
        if m:
            name, where, outer, in_block, marked, step = m.group(1), None, None, False, False, None
            kernels[name] = tuple(collections.Counter() for _ in range(7))
            continue
        if name is None:
            continue
        if "//## File" in line:
            locations = LOCATION.findall(line)
            if not in_block:
                where, outer, in_block, marked, step = Path(locations[0][0]).name, None, True, False, None
            for f, n in locations:
                if Path(f).name == KERNEL_FILE and outer is None:  # the innermost statement of the kernel file
                    outer = (f, int(n))
                if Path(f).name == PERIOD_FILE and step is None:  # the innermost statement of the period
                    step = (f, int(n))
                marked = marked or Path(f).name == PERIOD_ONLY_FILE
            continue
        m = INSTRUCTION.match(line)
        if m:
            in_block = False
            kernels[name][0][m.group(2)] += 1
            kernels[name][1][where or "?"] += 1
            kernels[name][2][outer] += 1
            if marked:
                kernels[name][3][outer] += 1
            if m.group(2).startswith(("LDL", "STL")):
                kernels[name][4][outer] += 1
            if step is not None:
                kernels[name][5][(outer, step)] += 1
                kernels[name][6][(outer, where)] += 1
    return kernels


def source_line(location: tuple[str, int] | None) -> str:
    """The text of a kernel line, or '' when the object was compiled from a tree that is not here."""
    if location is None:
        return ""
    try:
        return Path(location[0]).read_text().splitlines()[location[1] - 1].strip()
    except (OSError, IndexError):
        return ""


def summary(obj: Path) -> dict:
    res, code = resources(obj), disassemble(obj)
    out = {}
    for name, label in KERNEL_NAMES.items():
        if name not in code:
            continue
        ops, files, kernel_lines, period_marks, line_spills, steps, period_files = code[name]
        spills = sum(c for op, c in ops.items() if op.startswith(("LDL", "STL")))
        period_line = [loc for loc, _ in period_marks.most_common(1)]
        period = [kernel_lines[loc] for loc in period_line]
        out[label] = {
            "registers": res.get(name, {}).get("REG", -1),
            "stack bytes": res.get(name, {}).get("STACK", -1),
            "spill instructions (LDL/STL)": spills,
            "SASS instructions": sum(ops.values()),
            "period body (dyad_period call)": sum(period) if period else -1,
            "spill instructions in the period": sum(line_spills[loc] for loc in period_line) if period else -1,
            "files": files,
            "kernel lines": kernel_lines,
            "period steps": collections.Counter({st: c for (o, st), c in steps.items() if o in period_line}),
            "period files": collections.Counter({f: c for (o, f), c in period_files.items() if o in period_line}),
        }
    return out


def delta(new: int, old: int | None) -> str:
    return f"{new}" if old is None else f"{new} ({new - old:+d})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("object", nargs="?", type=Path, default=DEFAULT_OBJECT)
    ap.add_argument("--baseline", type=Path, help="an older backend_cuda.cu.o to compare with")
    ap.add_argument("--top", type=int, default=8, help="source files listed per kernel")
    ap.add_argument("--lines", type=int, default=0, help="also list the N largest kernel statements")
    ap.add_argument(
        "--period-steps",
        type=int,
        default=0,
        help=f"also list the period body by its N largest {PERIOD_FILE} statements and by innermost source file",
    )
    args = ap.parse_args()
    for obj in (args.object, args.baseline):
        if obj is not None and not obj.is_file():
            sys.exit(f"sass_report: no such object file: {obj}")
    new = summary(args.object)
    old = summary(args.baseline) if args.baseline else {}
    print(f"# Static SASS of {args.object}" + (f" vs {args.baseline}" if args.baseline else ""))
    for label, s in new.items():
        o = old.get(label, {})
        print(f"\n## {label}\n\n| quantity | value |\n|---|---|")
        keys = ("registers", "stack bytes", "spill instructions (LDL/STL)", "SASS instructions")
        for key in keys + ("period body (dyad_period call)", "spill instructions in the period"):
            print(f"| {key} | {delta(s[key], o.get(key))} |")
        if args.top > 0:
            print("\n| source file (innermost inlined line) | SASS instructions |\n|---|---|")
            for f, c in s["files"].most_common(args.top):
                print(f"| {f} | {delta(c, o['files'].get(f, 0) if o else None)} |")
        if args.lines:  # this object only: a baseline's line numbers may belong to another version of the file
            print(f"\n| kernel statement ({KERNEL_FILE} line it is inlined into) | SASS instructions |\n|---|---|")
            for loc, c in s["kernel lines"].most_common(args.lines):
                text = f"{loc[1]}: `{source_line(loc)[:70]}`" if loc else "(outside the kernel's lines)"
                print(f"| {text} | {c} |")
        if args.period_steps:  # this object only, as --lines
            print(f"\n| period statement ({PERIOD_FILE} line) | SASS instructions |\n|---|---|")
            for loc, c in s["period steps"].most_common(args.period_steps):
                print(f"| {loc[1]}: `{source_line(loc)[:80]}` | {c} |")
            print("\n| period, by source file (innermost inlined line) | SASS instructions |\n|---|---|")
            for f, c in s["period files"].most_common(args.period_steps):
                print(f"| {f} | {c} |")


if __name__ == "__main__":
    main()
