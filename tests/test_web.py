"""The phone edition (网页版): written by every build, every phone a tel: link to the data's
number, nothing asked of another host, a phone change rewriting only the pages that show it,
and the search working in a real browser opened from the folder (file://)."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from booklet.data.load import load

from conftest import DEMO, run_cli

WEB = "网页版"


def _pages(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8") for p in folder.rglob("*.html")}


def test_every_build_writes_the_phone_edition(minimal_built: Path):
    folder = minimal_built / WEB
    pages = _pages(folder)
    project = load(Path("data"))
    assert {"index.html", "offices.html", "staff.html", "supervision.html"} <= set(pages)
    assert {f"items/{s.id}.html" for s in project.services} <= set(pages)
    assert (folder / "search-index.js").read_text(encoding="utf-8").startswith("window.BOOKLET_INDEX = ")
    assert all('<html lang="zh-CN">' in html for html in pages.values())


def test_every_phone_is_a_tel_link_to_a_number_of_the_data(minimal_built: Path):
    project = load(Path("data"))
    numbers = {p.tel for c in project.cadres for p in (c.mobile, c.office_phone) if p is not None}
    numbers |= {s.phone.tel for s in project.stations if s.phone is not None}
    numbers |= {project.org.supervision.phone.tel, project.org.channels.hotline.tel}
    pages = _pages(minimal_built / WEB)
    links = {href for html in pages.values() for href in re.findall(r'href="(tel:[^"]*)"', html)}
    assert links and links <= numbers
    staff = pages["staff.html"]
    assert all(c.dial.tel in staff for c in project.cadres)


def test_nothing_is_asked_of_another_host(minimal_built: Path):
    for name, html in _pages(minimal_built / WEB).items():
        for attribute, value in re.findall(r'(src|href)="([^"]*)"', html):
            assert not re.match(r"[a-z]+://", value) or attribute == "href", (name, value)
        assert "<link" not in html.replace('<link rel="stylesheet" href="', "").replace("style.css", ""), name


def test_a_phone_change_rewrites_only_the_pages_that_show_it(minimal_built: Path, minimal: Path):
    folder = minimal_built / WEB
    before = {p: p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}
    cadres = minimal / "cadres.yaml"
    cadres.write_text(cadres.read_text(encoding="utf-8").replace("139 0000 0002", "139 0000 0022"), encoding="utf-8")

    assert run_cli("build", "--data", "data", "--out", "output").code == 0

    changed = sorted(p.relative_to(folder).as_posix() for p in before if p.stat().st_mtime_ns != before[p])
    assert changed == ["items/gaoling.html", "search-index.js", "staff.html", "sw.js"]  # sw.js: a new version
    assert "139 0000 0022" in (folder / "staff.html").read_text(encoding="utf-8")


# --- in a real browser ----------------------------------------------------------------------

# What a resident types, and the item that must come first: names and their parts, the
# everyday names (aliases), pinyin whole and by initials, a handler, an office.
QUERIES = {
    "低保": "最低生活保障申请",
    "dibao": "最低生活保障申请",
    "最低生活": "最低生活保障申请",
    "五保": "特困人员救助供养申请",
    "wubao": "特困人员救助供养申请",
    "准生证": "生育登记",
    "zhunshengzheng": "生育登记",
    "zsz": "生育登记",
    "上户口": "出生登记（新生儿落户）",
    "身份证": "居民身份证申领、换领、补领",
    "残疾证": "残疾人证办理（新办）",
    "轮椅": "残疾人辅助器具适配申请",
    "尊老金": "高龄津贴申领",
    "gaoling": "高龄津贴申领",
    "新农合": "城乡居民基本医疗保险参保登记",
    "粮补": "耕地地力保护补贴申报",
    "宅基地": "农村村民宅基地和建房（规划许可）申请",
    "优待证": "退役军人优待证申领",
    "无犯罪": "无犯罪记录证明开具",
    "光荣牌": "光荣牌悬挂",
    "刘静怡": "最低生活保障申请",
    "liujingyi": "最低生活保障申请",
    "退役军人服务站": "退役军人和其他优抚对象信息采集",
}


@pytest.fixture(scope="module")
def browser():
    if shutil.which("chromedriver") is None:
        pytest.fail("没有 chromedriver：make test 的安装步骤会装上 Debian 的 chromium 和 chromium-driver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=390,844"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})  # every request the pages make
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    yield driver
    driver.quit()


def test_each_query_typed_finds_its_item_first(browser, demo_output: Path):
    from selenium.webdriver.common.by import By

    browser.get((demo_output / WEB / "index.html").as_uri())
    box = browser.find_element(By.ID, "q")
    found = {}
    for query in QUERIES:
        box.clear()
        box.send_keys(query)
        found[query] = browser.find_element(By.CSS_SELECTOR, "#results li a").text
    assert found == QUERIES
    browser.find_element(By.CSS_SELECTOR, "#results li a").click()
    assert browser.find_element(By.TAG_NAME, "h1").text == QUERIES[query]


def test_the_large_text_switch_is_remembered(browser, demo_output: Path):
    from selenium.webdriver.common.by import By

    browser.get((demo_output / WEB / "index.html").as_uri())
    browser.find_element(By.ID, "size").click()
    browser.get((demo_output / WEB / "staff.html").as_uri())
    size = browser.execute_script("return parseFloat(getComputedStyle(document.body).fontSize)")
    assert size >= 24
    browser.find_element(By.ID, "size").click()
    assert browser.execute_script("return parseFloat(getComputedStyle(document.body).fontSize)") >= 18


def test_served_over_http_the_site_opens_again_with_the_server_gone(browser, demo_output: Path):
    """The service worker keeps the site: a resident who opened it once has it offline."""
    import functools
    import http.server
    import threading

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(demo_output / WEB))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    address = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        browser.get(address + "index.html")
        browser.set_script_timeout(30)
        browser.execute_async_script("navigator.serviceWorker.ready.then(() => arguments[0]())")
    finally:
        server.shutdown()
        server.server_close()
    browser.get(address + "items/dibao.html")
    assert "最低生活保障申请" in browser.title


AXE = Path(__file__).parent.parent / ".venv" / "npm" / "node_modules" / "axe-core" / "axe.min.js"


@pytest.mark.parametrize("large", [False, True], ids=["正常字号", "大字"])
def test_no_serious_accessibility_violation(browser, demo_output: Path, large: bool):
    """axe-core's WCAG 2.1 A/AA rules on the home page, a search, an item and the staff
    directory, in both text sizes: no violation of serious or critical impact."""
    if not AXE.is_file():
        pytest.fail(f"没有 {AXE}：make test 的安装步骤会用 npm 装上 axe-core")
    script = AXE.read_text(encoding="utf-8")
    folder = demo_output / WEB
    browser.get((folder / "index.html").as_uri())
    browser.execute_script(f"localStorage.setItem('booklet-large', '{1 if large else 0}')")
    found = {}
    for page in ("index.html", "index.html#q=低保", "items/dibao.html", "staff.html"):
        browser.get((folder / page.split("#")[0]).as_uri() + ("#" + page.split("#")[1] if "#" in page else ""))
        if "#" in page:
            browser.refresh()  # the hash alone does not load the page again
        browser.execute_script(script)
        browser.set_script_timeout(60)
        result = browser.execute_async_script(
            "axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}).then(arguments[0])")
        serious = [(v["id"], v["impact"], len(v["nodes"])) for v in result["violations"]
                   if v["impact"] in ("serious", "critical")]
        if serious:
            found[page] = serious
        assert browser.execute_script("return document.documentElement.classList.contains('large')") == large
    assert found == {}


def test_no_request_leaves_the_site(browser, demo_output: Path):
    """Read from the browser's network log: every page, with a search typed, asks only for
    files of its own folder (and the images it carries as data: addresses)."""
    import json

    from selenium.webdriver.common.by import By

    folder = demo_output / WEB
    browser.get_log("performance")  # what earlier tests left
    for page in ("index.html", "items/dibao.html", "offices.html", "staff.html", "supervision.html"):
        browser.get((folder / page).as_uri())
    browser.get((folder / "index.html").as_uri())
    browser.find_element(By.ID, "q").send_keys("低保")
    requested = [json.loads(entry["message"])["message"]["params"]["request"]["url"]
                 for entry in browser.get_log("performance")
                 if json.loads(entry["message"])["message"]["method"] == "Network.requestWillBeSent"]
    assert requested
    assert [url for url in requested if not url.startswith((folder.as_uri(), "data:"))] == []


def test_the_printed_booklet_carries_the_phone_editions_address(demo_output: Path):
    """org.yaml's web_url as a QR code on the guide page and the back cover, labelled, decoded
    from a raster of each page to exactly that address."""
    from pdfread import page_texts, qr_codes

    address = load(DEMO).org.web_url
    reading = demo_output / "便民服务一本通.pdf"
    codes = qr_codes(reading)
    texts = page_texts(reading)
    pages = [number for number, found in enumerate(codes, 1) if any(code.text == address for code in found)]
    assert pages == [2, len(codes)], pages  # the guide page and the back cover
    assert all("扫码打开手机版" in texts[number - 1] for number in pages)
