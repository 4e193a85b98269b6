"""`make bench`: how long a clerk waits, and how much memory and disk it takes, at real scale.

For each scale (BENCH_SCALES, default "1 10") the synthetic office of bench/synth.py is built
BENCH_RUNS times (default 3) in each scenario: a cold full build, a rebuild with nothing
changed, a rebuild after one person's phone changed, and the plates of one office. Wall time
and, from as many runs again, the peak memory of the whole process tree (the build's worker
processes included, PSS) are reported as medians, with the size of each PDF; the table goes
to the terminal and JSON to output/bench/. With BENCH_PROFILE=1, a profile of one cold build
(in one process) is written too, with the seconds grouped by stage.
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


def _run(args: list[str], watched: bool) -> float | int:
    """Run the booklet command: its wall time, or if `watched`, the peak memory of its process
    tree. Not both from one run: reading the memory of a process makes the kernel walk its
    pages, 5 ms for 500 MB, every SAMPLE_SECONDS, on the same two cores, and a rebuild after a
    phone change took 8 % longer while watched."""
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "booklet", *args], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, cwd=ROOT)
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
        raise SystemExit(f"booklet {' '.join(args)} 失败：\n{stderr.decode()[-2000:]}")
    return peak if watched else elapsed


def _set_phone(data: Path, phone: str) -> None:
    cadres = data / "cadres.yaml"
    lines = cadres.read_text(encoding="utf-8").splitlines(keepends=True)
    for index, line in enumerate(lines):
        if line.strip().startswith("mobile:"):
            lines[index] = line.split("mobile:")[0] + f"mobile: {phone}\n"
            break
    cadres.write_text("".join(lines), encoding="utf-8")


def bench(scale: int, runs: int) -> dict:
    data, out, plates_out = OUT / f"data-{scale}x", OUT / f"build-{scale}x", OUT / f"plates-{scale}x"
    synth.write(data, scale)
    build = ["build", "--data", str(data), "--out", str(out)]
    scenarios = ("cold", "nothing changed", "one phone changed", "plates of one office")
    seconds: dict[str, list[float]] = {name: [] for name in scenarios}
    memory: dict[str, list[int]] = {name: [] for name in scenarios}
    phones = itertools.cycle(PHONES)
    for _ in range(runs):
        for watched, results in ((False, seconds), (True, memory)):
            shutil.rmtree(out, ignore_errors=True)
            results["cold"].append(_run(build, watched))
            results["nothing changed"].append(_run(build, watched))
            _set_phone(data, next(phones))  # not the one the cold build had
            results["one phone changed"].append(_run(build, watched))
            shutil.rmtree(plates_out, ignore_errors=True)
            results["plates of one office"].append(_run(["plates", "--data", str(data), "--out", str(plates_out),
                                                         "--station", "s0"], watched))
    sizes = {p.relative_to(out).as_posix(): p.stat().st_size for p in sorted(out.rglob("*.pdf"))
             if ".cache" not in p.parts}
    return {
        "scale": scale,
        "runs": runs,
        "seconds": {name: statistics.median(values) for name, values in seconds.items()},
        "peak_memory_mb": {name: statistics.median(values) / 2**20 for name, values in memory.items()},
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
    from booklet.checks import check_data

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


def table(results: list[dict]) -> str:
    lines = ["场景                      规模   中位耗时(秒)   峰值内存(MB)"]
    for result in results:
        for name, seconds in result["seconds"].items():
            lines.append(f"{name:<26}{result['scale']:>3}x {seconds:12.1f} {result['peak_memory_mb'][name]:14.0f}")
    lines.append("")
    lines.append("文件                      规模   大小(MB)")
    for result in results:
        for name, size in result["pdf_mb"].items():
            lines.append(f"{name:<26}{result['scale']:>3}x {size:10.1f}")
    return "\n".join(lines)


def main() -> None:
    scales = [int(s) for s in os.environ.get("BENCH_SCALES", "1 10").split()]
    runs = int(os.environ.get("BENCH_RUNS", "3"))
    OUT.mkdir(parents=True, exist_ok=True)
    results = [bench(scale, runs) for scale in scales]
    report = table(results)
    if os.environ.get("BENCH_PROFILE"):
        report += "\n\n" + profile(scales[0])
    print(report)
    (OUT / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    (OUT / "report.txt").write_text(report + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
