"""Photos as cameras and phones write them pass the check; those whose image data is not all
there are refused (the cases in tests/cases/photo-*)."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from conftest import run_cli


def _photo(**options) -> bytes:
    image = Image.radial_gradient("L").resize((600, 800)).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", **options)
    return buffer.getvalue()


@pytest.mark.parametrize("content", [
    _photo(quality=95),
    _photo(quality=30, progressive=True, optimize=True),
    _photo(quality=90, restart_marker_rows=1),
    _photo(quality=95)[:-2] + bytes(100) + b"\xff\xd9",  # padded before its end marker, as some encoders do
    _photo(quality=95) + b"trailing data a phone appends",
], ids=["plain", "progressive", "restart-markers", "padded", "trailer"])
def test_a_sound_jpeg_passes(minimal: Path, content: bytes):
    (minimal / "photos" / "zhangsan.jpg").write_bytes(content)

    result = run_cli("check", "--data", "data")

    assert result.code == 0, result.stderr
