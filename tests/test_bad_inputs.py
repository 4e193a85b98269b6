"""The corpus of bad inputs: each case in tests/cases/ is tests/minimal with one thing broken.

A case folder holds the files it changes (under data/), optionally remove.txt (files to
delete) and expected.txt: exactly what `booklet build` must print on stderr.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import TESTS, run_cli

CASES = sorted(p for p in (TESTS / "cases").iterdir() if p.is_dir())


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_is_reported_and_nothing_is_written(case: Path, minimal: Path, workdir: Path):
    if (case / "data").is_dir():  # git keeps no empty folder: a removal-only case has none
        shutil.copytree(case / "data", minimal, dirs_exist_ok=True)
    removals = case / "remove.txt"
    if removals.exists():
        for name in removals.read_text().split():
            (minimal / name).unlink()

    result = run_cli("build", "--data", "data", "--out", "output")

    assert result.code == 1
    assert result.stderr.splitlines() == (case / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert "Traceback" not in result.stderr + result.stdout
    assert not (workdir / "output").exists()


def test_there_are_at_least_25_kinds_of_bad_input():
    assert len(CASES) >= 25


def test_every_case_names_a_file_and_line():
    for case in CASES:
        first = (case / "expected.txt").read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("data/"), case.name
        if case.name != "missing-file":
            assert first.split(":")[1].isdigit(), case.name


def test_all_problems_of_all_files_are_reported_at_once(minimal: Path):
    (minimal / "cadres.yaml").write_text(
        (minimal / "cadres.yaml").read_text(encoding="utf-8").replace("139 0000 0001", "1380000"),
        encoding="utf-8")
    (minimal / "stations.yaml").write_text(
        (minimal / "stations.yaml").read_text(encoding="utf-8").replace("0571-8000 0101", "0571-123"),
        encoding="utf-8")
    (minimal / "services" / "jiuzhu.yaml").write_text(
        (minimal / "services" / "jiuzhu.yaml").read_text(encoding="utf-8").replace("    fee: 不收费\n    basis:\n      - 示例省", "    fee: [1]\n    basis:\n      - 示例省"),
        encoding="utf-8")

    result = run_cli("check", "--data", "data")

    assert result.code == 1
    lines = result.stderr.splitlines()
    assert any(line.startswith("data/cadres.yaml:8:13: 张三 mobile:") for line in lines)
    assert any(line.startswith("data/stations.yaml:5:12: 民政办 phone:") for line in lines)
    assert any(line.startswith("data/services/jiuzhu.yaml:37:10: 高龄津贴申请 fee:") for line in lines)
    assert lines[-1] == "共 3 个错误，未生成任何文件。"


def test_strict_turns_warnings_into_failure(minimal: Path):
    text = (minimal / "cadres.yaml").read_text(encoding="utf-8")
    (minimal / "cadres.yaml").write_text(text.replace("    photo: photos/zhangsan.jpg\n  - id: lisi", "  - id: lisi"),
                                         encoding="utf-8")

    relaxed = run_cli("check", "--data", "data")
    strict = run_cli("check", "--data", "data", "--strict")

    warning = "data/cadres.yaml:3:11: 警告：张三: 没有照片，便民身份证上将印占位图"
    assert relaxed.code == 0 and warning in relaxed.stderr.splitlines()
    assert strict.code == 1 and warning in strict.stderr.splitlines()


@pytest.mark.parametrize("edit, warning", [
    (("cadres.yaml", "139 0000 0002", "139 0000 0001"),
     "data/cadres.yaml:17:13: 警告：李四 mobile: 与 张三 的手机号码相同"),
    (("services/jiuzhu.yaml", "handlers: [lisi]", "handlers: [lisi, zhangsan]"),
     "data/services/jiuzhu.yaml:27:22: 警告：高龄津贴申请 handlers[2]: 经办人 张三 属于民政办，不在受理站所老龄办"),
    (("stations.yaml", "remit: 负责高龄津贴等老龄事务。",
      "remit: 负责高龄津贴等老龄事务。\n  - id: kong\n    name: 空站所\n    room: 三楼\n    remit: 暂无。"),
     "data/stations.yaml:12:9: 警告：空站所: 这个站所没有干部"),
])
def test_warnings_do_not_fail(minimal: Path, edit, warning):
    name, old, new = edit
    path = minimal / name
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")

    result = run_cli("check", "--data", "data")

    assert result.code == 0
    assert warning in result.stderr.splitlines()


def test_a_photo_linked_from_outside_data_is_refused(minimal: Path, workdir: Path):
    outside = workdir / "elsewhere.jpg"
    outside.write_bytes((minimal / "photos" / "zhangsan.jpg").read_bytes())
    (minimal / "photos" / "linked.jpg").symlink_to(outside)
    cadres = minimal / "cadres.yaml"
    cadres.write_text(cadres.read_text(encoding="utf-8").replace(
        "    photo: photos/zhangsan.jpg\n  - id: lisi", "    photo: photos/linked.jpg\n  - id: lisi"), encoding="utf-8")

    result = run_cli("check", "--data", "data")

    assert result.code == 1
    assert result.stderr.splitlines()[0] == (
        "data/cadres.yaml:10:12: 张三 photo: 照片「photos/linked.jpg」是指向 data 目录外的链接：请把照片本身放进 data/photos/")


def test_a_tiny_photo_is_a_warning(minimal: Path):
    from PIL import Image

    Image.new("RGB", (1, 1)).save(minimal / "photos" / "zhangsan.jpg")
    result = run_cli("check", "--data", "data")
    assert result.code == 0
    assert "data/cadres.yaml:10:12: 警告：张三 photo: 照片只有 1×1 像素，印出来会模糊（至少 300×400）" in result.stderr.splitlines()


def test_broken_photos_decoded_side_by_side_are_each_named_and_pillow_is_left_as_it_was(minimal: Path):
    """Photos are decoded a few at a time, in threads, under Pillow's strict settings, which
    are the whole process's: each broken one is named, and the settings are put back once."""
    from PIL import Image, ImageFile

    settings = Image.MAX_IMAGE_PIXELS, ImageFile.LOAD_TRUNCATED_IMAGES
    whole = (minimal / "photos" / "zhangsan.jpg").read_bytes()
    (minimal / "photos" / "zhangsan.jpg").write_bytes(whole[:len(whole) // 2])
    (minimal / "photos" / "lisi.jpg").write_text("不是照片", encoding="utf-8")
    cadres = minimal / "cadres.yaml"
    text = cadres.read_text(encoding="utf-8")
    cadres.write_text(text[::-1].replace("gpj.nasgnahz/sotohp", "gpj.isil/sotohp", 1)[::-1], encoding="utf-8")

    result = run_cli("check", "--data", "data")

    assert result.code == 1
    assert result.stderr.splitlines()[:2] == [
        "data/cadres.yaml:10:12: 张三 photo: 照片「photos/zhangsan.jpg」已损坏或不完整，无法读取：请重新拷贝或导出这张照片",
        "data/cadres.yaml:18:12: 李四 photo: 「photos/lisi.jpg」不是图片文件，无法打开",
    ]
    assert (Image.MAX_IMAGE_PIXELS, ImageFile.LOAD_TRUNCATED_IMAGES) == settings
