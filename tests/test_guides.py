"""What a service guide does not say is not printed as if it did: the completeness report, and
the booklet read back from the real PDF."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from booklet.household import book

from conftest import MINIMAL, run_cli
from pdfread import page_texts, qr_codes, text_outside_trim

# Three items as published guides have them: one that says little, one that needs no papers
# and says so, one with a material without counts and a promise longer than the law's.
GUIDES = """\
services:
  - id: yuyue
    name: 婚姻登记预约
    category: 社会救助
    station: minzheng
    handlers: [zhangsan]
    steps: [网上预约。]
  - id: juzhu
    name: 居住证明开具
    category: 老龄服务
    station: laoling
    handlers: [lisi]
    conditions: [在本街道居住。]
    materials: 无需材料
    steps: [到窗口开具。]
    time_limit:
      immediate: 是
    fee: 不收费
    basis: [示例条例]
  - id: butie
    name: 困难补贴申请
    category: 社会救助
    station: minzheng
    handlers: [zhangsan]
    conditions: [困难家庭。]
    materials:
      - name: 收入证明
      - name: 户口簿
        originals: 1
    steps: [提出申请。]
    time_limit:
      statutory_days: 10
      promised_days: 15
    fee: 免费
    basis: [示例办法]
  - id: jianfang
    name: 农村建房申请
    category: 老龄服务
    station: laoling
    handlers: [lisi]
    handling_type: 承诺件
    visits: 1
    accepting: 每月 1 日至 20 日
    conditions: [本村村民。]
    materials:
      - name: 建房申请表
        kind: 原件
        count: 2
        unit: 张
        source: 村民委员会
        sample: 窗口领取
      - name: 户口簿
        kind: 复印件
        verify_original: 是
        count: 1
      - name: 宅基地使用证明
        kind: 原件及复印件
    steps: [提出申请。]
    time_limit:
      promised_days: 20
      stages:
        - {name: 街道审核, days: 15}
        - {name: 区里审批, days: 5}
    special_steps:
      - {name: 公示, days: 5, counted: 否}
    fee: 不收费
    result: 《乡村建设规划许可证》
    delivery: 窗口领取或邮寄
    online_url: "https://zwfw.example.gov.cn/item/jianfang?from=booklet&edition=2026&a-long-query-string-that-a-county-portal-writes-and-that-must-wrap-inside-the-page=1"
    consult_phone: 0571-8000 0202
    faq:
      - {q: 可以代办吗？, a: 村代办员可上门代办。}
    basis: [示例土地管理条例]
    source: https://zwfw.example.gov.cn/guide/jianfang-123
    life_events: [住房建房, 养老]
  - id: wangban
    name: 独生子女证明开具
    category: 老龄服务
    station: laoling
    handlers: [lisi]
    conditions: [本街道户籍。]
    materials: 无需材料
    steps: [窗口或网上申请。]
    time_limit:
      channels:
        - {channel: 窗口, immediate: 是}
        - {channel: 网上, days: 1}
    fee: 不收费
    basis: [示例条例]
    online: 在 https://zwfw.example.gov.cn/ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz 申请
    life_events: [养老]
"""
# The office's life events, one of which no item carries.
EVENTS = "life_events: [住房建房, 养老, 身后事]\n"
ONLINE = ("https://zwfw.example.gov.cn/item/jianfang?from=booklet&edition=2026"
          "&a-long-query-string-that-a-county-portal-writes-and-that-must-wrap-inside-the-page=1")

REPORT = [
    "data/org.yaml:16:25: 警告：人生大事「身后事」下没有服务事项，不会印在「按人生大事查找」中",
    "data/services/guides.yaml:3:11: 警告：婚姻登记预约: 办事指南缺少受理条件、申请材料、办结时限、收费标准、设定依据，"
    "请向主管部门索取；受理条件、申请材料、办结时限、收费标准印为「请电话咨询」，设定依据不印",
    "data/services/guides.yaml:33:22: 警告：困难补贴申请 time_limit.promised_days: 承诺时限 15 天长于法定时限 10 天，"
    "请与办事指南核对",
]


def _with_guides(data: Path) -> None:
    (data / "services" / "guides.yaml").write_text(GUIDES, encoding="utf-8")
    with (data / "org.yaml").open("a", encoding="utf-8") as org:
        org.write(EVENTS)


@pytest.fixture
def guides(minimal: Path) -> Path:
    _with_guides(minimal)
    return minimal


def test_the_completeness_report_names_what_each_guide_lacks(guides: Path):
    result = run_cli("check", "--data", "data")
    assert result.code == 0, result.stderr
    assert result.stderr.splitlines()[:-1] == REPORT
    assert result.stderr.splitlines()[-1] == "共 3 个警告。"
    assert run_cli("check", "--strict", "--data", "data").code == 1


def test_a_list_of_materials_written_as_one_text_is_refused(guides: Path):
    path = guides / "services" / "guides.yaml"
    path.write_text(GUIDES.replace("materials: 无需材料", "materials: 身份证、户口簿"), encoding="utf-8")
    result = run_cli("check", "--data", "data")
    assert result.code == 1
    assert "data/services/guides.yaml:14:16: 居住证明开具 materials: 申请材料请逐条列出；确实不需要任何材料的写「无需材料」" \
        in result.stderr.splitlines()


@pytest.fixture(scope="module")
def reading(tmp_path_factory) -> Path:
    """The reading copy of the minimal data with GUIDES."""
    base = tmp_path_factory.mktemp("guides")
    data = base / "data"
    shutil.copytree(MINIMAL, data)
    _with_guides(data)
    result = run_cli("build", "--data", str(data), "--out", str(base / "out"))
    assert result.code == 0, result.stderr
    return base / "out" / book.READING_COPY


@pytest.fixture(scope="module")
def items(reading: Path) -> dict[str, str]:
    """The text of each item in the reading copy, by item name, without spaces."""
    text = re.sub(r"\s+", "", "".join(page_texts(reading)))
    names = ["最低生活保障申请", "婚姻登记预约", "困难补贴申请", "高龄津贴申请", "居住证明开具", "农村建房申请",
             "独生子女证明开具"]
    # An item's text runs from its heading (its name, and its aliases, right before 受理条件)
    # to the next one's; the last one's to the office directory.
    starts = {name: re.search(name + r"(（[^）]*）)?受理条件", text).start() for name in names}
    ends = sorted(starts.values()) + [text.index("站所目录", max(starts.values()))]
    return {name: text[start:ends[ends.index(start) + 1]] for name, start in starts.items()}


def test_what_a_guide_does_not_say_is_to_be_asked_not_claimed(items: dict[str, str]):
    unknown = items["婚姻登记预约"]
    ask = "请电话咨询13900000001"  # the number of the person to see, in the item's contact box too
    assert unknown.count(ask) == 4  # conditions, materials, time limit, fee
    assert "不收费" not in unknown and "无需提交材料" not in unknown
    assert "设定依据" not in unknown  # printed as nothing
    assert "办理流程网上预约。" in unknown


def test_no_papers_and_free_only_where_the_data_says_so(items: dict[str, str]):
    assert "无需提交材料" in items["居住证明开具"]
    assert "收费标准不收费" in items["居住证明开具"]
    assert "收费标准不收费" in items["困难补贴申请"]  # 「免费」 as written, as the booklet says it
    assert [name for name, text in items.items() if "无需提交材料" in text] == ["居住证明开具", "独生子女证明开具"]
    assert "请电话咨询" not in items["居住证明开具"] + items["困难补贴申请"]


def test_a_material_without_counts_is_printed_by_its_name(items: dict[str, str]):
    assert "收入证明户口簿原件1份" in items["困难补贴申请"]
    assert "承诺15个工作日内办结（法定10个工作日）" in items["困难补贴申请"]


def test_every_element_of_a_full_guide_is_printed(items: dict[str, str]):
    item = items["农村建房申请"]
    for element in ["办件类型承诺件", "受理时段每月1日至20日", "到场次数1次（最多跑一次）",
                    "建房申请表原件2张来源：村民委员会示范文本：窗口领取", "户口簿验原件，收复印件1份",
                    "宅基地使用证明原件及复印件",
                    "办结时限承诺20个工作日内办结；其中街道审核15个工作日，区里审批5个工作日",
                    "特殊环节", "公示5个工作日（不计入办结时限）",
                    "办理结果《乡村建设规划许可证》", "结果送达窗口领取或邮寄",
                    "咨询电话0571-80000202", "投诉电话0571-80000000",  # its own; the supervision phone
                    "网上办理手机相机扫码打开网页（不是拨号）", "问：可以代办吗？答：村代办员可上门代办。"]:
        assert element in item, element
    assert "jianfang-123" not in item  # the guide's source is the clerk's, not printed
    assert "咨询电话0571-80000101" in items["困难补贴申请"]  # its office's phone, as the item gives none
    assert "办结时限窗口当场办结，网上1个工作日内办结" in items["独生子女证明开具"]


def test_the_life_events_list_their_items_and_where_they_are(reading: Path):
    texts = page_texts(reading)
    [page] = [n for n, text in enumerate(texts) if text.startswith("按人生大事查找")]
    lines = texts[page].splitlines()
    # Each event that an item carries, its items in the booklet's order; 身后事 has none.
    listed = lines[lines.index("住房建房"):-1]
    headings = {name: next(n for n, text in enumerate(texts, 1) if name + "受理条件" in re.sub(r"\s+", "", text))
                for name in ["农村建房申请", "独生子女证明开具"]}
    assert [re.sub(r"[\s.]+", " ", line).strip() for line in listed] == [
        "住房建房", f"农村建房申请 {headings['农村建房申请']}",
        "养老", f"农村建房申请 {headings['农村建房申请']}", f"独生子女证明开具 {headings['独生子女证明开具']}"]
    assert "身后事" not in texts[page]
    assert "按人生大事查找" in texts[1]  # the guide points to it


def test_the_online_address_and_the_phones_decode_from_their_codes(reading: Path):
    decoded = {code.text for page in qr_codes(reading) for code in page}
    assert ONLINE in decoded
    assert {"tel:+8613900000001", "tel:+8613900000002"} <= decoded
    assert all(text.startswith(("tel:", "https://")) for text in decoded)


def test_no_text_runs_off_the_page(reading: Path):
    assert text_outside_trim(reading) == []


@pytest.mark.parametrize("copy", [book.READING_COPY, book.PRINT_COPY])
def test_no_text_of_the_demo_runs_off_the_page(demo_output: Path, copy: str):
    assert text_outside_trim(demo_output / copy) == []


def test_a_word_longer_than_a_line_on_a_plate_stays_on_the_plate(minimal: Path):
    cadres = minimal / "cadres.yaml"
    cadres.write_text(cadres.read_text(encoding="utf-8").replace("      - 高龄津贴申请受理", "      - " + "abcdefghij" * 30),
                      encoding="utf-8")
    result = run_cli("plates", "--data", "data", "--out", "output", "--station", "laoling")
    assert result.code == 0, result.stderr
    [plate] = (minimal.parent / "output").rglob("*.pdf")
    assert text_outside_trim(plate) == []


def test_a_time_limit_at_odds_with_itself_is_a_warning(guides: Path):
    path = guides / "services" / "guides.yaml"
    path.write_text(GUIDES.replace("        - {name: 区里审批, days: 5}", "        - {name: 区里审批, days: 10}")
                    .replace("handling_type: 承诺件", "handling_type: 即办件"), encoding="utf-8")
    result = run_cli("check", "--data", "data")
    assert result.code == 0, result.stderr
    lines = result.stderr.splitlines()
    assert "data/services/guides.yaml:41:20: 警告：农村建房申请 handling_type: 办件类型是即办件，办结时限却不是即办，请与办事指南核对" \
        in lines
    assert "data/services/guides.yaml:62:9: 警告：农村建房申请 time_limit.stages: 分段时限合计 25 天，长于办结时限 20 天，请与办事指南核对" \
        in lines
