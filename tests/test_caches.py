"""A cache never lies: an entry cut short, spoilt or swapped with another's is deleted, said,
and made again, and the build gives the same bytes as a build from nothing."""
from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from booklet import cachefile
from booklet.household.book import PRINT_COPY, READING_COPY

from conftest import run_cli


def test_spoilt_and_swapped_parts_are_laid_out_again(minimal_built: Path, workdir: Path):
    cache = workdir / "output" / ".cache"
    parts = sorted(p for p in cache.glob("*.pdf") if len(p.stem) == 64)
    assert len(parts) >= 4
    cut, spoilt, first, second = parts[:4]
    cut.write_bytes(cut.read_bytes()[:1000])
    spoilt.with_suffix(".json").write_text('{"pages": "many"}', encoding="utf-8")
    for suffix in (".pdf", ".json"):  # two entries swapped whole
        a, b = first.with_suffix(suffix), second.with_suffix(suffix)
        a_bytes, b_bytes = a.read_bytes(), b.read_bytes()
        a.write_bytes(b_bytes)
        b.write_bytes(a_bytes)
    assert json.loads(first.with_suffix(".json").read_text(encoding="utf-8"))["key"] == second.stem
    for name in (READING_COPY, PRINT_COPY):
        (workdir / "output" / name).unlink()  # so that the booklet is put together again

    result = run_cli("build", "--data", "data", "--out", "output")

    assert result.code == 0, result.stderr
    dropped = [line for line in result.stderr.splitlines() if line.startswith("缓存中的排版结果")]
    assert len(dropped) == 4 and all(line.endswith("已损坏，已删除并重新排版") for line in dropped)
    assert run_cli("build", "--data", "data", "--out", "fresh", "--force").code == 0
    for name in (READING_COPY, PRINT_COPY):
        assert (workdir / "output" / name).read_bytes() == (workdir / "fresh" / name).read_bytes(), name


def test_every_kept_record_that_is_not_whole_is_made_again(minimal_built: Path, workdir: Path):
    """What a build keeps for the next (booklet/cachefile.py): each cut short, spoilt, edited
    or of the wrong shape since is deleted, said, and worked out again."""
    cache = workdir / "output" / ".cache"
    pinyin = cache / "pinyin.json"
    pinyin.write_text(pinyin.read_text(encoding="utf-8").replace('"di"', '"a"'), encoding="utf-8")
    layout = cache / "layout-a5.json"
    layout.write_bytes(layout.read_bytes()[:40])
    (cache / "files.json").write_text('[{"version": 2}]', encoding="utf-8")
    (cache / "last-build.json").write_bytes(b"\x00" * 64)
    [photo] = cache.glob("photos/*.jpg")
    photo.write_bytes(photo.read_bytes()[:2000])
    for output in (workdir / "output").iterdir():  # so that every output is made again from the cache
        if output.is_file() and output.suffix == ".pdf" or output.is_dir() and output.name != ".cache":
            shutil.rmtree(output) if output.is_dir() else output.unlink()

    result = run_cli("build", "--data", "data", "--out", "output")

    assert result.code == 0, result.stderr
    said = result.stderr.splitlines()
    for name in ("pinyin.json", "layout-a5.json", "files.json", "last-build.json"):
        assert f"缓存文件 {name} 已损坏，已删除并重新生成" in said, said
    # The photo is prepared, and the spoilt copy said, by a process of the pool, whose stderr
    # the test's runner does not see: the copy is whole again.
    [photo] = cache.glob("photos/*.jpg")
    assert photo.stem.endswith(hashlib.sha256(photo.read_bytes()).hexdigest()[:32])
    assert run_cli("build", "--data", "data", "--out", "fresh", "--force").code == 0
    assert _outputs(workdir / "output") == _outputs(workdir / "fresh")


def _outputs(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*.pdf")) if ".cache" not in p.parts}


def test_a_record_from_before_records_were_sealed_is_dropped_without_alarm(tmp_path: Path, caplog):
    record = tmp_path / "layout-a5.json"
    record.write_text('{"cuts": {}, "heights": {}, "last": {}}', encoding="utf-8")  # as an earlier version wrote it

    assert cachefile.read(record) is None
    assert not record.exists() and caplog.records == []
