"""`make bench`: how long a clerk waits, and how much memory and disk it takes, at real scale,
against what WeasyPrint alone would do.

For each scale (BENCH_SCALES, default "1 10") the synthetic office of bench/synth.py is built
BENCH_RUNS times (default 3) in each scenario: a cold full build, a rebuild with nothing
changed, a rebuild after one person's phone changed, and the plates of one office. Wall time
and, from as many runs again, the peak memory of the whole process tree (the build's worker
processes included, PSS) are reported as medians, with the size of each PDF.

The baseline (bench/baseline.py) is the same booklet as one WeasyPrint document in one
process; it and a cold build of the booklet alone (bench/booklet_only.py: the same work)
run BENCH_BASELINE_RUNS times (default 1: at 10x the baseline takes minutes and gigabytes),
and at 1x also with one worker, as does a full build. Pages per second of the booklet are
compared against the baseline's, and the rebuild after a phone change against the baseline's
time; the targets are checked and marked in the table.

The table goes to the terminal and JSON to output/bench/. With BENCH_PROFILE=1, a profile of
one cold build (in one process) is written too, with the seconds grouped by stage.
"""
from __future__ import annotations

import cProfile
import itertools
import json
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synth  # noqa: E402
import web  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "output" / "bench"
PHONES = ("139 8888 0001", "139 8888 0002")


def _tree_memory(pid: int) -> int:
    """Memory of a process and all its descendants, in bytes: the sum of their proportional
    set sizes (PSS, from /proc). Not RSS: a worker forked from the build shares most of its
    pages with it (WeasyPrint, the fonts, the data), and a sum of RSS would count those once
    per process. The descendants are found through each thread's `children` list, not by
    reading every process's `stat`: this runs beside the build, on the same two cores."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            for line in Path(f"/proc/{current}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1]) * 1024
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            pass  # it has just ended
    return total


# How often the memory of the build's processes is read.
SAMPLE_SECONDS = 0.05


def _run(args: list[str], watched: bool, workers: int | None = None, script: Path | None = None) -> float | int:
    """Run the booklet command (or `script`, with `args`): its wall time, or if `watched`, the
    peak memory of its process tree. Not both from one run: reading the memory of a process
    makes the kernel walk its pages, 5 ms for 500 MB, every SAMPLE_SECONDS, on the same two
    cores, and a rebuild after a phone change took 8 % longer while watched. `workers`: the
    build's processes (BOOKLET_WORKERS), if not as many as there are cores."""
    start = time.perf_counter()
    env = {**os.environ, **({"BOOKLET_WORKERS": str(workers)} if workers else {})}
    command = [sys.executable, str(script), *args] if script else [sys.executable, "-m", "booklet", *args]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT, env=env)
    peak = 0

    def watch() -> None:
        nonlocal peak
        while process.poll() is None:
            peak = max(peak, _tree_memory(process.pid))
            time.sleep(SAMPLE_SECONDS)

    watcher = threading.Thread(target=watch)
    if watched:
        watcher.start()
    _, stderr = process.communicate()
    elapsed = time.perf_counter() - start
    if watched:
        watcher.join()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command[1:])} 失败：\n{stderr.decode()[-2000:]}")
    return peak if watched else elapsed


BASELINE = "baseline: one document"
COLD_ONE_WORKER = "cold, 1 worker"
BOOKLET_ONLY = "cold, booklet alone"
BOOKLET_ONE_WORKER = "cold, booklet alone, 1 worker"


def _pages(pdf: Path) -> int:
    import pikepdf

    with pikepdf.open(pdf) as document:
        return len(document.pages)


def _set_phone(data: Path, phone: str) -> None:
    cadres = data / "cadres.yaml"
    lines = cadres.read_text(encoding="utf-8").splitlines(keepends=True)
    for index, line in enumerate(lines):
        if line.strip().startswith("mobile:"):
            lines[index] = line.split("mobile:")[0] + f"mobile: {phone}\n"
            break
    cadres.write_text("".join(lines), encoding="utf-8")


def bench(scale: int, runs: int, baseline_runs: int) -> dict:
    data, out, plates_out = OUT / f"data-{scale}x", OUT / f"build-{scale}x", OUT / f"plates-{scale}x"
    synth.write(data, scale)
    build = ["build", "--data", str(data), "--out", str(out)]
    scenarios = ("cold", "nothing changed", "one phone changed", "plates of one office")
    workers = min(len(os.sched_getaffinity(0)), 4)  # as the build chooses (pool.default_workers)
    seconds: dict[str, list[float]] = {name: [] for name in scenarios}
    memory: dict[str, list[int]] = {name: [] for name in scenarios}
    phones = itertools.cycle(PHONES)
    for _ in range(runs):
        for watched, results in ((False, seconds), (True, memory)):
            shutil.rmtree(out, ignore_errors=True)
            results["cold"].append(_run(build, watched, workers))
            results["nothing changed"].append(_run(build, watched))
            _set_phone(data, next(phones))  # not the one the cold build had
            results["one phone changed"].append(_run(build, watched))
            shutil.rmtree(plates_out, ignore_errors=True)
            results["plates of one office"].append(_run(["plates", "--data", str(data), "--out", str(plates_out),
                                                         "--station", "s0"], watched))
    pages = _pages(out / "便民服务一本通.pdf")
    baseline_pdf = OUT / f"baseline-{scale}x.pdf"
    booklet_out = OUT / f"booklet-{scale}x"
    # With one worker, at the scale a clerk has: at 10x the two runs would take half an hour more.
    one_worker = scale == 1
    for name in (BASELINE, BOOKLET_ONLY, *((BOOKLET_ONE_WORKER, COLD_ONE_WORKER) if one_worker else ())):
        seconds[name], memory[name] = [], []
    for _ in range(baseline_runs):
        for watched, results in ((False, seconds), (True, memory)):
            results[BASELINE].append(_run([str(data), str(baseline_pdf)], watched, script=ROOT / "bench" / "baseline.py"))
            for name, count in ((BOOKLET_ONLY, workers), (BOOKLET_ONE_WORKER, 1))[:2 if one_worker else 1]:
                results[name].append(_run([str(data), str(booklet_out)], watched, count,
                                          script=ROOT / "bench" / "booklet_only.py"))
            if one_worker:
                shutil.rmtree(out, ignore_errors=True)
                results[COLD_ONE_WORKER].append(_run(build, watched, workers=1))
    sizes = {p.relative_to(out).as_posix(): p.stat().st_size for p in sorted(out.rglob("*.pdf"))
             if ".cache" not in p.parts}
    median_seconds = {name: statistics.median(values) for name, values in seconds.items()}
    return {
        "scale": scale,
        "web": web.measure(data, out),
        "runs": runs,
        "baseline_runs": baseline_runs,
        "workers": workers,
        "booklet_pages": pages,
        "baseline_pages": _pages(baseline_pdf),
        "seconds": median_seconds,
        "peak_memory_mb": {name: statistics.median(values) / 2**20 for name, values in memory.items()},
        "pages_per_second": {
            BASELINE: _pages(baseline_pdf) / median_seconds[BASELINE],
            f"{BOOKLET_ONLY}, {workers} workers": pages / median_seconds[BOOKLET_ONLY],
            f"cold (all files), {workers} workers": pages / median_seconds["cold"],
            **({BOOKLET_ONE_WORKER: pages / median_seconds[BOOKLET_ONE_WORKER],
                "cold (all files), 1 worker": pages / median_seconds[COLD_ONE_WORKER]} if one_worker else {}),
        },
        "pdf_mb": {
            "booklet (reading copy)": sizes["便民服务一本通.pdf"] / 2**20,
            "booklet (print copy)": sizes["便民服务一本通-印刷版.pdf"] / 2**20,
            "plates, largest office": max(v for k, v in sizes.items() if k.startswith("便民身份证/")) / 2**20,
            "cards, largest office": max(v for k, v in sizes.items() if k.startswith("联系卡/")) / 2**20,
            "all files": sum(sizes.values()) / 2**20,
        },
    }


STAGES = (
    ("layout", ("weasyprint/layout", "weasyprint/text/line_break")),
    ("fonts: subsetting, embedding", ("weasyprint/pdf/fonts", "weasyprint/text/fonts", "fontTools",
                                      "booklet/subsets", "uharfbuzz")),
    ("PDF writing", ("weasyprint/pdf", "weasyprint/document.py", "pydyf/")),
    ("drawing", ("weasyprint/draw", "weasyprint/stacking")),
    ("HTML, CSS and box tree", ("weasyprint/css", "weasyprint/formatting_structure", "weasyprint/html",
                                "tinyhtml5/", "tinycss2/", "cssselect2/")),
    ("images and photos", ("weasyprint/images", "PIL/", "booklet/photos")),
    ("QR codes", ("qrcode/",)),
    ("assembly and imposition", ("pikepdf/", "booklet/assemble", "booklet/impose", "booklet/links")),
    ("templates", ("jinja2/",)),
    ("data and checks", ("pydantic", "yaml/", "booklet/checks", "booklet/load", "phonenumbers")),
    ("waiting", ("threading.py", "selectors.py")),
)
# Built-ins (C code: HarfBuzz, qpdf, zlib) and glue between Python and C: their time is counted
# in the stage of the code that called them.
_PASS_THROUGH = ("cffi/", "functools.py")


def _stage(filename: str) -> str:
    return next((name for name, parts in STAGES if any(p in filename for p in parts)), "other")


def profile(scale: int) -> str:
    """One cold build in this process, its time grouped by stage: the own time of each function,
    and that of the C code it calls."""
    os.environ["BOOKLET_WORKERS"] = "1"
    from booklet.build import build
    from booklet.data.checks import check_data

    data, out = OUT / f"data-{scale}x", OUT / f"profile-{scale}x"
    shutil.rmtree(out, ignore_errors=True)
    profiler = cProfile.Profile()
    profiler.enable()
    build(check_data(data), out, force=True)
    profiler.disable()
    stats = pstats.Stats(profiler).stats
    totals: dict[str, float] = {}

    def count(function: tuple, seconds: float, depth: int = 0) -> None:
        filename = function[0]
        callers = stats[function][4] if function in stats else {}
        if (filename == "~" or any(p in filename for p in _PASS_THROUGH)) and callers and depth < 10:
            # Shared among its callers as the time spent in it from each of them.
            edges = {caller: edge[2] if filename == "~" else edge[3] for caller, edge in callers.items()}
            whole = sum(edges.values()) or 1.0
            for caller, part in edges.items():
                count(caller, seconds * part / whole, depth + 1)
            return
        totals[_stage(filename)] = totals.get(_stage(filename), 0.0) + seconds

    for function, (_, _, own, _, _) in stats.items():
        count(function, own)
    lines = [f"冷启动完整生成（{scale} 倍规模，单进程）各阶段耗时（秒；C 代码的时间计入调用它的那一阶段）："]
    lines += [f"  {name:<32}{seconds:8.2f}" for name, seconds in sorted(totals.items(), key=lambda i: -i[1])]
    return "\n".join(lines)


def targets(result: dict) -> list[tuple[str, str, bool]]:
    """The targets on two cores, against the baseline measured in the same run: (what, the
    figures, whether it is met)."""
    seconds, memory, rates = result["seconds"], result["peak_memory_mb"], result["pages_per_second"]
    workers = result["workers"]
    ratio = rates[f"{BOOKLET_ONLY}, {workers} workers"] / rates[BASELINE]
    whole = rates[f"cold (all files), {workers} workers"] / rates[BASELINE]
    faster = seconds[BASELINE] / seconds["one phone changed"]
    ours = max(value for name, value in memory.items() if name != BASELINE)
    found = [
        ("只生成一本通时每秒页数 ≥ 基准的 1.8 倍", f"{ratio:.2f} 倍（"
         + (f"1 个进程 {rates[BOOKLET_ONE_WORKER] / rates[BASELINE]:.2f} 倍；" if BOOKLET_ONE_WORKER in rates else "")
         + f"连同便民身份证、联系卡的完整生成 {whole:.2f} 倍）", ratio >= 1.8),
        ("改一个手机号后重建比基准快 ≥ 10 倍", f"{faster:.1f} 倍", faster >= 10),
        ("峰值内存低于基准", f"{ours:.0f} / {memory[BASELINE]:.0f} MB", ours < memory[BASELINE]),
    ]
    if result["scale"] == 10:
        found.append(("10 倍规模改一个手机号后重建 ≤ 12 秒", f"{seconds['one phone changed']:.1f} 秒",
                      seconds["one phone changed"] <= 12))
    return found


def table(results: list[dict]) -> str:
    lines = ["场景                      规模   中位耗时(秒)   峰值内存(MB)"]
    for result in results:
        for name, seconds in result["seconds"].items():
            lines.append(f"{name:<26}{result['scale']:>3}x {seconds:12.1f} {result['peak_memory_mb'][name]:14.0f}")
    lines.append("")
    lines.append("一本通每秒页数                        规模   页/秒")
    for result in results:
        for name, rate in result["pages_per_second"].items():
            lines.append(f"{name:<36}{result['scale']:>3}x {rate:8.1f}")
        lines.append(f"  （一本通 {result['booklet_pages']} 页，基准 {result['baseline_pages']} 页）")
    lines.append("")
    lines.append(f"目标（{results[0]['workers'] if results else 2} 个核，与同一次运行中的基准相比）")
    for result in results:
        for what, figures, met in targets(result):
            lines.append(f"  {'✓' if met else '✗'} {result['scale']:>2}x {what}：{figures}")
    lines.append("")
    lines += web.lines(results)
    lines.append("")
    lines.append("文件                      规模   大小(MB)")
    for result in results:
        for name, size in result["pdf_mb"].items():
            lines.append(f"{name:<26}{result['scale']:>3}x {size:10.1f}")
    return "\n".join(lines)


def main() -> None:
    scales = [int(s) for s in os.environ.get("BENCH_SCALES", "1 10").split()]
    runs = int(os.environ.get("BENCH_RUNS", "3"))
    baseline_runs = int(os.environ.get("BENCH_BASELINE_RUNS", "1"))
    OUT.mkdir(parents=True, exist_ok=True)
    results = [bench(scale, runs, baseline_runs) for scale in scales]
    report = table(results)
    if os.environ.get("BENCH_PROFILE"):
        report += "\n\n" + profile(scales[0])
    print(report)
    (OUT / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    (OUT / "report.txt").write_text(report + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
