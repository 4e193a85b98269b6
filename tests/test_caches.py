"""A cache never lies: an entry cut short, spoilt or swapped with another's is deleted, said,
and made again, and the build gives the same bytes as a build from nothing."""
from __future__ import annotations

import json
from pathlib import Path

from booklet.household.book import PRINT_COPY, READING_COPY

from conftest import run_cli


def test_spoilt_and_swapped_parts_are_laid_out_again(minimal: Path, workdir: Path):
    assert run_cli("build", "--data", "data", "--out", "output").code == 0
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
