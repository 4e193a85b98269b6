"""Nothing outside --out is ever written or deleted by a build, whatever the output folder's
own files say (its manifest can be edited by anyone) or wherever its folders lead."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from booklet.manifest import FILENAME

from conftest import run_cli


@pytest.fixture
def built(minimal_built: Path) -> Path:
    return minimal_built


def _change_a_phone(data: Path) -> None:
    """So that the next build has something to write (with nothing changed, it reads nothing)."""
    org = data / "org.yaml"
    org.write_text(org.read_text(encoding="utf-8").replace("0571-8000 0000", "0571-8000 0009"), encoding="utf-8")


def test_names_in_the_manifest_that_lead_out_of_the_folder_are_ignored(built: Path, minimal: Path, workdir: Path):
    manifest = built / FILENAME
    entries = json.loads(manifest.read_text(encoding="utf-8"))
    entry = next(iter(entries.values()))
    outside = workdir / "elsewhere.pdf"
    outside.write_text("keep", encoding="utf-8")
    escapes = ["便民身份证/../../data/cadres.yaml", str(minimal / "org.yaml"), f"联系卡/../../{outside.name}"]
    manifest.write_text(json.dumps({**entries, **{name: entry for name in escapes}}, ensure_ascii=False),
                        encoding="utf-8")
    _change_a_phone(minimal)

    result = run_cli("build", "--data", "data", "--out", "output")

    assert result.code == 0, result.stderr
    assert (minimal / "cadres.yaml").is_file() and (minimal / "org.yaml").is_file() and outside.is_file()
    for name in escapes:
        assert f"警告：output/{FILENAME} 中的「{name}」不是输出目录里的文件，已忽略" in result.stderr
    assert not set(escapes) & set(json.loads(manifest.read_text(encoding="utf-8")))


@pytest.mark.parametrize("folder", ["联系卡", ".cache"])
def test_a_folder_of_the_output_that_links_elsewhere_is_not_written_through(built: Path, workdir: Path, folder):
    elsewhere = workdir / "elsewhere"
    elsewhere.mkdir()
    before = {p.name for p in (built / folder).iterdir()}
    for path in (built / folder).iterdir():
        path.rename(elsewhere / path.name)
    (built / folder).rmdir()
    (built / folder).symlink_to(elsewhere)
    (elsewhere / "x.pdf").write_text("keep", encoding="utf-8")
    _change_a_phone(workdir / "data")

    result = run_cli("build", "--data", "data", "--out", "output")

    assert result.code == 5
    assert f"「output/{folder}" in result.stderr and "经过链接指向输出目录以外，不能写入" in result.stderr
    assert {p.name for p in elsewhere.iterdir()} == before | {"x.pdf"}
    assert all(p.stat().st_mtime <= (elsewhere / "x.pdf").stat().st_mtime for p in elsewhere.iterdir())


@pytest.mark.parametrize("out", ["data", "data/输出"])
def test_an_output_folder_in_the_data_folder_is_refused(minimal: Path, out: str):
    before = sorted(p.relative_to(minimal) for p in minimal.rglob("*"))
    for command in ("build", "plates", "cards"):
        result = run_cli(command, "--data", "data", "--out", out)
        assert result.code == 2, command
        assert f"错误：输出目录 {out} 在数据目录 data 里面（或就是它），生成的文件会混进数据" in result.stderr
    assert sorted(p.relative_to(minimal) for p in minimal.rglob("*")) == before


FORGED = [
    {"folder": ".staging-out", "staged": "victim.pdf", "filename": "stolen.pdf"},  # a staging folder linked elsewhere
    {"folder": ".staging-in", "staged": "../../victim.pdf", "filename": "stolen.pdf"},
    {"folder": "../.staging-in", "staged": "victim.pdf", "filename": "stolen.pdf"},
    {"folder": ".staging-in", "staged": "victim.pdf", "filename": ".cache/build.lock"},
    {"folder": ".staging-in", "staged": "victim.pdf", "filename": "../stolen.pdf"},
    {"folder": ".staging-in", "staged": "victim.pdf", "filename": "便民身份证"},  # a folder of ours
    {"folder": ".staging-in", "staged": "fifo.pdf", "filename": "stolen.pdf"},
    {"folder": ".staging-\0in", "staged": "victim\0.pdf", "filename": "stolen\0.pdf"},
]


def _forge(out: Path, outside: Path, forged: dict) -> Path:
    """A record of moves (journal.py) as a build killed while moving would leave it, but naming
    what no build of ours stages: sealed, for anyone can seal. Returns the file it would steal."""
    import hashlib
    import os

    from booklet import cachefile
    from booklet.journal import JOURNAL

    outside.mkdir()
    victim = outside / "victim.pdf"
    victim.write_bytes(b"%PDF-1.7 the clerk's own file")
    (out / ".staging-out").symlink_to(outside)
    (out / ".staging-in").mkdir()
    os.mkfifo(out / ".staging-in" / "fifo.pdf")  # read, it would never end
    (out / "便民身份证").mkdir(exist_ok=True)
    move = {**forged, "sha256": hashlib.sha256(victim.read_bytes()).hexdigest(), "inputs": "x"}
    folder = move.pop("folder")
    cachefile.write(out / ".cache" / JOURNAL, {"folder": folder, "moves": [move]})
    return victim


@pytest.mark.parametrize("forged", FORGED, ids=["linked-folder", "climbing-staged", "climbing-folder", "hidden-target",
                                                "climbing-target", "folder-target", "fifo", "nul"])
def test_a_forged_record_of_moves_moves_nothing_from_or_to_elsewhere(tmp_path: Path, forged: dict):
    from booklet.journal import JOURNAL, finish_moving

    out = tmp_path / "output"
    (out / ".cache").mkdir(parents=True)
    victim = _forge(out, tmp_path / "outside", forged)

    assert finish_moving(out) == ([], [])
    assert victim.read_bytes() == b"%PDF-1.7 the clerk's own file"
    assert not (out / "stolen.pdf").exists() and not (tmp_path / "stolen.pdf").exists()
    assert (out / "便民身份证").is_dir() and not (out / ".cache" / JOURNAL).exists()


def test_a_build_finds_a_forged_record_of_moves_and_leaves_what_it_names(built: Path, minimal: Path, workdir: Path):
    victim = _forge(built, workdir / "outside", FORGED[0])
    _change_a_phone(minimal)

    result = run_cli("build", "--data", "data", "--out", "output")

    assert result.code == 0, result.stderr
    assert victim.read_bytes() == b"%PDF-1.7 the clerk's own file" and not (built / "stolen.pdf").exists()
    assert "上次生成在放入文件时被中断" not in result.stderr
    assert "警告：output/.cache/moving.json 中的「stolen.pdf」不是生成时暂存的文件，已忽略（这个记录文件可能被改动过）" \
        in result.stderr.splitlines()
