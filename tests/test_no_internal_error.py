"""Set-ups that once ended in 「内部错误」 (exit 70): each now gets a message in Chinese that
names the file, and the exit code of its kind (booklet/status.py), without a traceback."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from booklet import paths
from booklet.data import checks
from booklet.status import Exit

from conftest import MINIMAL, TESTS, Run, run_cli


def _said(result: Run, code: Exit, *lines: str) -> None:
    assert result.code == code, result.stderr
    for line in lines:
        assert line in result.stderr.splitlines(), result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert "内部错误" not in result.stderr


# --- data nested hundreds deep --------------------------------------------------------------

def test_a_value_nested_hundreds_deep_is_said_where_it_goes_too_deep(minimal: Path):
    cadres = minimal / "cadres.yaml"
    text = cadres.read_text(encoding="utf-8")
    cadres.write_text(text.replace("      - 高龄津贴申请受理\n", "      - " + "[" * 700 + "]" * 700 + "\n"), encoding="utf-8")

    _said(run_cli("check", "--data", "data"), Exit.INVALID_DATA,
          "data/cadres.yaml:16:25: 数据嵌套超过 20 层：这里的列表或字段套得太深了，数据文件不会这样写，"
          "请检查缩进和方括号、花括号是否配对")


def test_a_value_nested_thousands_deep_is_said_for_its_file(minimal: Path):
    with (minimal / "org.yaml").open("a", encoding="utf-8") as org:
        org.write("remedy: " + "[" * 5000 + "]" * 5000 + "\n")

    _said(run_cli("check", "--data", "data"), Exit.INVALID_DATA, "data/org.yaml: 数据嵌套太深，无法读取")


def test_a_number_of_thousands_of_digits_is_said_short(minimal: Path):
    org = minimal / "org.yaml"
    org.write_text(org.read_text(encoding="utf-8").replace("  number: 1", "  number: " + "9" * 5000), encoding="utf-8")

    _said(run_cli("check", "--data", "data"), Exit.INVALID_DATA,
          f"data/org.yaml:7:11: edition.number: 「{'9' * 40}…（共 5000 个字）」这个数太大了")


# --- photos that are links going round --------------------------------------------------------

@pytest.mark.parametrize("loop", [["zhangsan.jpg"], ["b.jpg", "zhangsan.jpg"]], ids=["itself", "two"])
def test_a_photo_linked_round_in_a_circle(minimal: Path, loop: list[str]):
    photos = minimal / "photos"
    (photos / "zhangsan.jpg").unlink()
    for name, target in zip(["zhangsan.jpg", *loop[:-1]], loop):
        (photos / name).symlink_to(target)

    _said(run_cli("build", "--data", "data", "--out", "output"), Exit.INVALID_DATA,
          "data/cadres.yaml:10:12: 张三 photo: 照片「photos/zhangsan.jpg」是链接，而且链接绕成了一个圈，指不到照片文件："
          "请换成照片文件本身")


# --- rosters --------------------------------------------------------------------------------

def _roster(path: Path, last_row: int | None = None) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["姓名", "站所", "职务", "手机"])
    book.active.append(["张三", "民政办", "民政办副主任", "13900000001"])  # one change to write
    book.active.append(["李四", "老龄办", "老龄专干", "13900000002"])
    book.save(path)
    if last_row is not None:  # a cell past what Excel allows: written into the sheet's XML
        spoilt = path.with_suffix(".tmp")
        with zipfile.ZipFile(path) as source, zipfile.ZipFile(spoilt, "w") as target:
            for item in source.infolist():
                data = source.read(item.filename)
                if item.filename == "xl/worksheets/sheet1.xml":
                    cell = f'<row r="{last_row}"><c r="A{last_row}" t="inlineStr"><is><t>x</t></is></c></row>'
                    data = data.replace(b"</sheetData>", cell.encode() + b"</sheetData>")
                target.writestr(item, data)
        spoilt.replace(path)
    return path


def test_a_roster_with_a_cell_past_the_last_row_excel_has(minimal: Path, workdir: Path):
    _roster(workdir / "花名册.xlsx", last_row=1_048_577)

    _said(run_cli("import", "花名册.xlsx", "--data", "data"), Exit.INVALID_DATA,
          "错误：花名册.xlsx 工作表「Sheet」写到了第 1048577 行，超出了 Excel 的行数上限（1048576 行）："
          "这个文件已损坏，请在 Excel 或 WPS 中另存一份再导入")


def test_a_roster_with_a_mark_far_below_its_people(minimal: Path, workdir: Path):
    _roster(workdir / "花名册.xlsx", last_row=200_000)

    _said(run_cli("import", "花名册.xlsx", "--data", "data"), Exit.INVALID_DATA,
          "错误：花名册.xlsx 工作表「Sheet」有 200000 行，最多 10000 行：如果表格下方有不用的内容或格式，"
          "请选中这些行删除后再导入")


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04 not a zip", os.urandom(3000)], ids=["empty", "cut", "garbage"])
def test_a_roster_that_is_no_workbook(minimal: Path, workdir: Path, content: bytes):
    (workdir / "花名册.xlsx").write_bytes(content)

    _said(run_cli("import", "花名册.xlsx", "--data", "data"), Exit.INVALID_DATA,
          "错误：花名册.xlsx 不是能打开的 Excel 文件（.xlsx）：请在 Excel 或 WPS 中打开它，"
          "另存为「Excel 工作簿（*.xlsx）」后再导入")


def test_a_roster_of_chart_sheets_only(minimal: Path, workdir: Path):
    shutil.copy(TESTS / "chart-sheet-only.xlsx", workdir / "花名册.xlsx")  # its one sheet a chart (made by openpyxl)

    _said(run_cli("import", "花名册.xlsx", "--data", "data"), Exit.INVALID_DATA,
          "错误：花名册.xlsx 里没有表格（只有图表）：请把花名册放在第一张工作表中")


def test_a_roster_that_is_not_there(minimal: Path):
    _said(run_cli("import", "花名册.xlsx", "--data", "data"), Exit.INVALID_DATA,
          "错误：花名册.xlsx 不存在或不是文件：请写 Excel 文件的路径，如 数据汇总.xlsx")


# --- edition files --------------------------------------------------------------------------

SPOILT = ("错误：data/editions/第1版.json：这个版次文件已损坏或被改动过，与 release 写下时不同；"
          "请从备份中找回它（changes 要靠它比较上一版印了什么）")


@pytest.mark.parametrize("spoil", [
    lambda raw: os.urandom(300),
    lambda raw: raw[: len(raw) // 2],
    lambda raw: b"[1, 2]",
    lambda raw: b'{"sha256": "0", "content": {"cadres": 5}}',
    lambda raw: raw.replace("张三".encode(), "张四".encode()),
], ids=["garbage", "truncated", "wrong-shape", "wrong-shape-sealed", "edited"])
def test_an_edition_file_not_as_release_wrote_it(minimal: Path, spoil):
    assert run_cli("release", "--data", "data").code == 0
    edition = minimal / "editions" / "第1版.json"
    edition.write_bytes(spoil(edition.read_bytes()))

    _said(run_cli("changes", "--data", "data", "--out", "output"), Exit.INVALID_DATA, SPOILT)
    _said(run_cli("release", "--data", "data"), Exit.INVALID_DATA, SPOILT)


def test_an_edition_released_before_editions_were_sealed_is_compared_as_it_is(minimal: Path):
    import json

    from booklet import cachefile

    assert run_cli("release", "--data", "data").code == 0
    edition = minimal / "editions" / "第1版.json"
    edition.write_text(json.dumps(cachefile.read(edition), ensure_ascii=False), encoding="utf-8")  # as it was written
    cadres = minimal / "cadres.yaml"
    cadres.write_text(cadres.read_text(encoding="utf-8").replace("139 0000 0001", "139 0000 0009"), encoding="utf-8")

    result = run_cli("changes", "--data", "data", "--out", "output")

    _said(result, Exit.OK)
    assert "  变更：张三：手机号码 139 0000 0001 → 139 0000 0009" in result.stdout.splitlines()


@pytest.mark.parametrize("name", ["第一版.json", "第1版 - 副本.json", "第x版.json"])
def test_an_edition_file_renamed(minimal: Path, name: str):
    assert run_cli("release", "--data", "data").code == 0
    (minimal / "editions" / "第1版.json").rename(minimal / "editions" / name)

    _said(run_cli("changes", "--data", "data", "--out", "output"), Exit.INVALID_DATA,
          f"错误：data/editions/{name}：版次文件应叫「第1版.json」这样的名字（release 写下时的名字），请改回原名；"
          "不是版次的文件请移出这个文件夹")


# --- a data folder that cannot be written ---------------------------------------------------

def _unprivileged(args: list[str], cwd: Path) -> Run:
    """`booklet args` held to the files' permissions: root, which may write anything, is run
    without its capabilities (not as another user, who might not be let into the project)."""
    prefix = ["setpriv", "--bounding-set=-all", "--inh-caps=-all"] if os.geteuid() == 0 else []
    done = subprocess.run([*prefix, sys.executable, "-m", "booklet", *args], cwd=cwd, capture_output=True,
                          text=True, check=False)
    return Run(done.returncode, done.stdout, done.stderr)


@pytest.fixture
def read_only_data(tmp_path: Path):
    """A copy of tests/minimal at ./data that no one may write, and a roster beside it."""
    shutil.copytree(MINIMAL, tmp_path / "data")
    _roster(tmp_path / "花名册.xlsx")
    (tmp_path / "data" / "cadres.yaml").chmod(0o444)
    (tmp_path / "data").chmod(0o555)
    yield tmp_path
    (tmp_path / "data").chmod(0o755)  # for pytest to clear it away


def test_release_into_a_data_folder_that_cannot_be_written(read_only_data: Path):
    result = _unprivileged(["release", "--data", "data"], read_only_data)

    _said(result, Exit.WRITE_FAILED, "错误：无法写入 data/editions：没有权限；这一版没有记录下来")


def test_import_into_a_data_folder_that_cannot_be_written(read_only_data: Path):
    result = _unprivileged(["import", "花名册.xlsx", "--data", "data", "--apply"], read_only_data)

    _said(result, Exit.WRITE_FAILED, "错误：无法写入 data/cadres.yaml：没有权限；数据没有改动")
    assert (read_only_data / "data" / "cadres.yaml").read_bytes() == (MINIMAL / "cadres.yaml").read_bytes()


# --- the fonts folder -----------------------------------------------------------------------

@pytest.fixture
def fonts_copy(tmp_path: Path, monkeypatch) -> Path:
    """A copy of fonts/, used in its place by every command."""
    copy = tmp_path / "fonts"
    shutil.copytree(paths.FONTS, copy)
    monkeypatch.setattr(paths, "FONTS", copy)
    monkeypatch.setattr(checks, "FONTS", copy)
    return copy


def _no_config(copy: Path) -> None:
    (copy / paths.FONT_CONFIG).unlink()


def _deleted(copy: Path) -> None:
    shutil.rmtree(copy)


def _emptied(copy: Path) -> None:
    for path in copy.iterdir():
        path.unlink()


NO_CONFIG = "不见了：它是项目自带的文件，不是安装出来的；请用 git checkout -- fonts/fonts.conf 恢复，或重新下载项目"


@pytest.mark.parametrize("spoil", [_no_config, _deleted, _emptied])
@pytest.mark.parametrize("command", [["build", "--data", "data", "--out", "output"], ["check", "--data", "data"],
                                     ["fonts"]], ids=["build", "check", "fonts"])
def test_a_fonts_folder_without_its_configuration(minimal: Path, fonts_copy: Path, spoil, command: list[str]):
    spoil(fonts_copy)

    result = run_cli(*command)

    _said(result, Exit.SETUP)
    assert result.stderr == f"错误：{fonts_copy / paths.FONT_CONFIG} {NO_CONFIG}\n"


def test_a_fonts_folder_without_its_fonts(minimal: Path, fonts_copy: Path):
    for font in fonts_copy.glob("*.otf"):
        font.unlink()

    result = run_cli("build", "--data", "data", "--out", "output")

    _said(result, Exit.SETUP)
    assert re.fullmatch(rf"错误：{re.escape(str(fonts_copy))} 中缺少字体 .*：请先运行 make booklet（或 booklet fonts）安装字体\n",
                        result.stderr)
