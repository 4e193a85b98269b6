"""Staff photos: where a path may point, and whether the file is a photo we can print."""
from __future__ import annotations

import contextlib
from pathlib import Path

from PIL import Image, UnidentifiedImageError

# A phone photo is 12–50 MP; anything far larger is a mistake or a decompression bomb.
MAX_PIXELS = 60_000_000
FORMATS = {"JPEG", "PNG"}


@contextlib.contextmanager
def _header_only():
    """Let Pillow read a huge image's header so that we can name its size; our own limit,
    checked before anything is decoded, replaces Pillow's decompression-bomb check."""
    saved = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = None
    try:
        yield
    finally:
        Image.MAX_IMAGE_PIXELS = saved


class PhotoError(ValueError):
    """Why a photo cannot be used, in words for the clerk."""


def resolve(data_dir: Path, relative: str) -> Path:
    """The file a photo path names; paths are relative to data/ and may not leave it."""
    root = data_dir.resolve()
    path = (root / relative).resolve()
    if Path(relative).is_absolute() or not path.is_relative_to(root):
        raise PhotoError(f"照片路径「{relative}」不在 {data_dir} 目录内：请把照片放进 {data_dir}/photos/")
    return path


def inspect(data_dir: Path, relative: str) -> Path:
    """Check the photo opens as a real, sane image; return its path or raise PhotoError."""
    path = resolve(data_dir, relative)
    if not path.exists():
        raise PhotoError(f"照片「{relative}」不存在")
    if not path.is_file():
        raise PhotoError(f"照片「{relative}」不是文件")
    try:
        with _header_only(), Image.open(path) as image:
            # Image.open reads only the header: check the size before decoding anything.
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise PhotoError(
                    f"照片「{relative}」有 {width}×{height} 像素，太大了"
                    f"（上限 {MAX_PIXELS // 10_000} 万像素）：请缩小后再用"
                )
            if image.format not in FORMATS:
                raise PhotoError(f"照片「{relative}」是 {image.format} 格式，请转成 JPG 或 PNG")
            image.load()
    except UnidentifiedImageError:
        raise PhotoError(f"「{relative}」不是图片文件，无法打开") from None
    except (OSError, SyntaxError) as exc:
        raise PhotoError(f"照片「{relative}」已损坏，无法读取（{exc}）") from None
    return path
