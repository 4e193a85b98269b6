"""What a service guide does not say is not printed as if it did: the completeness report, and
the booklet read back from the real PDF."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from booklet.household import book

from conftest import MINIMAL, run_cli
from pdfread import page_texts

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
"""

REPORT = [
    "data/services/guides.yaml:3:11: 警告：婚姻登记预约: 办事指南缺少受理条件、申请材料、办结时限、收费标准、设定依据，"
    "请向主管部门索取；受理条件、申请材料、办结时限、收费标准印为「请电话咨询」，设定依据不印",
    "data/services/guides.yaml:33:22: 警告：困难补贴申请 time_limit.promised_days: 承诺时限 15 天长于法定时限 10 天，"
    "请与办事指南核对",
]


@pytest.fixture
def guides(minimal: Path) -> Path:
    (minimal / "services" / "guides.yaml").write_text(GUIDES, encoding="utf-8")
    return minimal


def test_the_completeness_report_names_what_each_guide_lacks(guides: Path):
    result = run_cli("check", "--data", "data")
    assert result.code == 0, result.stderr
    assert result.stderr.splitlines()[:-1] == REPORT
    assert result.stderr.splitlines()[-1] == "共 2 个警告。"
    assert run_cli("check", "--strict", "--data", "data").code == 1


def test_a_list_of_materials_written_as_one_text_is_refused(guides: Path):
    path = guides / "services" / "guides.yaml"
    path.write_text(GUIDES.replace("materials: 无需材料", "materials: 身份证、户口簿"), encoding="utf-8")
    result = run_cli("check", "--data", "data")
    assert result.code == 1
    assert "data/services/guides.yaml:14:16: 居住证明开具 materials: 申请材料请逐条列出；确实不需要任何材料的写「无需材料」" \
        in result.stderr.splitlines()


@pytest.fixture(scope="module")
def items(tmp_path_factory) -> dict[str, str]:
    """The text of each item in the reading copy of the data with GUIDES, by item name."""
    base = tmp_path_factory.mktemp("guides")
    data = base / "data"
    shutil.copytree(MINIMAL, data)
    (data / "services" / "guides.yaml").write_text(GUIDES, encoding="utf-8")
    result = run_cli("build", "--data", str(data), "--out", str(base / "out"))
    assert result.code == 0, result.stderr
    text = re.sub(r"\s+", "", "".join(page_texts(base / "out" / book.READING_COPY)))
    names = ["最低生活保障申请", "婚姻登记预约", "困难补贴申请", "高龄津贴申请", "居住证明开具"]
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
    assert sum("无需提交材料" in text for text in items.values()) == 1
    assert "请电话咨询" not in items["居住证明开具"] + items["困难补贴申请"]


def test_a_material_without_counts_is_printed_by_its_name(items: dict[str, str]):
    assert "收入证明户口簿原件1份" in items["困难补贴申请"]
    assert "承诺15个工作日内办结（法定10个工作日）" in items["困难补贴申请"]
