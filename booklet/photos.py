"""Staff photos: where a path may point, and whether the file is a photo we can print."""
from __future__ import annotations

import contextlib
from pathlib import Path

from PIL import Image, ImageFile, UnidentifiedImageError

# A phone photo is 12–50 MP; anything far larger is a mistake or a decompression bomb.
MAX_PIXELS = 60_000_000
# Below this a 3:4 portrait prints visibly blurred at plate size.
MIN_SIZE = (300, 400)
FORMATS = {"JPEG", "PNG"}


@contextlib.contextmanager
def _strict_pillow():
    """Pillow as this check needs it, whatever else in the process has set.

    Its decompression-bomb check is off so that a huge image's header can be read and its
    size named (our own limit, checked before decoding, replaces it); truncated images are
    errors again (WeasyPrint, once imported, tells Pillow to accept them).
    """
    saved = Image.MAX_IMAGE_PIXELS, ImageFile.LOAD_TRUNCATED_IMAGES
    Image.MAX_IMAGE_PIXELS, ImageFile.LOAD_TRUNCATED_IMAGES = None, False
    try:
        yield
    finally:
        Image.MAX_IMAGE_PIXELS, ImageFile.LOAD_TRUNCATED_IMAGES = saved


class PhotoError(ValueError):
    """Why a photo cannot be used, in words for the clerk."""


def resolve(data_dir: Path, relative: str) -> Path:
    """The file a photo path names; paths are relative to data/ and may not leave it."""
    if "\\" in relative:
        raise PhotoError(f"照片路径「{relative}」请用 / 分隔，如 photos/zhangsan.jpg")
    if Path(relative).is_absolute():
        raise PhotoError(f"照片路径「{relative}」请写成 {data_dir} 下的相对路径，如 photos/zhangsan.jpg")
    root = data_dir.resolve()
    path = (root / relative).resolve()
    if not path.is_relative_to(root):
        if ".." in Path(relative).parts:
            raise PhotoError(f"照片路径「{relative}」不在 {data_dir} 目录内：请把照片放进 {data_dir}/photos/")
        # The renderer may read nothing outside data/, so a link out of it cannot be printed.
        raise PhotoError(f"照片「{relative}」是指向 {data_dir} 目录外的链接：请把照片本身放进 {data_dir}/photos/")
    return path


def inspect(data_dir: Path, relative: str) -> tuple[int, int]:
    """Check the photo opens as a real, sane image; return its size or raise PhotoError."""
    path = resolve(data_dir, relative)
    if not path.exists():
        raise PhotoError(f"照片「{relative}」不存在")
    if not path.is_file():
        raise PhotoError(f"照片「{relative}」不是文件")
    try:
        with _strict_pillow(), Image.open(path) as image:
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
    except (OSError, SyntaxError):
        raise PhotoError(f"照片「{relative}」已损坏或不完整，无法读取：请重新拷贝或导出这张照片") from None
    return width, height
