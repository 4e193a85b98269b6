"""The phone edition in `make bench`: how long its pages take to render, how big the site is,
and how long a search takes on a phone-class CPU (headless Chromium slowed fourfold)."""
from __future__ import annotations

import shutil
import statistics
import time
from pathlib import Path

QUERIES = ("低保", "dibao", "db", "身份证", "shenfenzheng", "残疾", "养老", "补贴", "户口", "证明",
           "gaoling", "医保", "准生证", "zsz", "五保", "优待", "户口簿", "民政", "退役军人", "事项")
THROTTLE = 4  # Chromium's CPU throttling: a mid-range phone against this machine's core


def measure(data: Path, out: Path) -> dict:
    from booklet.data.checks import check_data
    from booklet.web.site import FOLDER, pages

    project = check_data(data)
    started = time.perf_counter()
    rendered = pages(project)
    seconds = time.perf_counter() - started
    folder = out / FOLDER
    sizes = [p.stat().st_size for p in folder.rglob("*") if p.is_file()]
    html = [p.stat().st_size for p in folder.rglob("*.html")]
    result = {"render_seconds": seconds, "files": len(rendered), "site_kb": sum(sizes) / 1024,
              "largest_page_kb": max(html) / 1024, "index_kb": (folder / "search-index.js").stat().st_size / 1024}
    result.update(_search_ms(folder / "index.html"))
    return result


def _search_ms(index: Path) -> dict:
    if shutil.which("chromedriver") is None:
        return {"search_ms_median": None, "search_ms_max": None}
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    try:
        driver.get(index.as_uri())
        driver.execute_cdp_cmd("Emulation.setCPUThrottlingRate", {"rate": THROTTLE})
        times = driver.execute_script("""
            var times = [];
            for (var round = 0; round < 3; round++) arguments[0].forEach(function (q) {
              var t = performance.now(); window.bookletSearch(q); times.push(performance.now() - t);
            });
            return times;""", list(QUERIES))
    finally:
        driver.quit()
    return {"search_ms_median": statistics.median(times), "search_ms_max": max(times)}


def lines(results: list[dict]) -> list[str]:
    found = ["手机版（网页版）             规模  生成(秒)  文件数  全站(KB)  最大网页(KB)  索引(KB)  查找(毫秒，中位/最慢，CPU 降速 4 倍)"]
    for result in results:
        web = result.get("web")
        if not web:
            continue
        search = ("未测（没有 chromium）" if web["search_ms_median"] is None
                  else f"{web['search_ms_median']:.1f} / {web['search_ms_max']:.1f}")
        found.append(f"{'':<28}{result['scale']:>3}x {web['render_seconds']:8.2f} {web['files']:7d} "
                     f"{web['site_kb']:9.0f} {web['largest_page_kb']:12.1f} {web['index_kb']:9.0f}  {search}")
    return found
