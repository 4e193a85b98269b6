"""YAML 1.1 traps: what a clerk writes without quotes must mean what the clerk meant."""
from __future__ import annotations

from pathlib import Path

from booklet.data.load import load

from conftest import run_cli


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_unquoted_landline_with_leading_zero_keeps_its_zero(minimal: Path):
    # YAML 1.1 reads 057180000101 as an octal-looking int and drops the zero.
    _edit(minimal / "stations.yaml", "phone: 0571-8000 0101", "phone: 057180000101")
    project = load(minimal)
    assert str(project.stations[0].phone) == "0571-8000 0101"


def test_unquoted_mobile_is_text_not_a_number(minimal: Path):
    _edit(minimal / "cadres.yaml", "mobile: 139 0000 0001", "mobile: 13900000001")
    assert str(load(minimal).cadres[0].mobile) == "139 0000 0001"


def test_clock_times_are_not_base_60(minimal: Path):
    # 8:30 is 510 in YAML 1.1; the hours must print as written.
    _edit(minimal / "stations.yaml", "hours: 周一至周五 9:00-17:00", "hours: 8:30")
    assert load(minimal).stations[1].hours == "8:30"


def test_no_and_yes_stay_words_in_text_and_are_booleans_where_declared(minimal: Path):
    _edit(minimal / "cadres.yaml", "post: 老龄专干", "post: no")
    _edit(minimal / "services/jiuzhu.yaml", "      immediate: 是", "      immediate: yes")
    _edit(minimal / "services/jiuzhu.yaml", "    handlers: [zhangsan]", "    handlers: [zhangsan]\n    proxy: no")
    project = load(minimal)
    assert project.cadres[1].post == "no"
    assert project.services[1].time_limit.immediate is True
    assert project.services[0].proxy is False


def test_leading_zero_numbers_are_decimal_not_octal(minimal: Path):
    # 010 is 8 in YAML 1.1; the clerk meant ten.
    _edit(minimal / "cadres.yaml", "    photo: photos/zhangsan.jpg\n  - id: lisi",
          "    photo: photos/zhangsan.jpg\n    order: 010\n  - id: lisi")
    _edit(minimal / "org.yaml", 'area_code: "0571"', "area_code: 0571\npostcode: 012345")
    project = load(minimal)
    assert project.cadres[0].order == 10
    assert project.org.postcode == "012345"
    assert project.org.area_code == "0571"


def test_landline_without_area_code_takes_the_org_area_code(minimal: Path):
    _edit(minimal / "stations.yaml", "phone: 0571-8000 0101", "phone: 8000 0101")
    assert str(load(minimal).stations[0].phone) == "0571-8000 0101"


def test_traps_pass_check(minimal: Path):
    _edit(minimal / "stations.yaml", "phone: 0571-8000 0101", "phone: 057180000101")
    _edit(minimal / "stations.yaml", "hours: 周一至周五 9:00-17:00", "hours: 8:30-17:00")
    result = run_cli("check", "--data", "data")
    assert result.code == 0, result.stderr


def test_full_width_digits_are_read_as_numbers(minimal: Path):
    _edit(minimal / "services/jiuzhu.yaml", "      promised_days: 20", "      promised_days: ２０")
    assert load(minimal).services[0].time_limit.promised_days == 20


def test_400_numbers_are_accepted_where_a_hotline_is(minimal: Path):
    _edit(minimal / "org.yaml", "  phone: 0571-8000 0000", "  phone: 400-123-4567")
    assert str(load(minimal).org.supervision.phone) == "400-123-4567"
