#!/usr/bin/env python3
"""Render the markdown report of bench/gpu_check.sh from its work folder.

usage: gpu_report.py WORK_DIR REPORT.md DEVICE DATE
"""

import csv
import glob
import io
import os
import re
import sys


def sass_section(log: str, depth: int) -> list:
    """The body of a bench/sass_report.py log (its title line dropped), its "## kernel" headings moved down to
    ``depth`` levels so that they nest under the report's own heading."""
    return [("#" * (depth - 2) + ln) if ln.startswith("## ") else ln for ln in log.splitlines()[1:]]


def read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def kv_line(line):
    return dict(tok.split("=", 1) for tok in line.split() if "=" in tok)


def ncu_metrics(path):
    """Metric name -> value (float when numeric) from an `ncu --csv --print-units base` log."""
    text = read(path)
    start = text.find('"ID"')
    if start < 0:
        return {}
    out = {}
    for row in csv.DictReader(io.StringIO(text[start:])):
        name, value = row.get("Metric Name"), row.get("Metric Value", "")
        if not name:
            continue
        try:
            out[name] = float(value.replace(",", ""))
        except ValueError:
            out[name] = value
    return out


def ncu_total(path, metric):
    """Sum of a metric over every profiled launch of an `ncu --csv --print-units base` log (None without one)."""
    text = read(path)
    start = text.find('"ID"')
    values = []
    for row in csv.DictReader(io.StringIO(text[start:])) if start >= 0 else []:
        if row.get("Metric Name") == metric:
            try:
                values.append(float(row.get("Metric Value", "").replace(",", "")))
            except ValueError:
                pass
    return sum(values) if values else None


def resources(text):
    """kernel -> 'REG:.. STACK:.. SHARED:.. LOCAL:..' from cuobjdump --dump-resource-usage."""
    out = {}
    current = None
    for line in text.splitlines():
        m = re.search(r"Function (\S+):", line)
        if m:
            name = m.group(1)
            k = re.search(r"dyad_kernelILi([01])ELb([01])E(?:Lb([01])E)?", name)
            if k:
                current = (
                    ("propositional" if k.group(1) == "0" else "strategic")
                    + (" (per-period counts in shared memory" if k.group(2) == "1" else " (global-atomic fallback")
                    + (", events)" if k.group(3) == "1" else ")")
                )
            else:
                current = name
            continue
        if current and "REG:" in line:
            out[current] = " ".join(line.split())
            current = None
    return out


def status(work, name):
    s = read(os.path.join(work, name + ".status")).strip()
    return s or "not run"


def fmt(v, spec=".3g"):
    return format(v, spec) if isinstance(v, (int, float)) else str(v)


def main():
    work, report, device, date = sys.argv[1:5]
    lines = [f"# GPU check: {device}, {date}", "", "Written by `bench/gpu_check.sh`.", "", "## Environment", "```"]
    lines += read(os.path.join(work, "env.txt")).strip().splitlines()
    lines += ["```", "", "## Steps", "| step | result |", "| --- | --- |"]
    for path in sorted(glob.glob(os.path.join(work, "*.status")), key=os.path.getmtime):
        name = os.path.basename(path)[: -len(".status")]
        lines.append(f"| {name} | {status(work, name)} |")

    # Tests
    tests = read(os.path.join(work, "gpu_tests.log"))
    summary = [ln for ln in tests.splitlines() if re.match(r"\[\s+(PASSED|FAILED|SKIPPED)\s+\]", ln)]
    lines += ["", "## GPU tests (`learnrace_tests --gtest_filter=GpuBackend.*`)", "```"] + (summary or ["(no log)"])
    lines += ["```"]
    other = read(os.path.join(work, "other_tests.log")).splitlines()
    ctest = [ln for ln in other if "tests passed" in ln or "FAILED" in ln]
    if ctest:
        lines += ["", "ctest: " + "; ".join(ctest[-3:])]

    py = read(os.path.join(work, "python_tests.log")).splitlines()
    py_summary = [ln for ln in py if re.search(r"\d+ (passed|failed)", ln)]
    if py or os.path.exists(os.path.join(work, "python_install.status")):
        result = py_summary[-1] if py_summary else status(work, "python_tests")
        lines += ["", f"pytest (package built with CUDA): {result}"]

    # Sanitizers
    lines += ["", "## compute-sanitizer", "| run | summary |", "| --- | --- |"]
    for name in ("memcheck_prop", "memcheck_strat", "memcheck_fallback", "racecheck"):
        text = read(os.path.join(work, name + ".log"))
        m = re.findall(r"(ERROR SUMMARY: .*|RACECHECK SUMMARY: .*)", text)
        lines.append(f"| {name} | {m[-1] if m else status(work, name)} |")

    # Throughput
    lines += [
        "",
        "## Throughput (default parameters, 100 periods, whole driver path, median of repeats)",
        "Card at its default clocks. dyad-periods are counted from the transition counts (dyads end early).",
        "",
        "| backend | CPU lanes | kernel | dyads | chunk | repeats | median s | dyad-periods | mean periods/dyad | "
        "dyad-periods/s | dyads/s |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for line in read(os.path.join(work, "throughput.txt")).splitlines():
        r = kv_line(line)
        lines.append(
            f"| {r.get('backend')} | {r.get('lanes') if r.get('backend') == 'cpu' else '-'} | {r.get('kernel')} | "
            f"{float(r.get('dyads', 0)):.0e} | "
            f"{float(r.get('chunk', 0)):.0e} | {r.get('repeat')} | {r.get('median_s')} | "
            f"{r.get('dyad_periods')} | {r.get('mean_duration')} | {r.get('dyad_periods_per_s')} | "
            f"{r.get('dyads_per_s')} |"
        )

    # Points scaling (issue 22): many points of few dyads against one point, same output settings
    points = [kv_line(line) for line in read(os.path.join(work, "points.txt")).splitlines()]
    if points:
        lines += [
            "",
            "## Points scaling: many points x few dyads against one point (throughput --points, lean output)",
            "",
            "| run | kernel | points | dyads per point | median s | dyad-periods | dyad-periods/s | of single |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        single = {r.get("kernel"): float(r["dyad_periods_per_s"]) for r in points if r.get("run") == "single"}
        for r in points:
            rate = float(r.get("dyad_periods_per_s", 0))
            of = f"{rate / single[r.get('kernel')]:.3f}" if single.get(r.get("kernel")) else "-"
            lines.append(
                f"| {r.get('run')} | {r.get('kernel')} | {r.get('points')} | {r.get('dyads')} | {r.get('median_s')} | "
                f"{r.get('dyad_periods')} | {r.get('dyad_periods_per_s')} | {of} |"
            )
        kernel_s = {}
        for what in ("single", "many"):
            ns = ncu_total(os.path.join(work, f"ncu_points_{what}.csv"), "gpu__time_duration.sum")
            if ns:
                kernel_s[what] = ns * 1e-9
        dp = {r.get("run"): float(r.get("dyad_periods", 0)) for r in points if r.get("kernel") == "propositional"}
        if len(kernel_s) == 2 and dp.get("single") and dp.get("many"):
            single_rate, many_rate = dp["single"] / kernel_s["single"], dp["many"] / kernel_s["many"]
            lines += [
                "",
                f"Kernels alone (ncu gpu__time_duration summed over the launches, propositional): single "
                f"{single_rate:.3e}, many {many_rate:.3e} dyad-periods/s, ratio {many_rate / single_rate:.3f}.",
            ]

    # A/B
    ab = [kv_line(line) for line in read(os.path.join(work, "ab.txt")).splitlines()]
    what = read(os.path.join(work, "ab_what.txt")).strip()
    if ab and not what:  # reports of gpu_check.sh before AB_SRC
        what = f"the build with `{read(os.path.join(work, 'ab_flags.txt')).strip()}`"
    if what:
        lines += [
            "",
            f"## A/B in this run: main build (variant main) vs {what} (variant ab)",
            "Propositional kernel, 1e8 dyads x 100 periods, median of 3 per row, the two builds alternating.",
            "",
            "| round | variant | median s | dyad-periods | dyad-periods/s |",
            "| --- | --- | --- | --- | --- |",
        ]
        for r in ab:
            lines.append(
                f"| {r.get('round')} | {r.get('variant')} | {r.get('median_s')} | {r.get('dyad_periods')} | "
                f"{r.get('dyad_periods_per_s')} |"
            )
        rate = {v: [float(r["dyad_periods_per_s"]) for r in ab if r.get("variant") == v] for v in ("main", "ab")}
        if rate["main"] and rate["ab"]:
            ratio = (sum(rate["main"]) / len(rate["main"])) / (sum(rate["ab"]) / len(rate["ab"]))
            same = len({r.get("dyad_periods") for r in ab}) == 1
            lines += [
                "",
                f"main / ab throughput (dyad-periods/s): {ratio:.3f} (mean over rounds); identical dyad-period "
                f"counts: {same}.",
            ]
        else:
            lines += ["", "No timing of both builds (see the ab_* steps above)."]
        ab_sass = read(os.path.join(work, "ab_sass.log")).strip()
        if ab_sass:
            title = "Static SASS of the main build; in parentheses its difference from the ab build (sass_report.py):"
            lines += ["", title] + sass_section(ab_sass, 4)

    # Study: learnrace.study on the GPU (bench/study_bench.py writes study_gpu.md)
    study = read(os.path.join(work, "study_gpu.md")).strip()
    if study:
        lines += ["", *[("#" + ln) if ln.startswith("#") else ln for ln in study.splitlines()]]
    elif os.path.exists(os.path.join(work, "study_gpu.status")):
        said = [ln for ln in read(os.path.join(work, "study_gpu.log")).splitlines() if ln.strip()]
        lines += ["", "## Study on the GPU (bench/study_bench.py)", "", said[-1] if said else status(work, "study_gpu")]
    # Inference's batched simulator on the GPU (bench/infer_bench.py writes infer_gpu.md)
    infer = read(os.path.join(work, "infer_gpu.md")).strip()
    if infer:
        lines += ["", *[("#" + ln) if ln.startswith("#") else ln for ln in infer.splitlines()]]
    elif os.path.exists(os.path.join(work, "infer_gpu.status")):
        said = [ln for ln in read(os.path.join(work, "infer_gpu.log")).splitlines() if ln.strip()]
        lines += [
            "",
            "## Inference simulator on the GPU (bench/infer_bench.py)",
            "",
            said[-1] if said else status(work, "infer_gpu"),
        ]

    # Peers: the CUDA engine vs JAX on the GPU (bench/run_peers.py --gpu writes peers_gpu.md; it skips without JAX)
    peers = read(os.path.join(work, "peers_gpu.md")).strip()
    if peers:
        body = [("#" + ln) if ln.startswith("#") else ln for ln in peers.splitlines()]  # nest under the report
        lines += [""] + body
    elif os.path.exists(os.path.join(work, "peers_gpu.status")):
        said = [ln for ln in read(os.path.join(work, "peers_gpu.log")).splitlines() if ln.strip()]
        lines += ["", "## Peers on the GPU: CUDA engine vs JAX", "", said[-1] if said else status(work, "peers_gpu")]

    # ncu
    res = resources(read(os.path.join(work, "resources.log")))
    lines += [
        "",
        "## Counters (ncu, one launch; instructions per dyad-period include each dyad's start and end)",
        "ncu with its default clock control (SM clock locked, see the last column). Issue slots used % is "
        "the achieved fraction of the instruction-issue bound (one warp instruction per scheduler per cycle).",
        "",
    ]
    lines += [
        "| kernel | dyads | dyad-periods | thread instr / dyad-period | warp instr x 32 / dyad-period | "
        "active lanes / warp instr | issue slots used % (sm__inst_issued) | issue active % (smsp) | "
        "registers | achieved occupancy % | theoretical occupancy % | kernel ms | SM clock GHz |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for kernel in ("propositional", "strategic"):
        m = ncu_metrics(os.path.join(work, f"ncu_{kernel}.csv"))
        run = {}
        for line in read(os.path.join(work, f"ncu_{kernel}.log")).splitlines():
            if line.startswith("backend="):
                run = kv_line(line)
        dp = float(run.get("dyad_periods", 0) or 0)
        ti = m.get("smsp__thread_inst_executed.sum")
        wi = m.get("smsp__inst_executed.sum")

        def per(v, k=1, dp=dp):
            return fmt(v * k / dp, ".1f") if isinstance(v, float) and dp > 0 else "n/a"

        def scaled(key, divisor, m=m):
            v = m.get(key)
            return fmt(v / divisor) if isinstance(v, float) else "n/a"

        lines.append(
            f"| {kernel} | {run.get('dyads', 'n/a')} | {int(dp)} | {per(ti)} | {per(wi, 32)} | "
            f"{fmt(m.get('smsp__thread_inst_executed_per_inst_executed.ratio', 'n/a'))} | "
            f"{fmt(m.get('sm__inst_issued.avg.pct_of_peak_sustained_active', 'n/a'))} | "
            f"{fmt(m.get('smsp__issue_active.avg.pct_of_peak_sustained_active', 'n/a'))} | "
            f"{fmt(m.get('launch__registers_per_thread', 'n/a'))} | "
            f"{fmt(m.get('sm__warps_active.avg.pct_of_peak_sustained_active', 'n/a'))} | "
            f"{fmt(m.get('sm__maximum_warps_per_active_cycle_pct', 'n/a'))} | "
            f"{scaled('gpu__time_duration.sum', 1e6)} | "
            f"{scaled('sm__cycles_elapsed.avg.per_second', 1e9)} |"
        )
    lines += ["", "Resource usage (cuobjdump --dump-resource-usage):", "```"]
    lines += [f"{k}: {v}" for k, v in res.items()] or ["(none)"]
    lines += ["```", ""]
    sass = read(os.path.join(work, "sass.log")).strip()
    if sass:
        lines += ["## Static SASS (bench/sass_report.py)", ""] + sass_section(sass, 3) + [""]
    os.makedirs(os.path.dirname(os.path.abspath(report)), exist_ok=True)
    with open(report, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("wrote", report)


if __name__ == "__main__":
    main()
