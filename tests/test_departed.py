"""A handler who is no longer in cadres.yaml: someone who has left is said to have left, with
what they still handle and who could take it over; a typo is matched only within the office."""
from __future__ import annotations

from pathlib import Path

from conftest import run_cli

OFFICE = """\
  - id: zhangwei
    name: 张伟
    station: laoling
    post: 老龄专干
    duties: [老龄事务]
    mobile: 139 0000 0003
"""


def _handlers(minimal: Path, handlers: str) -> None:
    path = minimal / "services" / "jiuzhu.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("handlers: [lisi]", f"handlers: [{handlers}]"),
                    encoding="utf-8")


def _errors(minimal: Path) -> list[str]:
    result = run_cli("check", "--data", "data")
    assert result.code == 1
    return [line for line in result.stderr.splitlines() if "handlers" in line]


def test_a_look_alike_in_another_office_is_not_suggested(minimal: Path):
    # zhangsan works in 民政办; 高龄津贴 is 老龄办's. zhangshan is not a typo for him.
    _handlers(minimal, "lisi, zhangshan")
    assert _errors(minimal) == [
        "data/services/jiuzhu.yaml:27:22: 高龄津贴申请 handlers[2]: 干部「zhangshan」不在 cadres.yaml 中，"
        "但仍是 1 个事项的经办人（高龄津贴申请）；可改为老龄办的：lisi（李四，老龄专干）"]


def test_a_look_alike_in_the_same_office_is_suggested(minimal: Path):
    cadres = minimal / "cadres.yaml"
    cadres.write_text(cadres.read_text(encoding="utf-8") + OFFICE, encoding="utf-8")
    _handlers(minimal, "lisi, zhangwie")
    assert _errors(minimal) == [
        "data/services/jiuzhu.yaml:27:22: 高龄津贴申请 handlers[2]: 干部编号「zhangwie」不存在，是不是「zhangwei」？"]


def test_someone_in_the_last_edition_has_left(minimal: Path):
    cadres = minimal / "cadres.yaml"
    cadres.write_text(cadres.read_text(encoding="utf-8") + OFFICE, encoding="utf-8")
    _handlers(minimal, "lisi, zhangwei")
    assert run_cli("release", "--data", "data").code == 0
    # 张伟 leaves; a colleague's id looks like his, but he was printed in the edition: he has left.
    cadres.write_text(cadres.read_text(encoding="utf-8").replace(OFFICE, OFFICE.replace("zhangwei", "zhangwen")
                                                                 .replace("张伟", "张文")), encoding="utf-8")
    assert _errors(minimal) == [
        "data/services/jiuzhu.yaml:27:22: 高龄津贴申请 handlers[2]: 干部「zhangwei」（张伟）印在第 1 版一本通上，"
        "已不在 cadres.yaml 中，可能已离开；仍是 1 个事项的经办人（高龄津贴申请）；"
        "可改为老龄办的：lisi（李四，老龄专干）、zhangwen（张文，老龄专干）"]


def test_someone_whose_photo_is_still_there_has_left(minimal: Path):
    (minimal / "photos" / "lisi.jpg").write_bytes((minimal / "photos" / "zhangsan.jpg").read_bytes())
    cadres = minimal / "cadres.yaml"
    text = cadres.read_text(encoding="utf-8")
    cadres.write_text(text[:text.index("  - id: lisi")] + OFFICE.replace("zhangwei", "lisa"), encoding="utf-8")
    assert _errors(minimal) == [
        "data/services/jiuzhu.yaml:27:16: 高龄津贴申请 handlers[1]: 干部「lisi」在 photos/ 中还有照片，"
        "已不在 cadres.yaml 中，可能已离开；仍是 1 个事项的经办人（高龄津贴申请）；可改为老龄办的：lisa（张伟，老龄专干）"]
