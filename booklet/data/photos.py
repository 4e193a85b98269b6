"""Staff photos: where a path may point, whether the file is a photo we can print, and the
photo prepared for print (cropped and downscaled)."""
from __future__ import annotations

import concurrent.futures
import contextlib
import hashlib
import io
import logging
import os
import re
import shutil
import subprocess
from pathlib import Path

from PIL import ExifTags, Image, ImageFile, ImageOps, UnidentifiedImageError

from booklet.data.filefacts import FileFacts
from booklet.files import unused, write_atomic
from booklet.pdf.pool import default_workers
from booklet.pdf.units import MM_PER_INCH
from booklet.status import SetupMissing

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
    try:
        path = (root / relative).resolve()
    except (OSError, RuntimeError):  # RuntimeError: Python before 3.13 on a loop of links
        raise PhotoError(f"照片「{relative}」是链接，而且链接绕成了一个圈，指不到照片文件：请换成照片文件本身") from None
    if not path.is_relative_to(root):
        if ".." in Path(relative).parts:
            raise PhotoError(f"照片路径「{relative}」不在 {data_dir} 目录内：请把照片放进 {data_dir}/photos/")
        # The renderer may read nothing outside data/, so a link out of it cannot be printed.
        raise PhotoError(f"照片「{relative}」是指向 {data_dir} 目录外的链接：请把照片本身放进 {data_dir}/photos/")
    return path


def inspect(data_dir: Path, relatives: list[str], facts: FileFacts) -> dict[str, tuple[int, int] | PhotoError]:
    """Check that each photo opens as a real, sane image: its size, or the PhotoError that
    says why it cannot be used, by path as written.

    A photo found sound before (in `facts`) is not decoded again until the file changes. The
    others are decoded a few at a time: Pillow lets go of the interpreter while it decodes,
    and a first build decoded a street office's 130 photos one after the other, before
    anything else could start.
    """
    found: dict[str, tuple[int, int] | PhotoError] = {}
    paths: dict[str, Path] = {}
    for relative in dict.fromkeys(relatives):
        try:
            paths[relative] = _file(data_dir, relative)
        except PhotoError as exc:
            found[relative] = exc
    # Pillow's settings are the process's: set once for all the threads, not by each in turn.
    with _strict_pillow(), concurrent.futures.ThreadPoolExecutor(max_workers=default_workers()) as threads:
        decoded = {relative: threads.submit(_decoded_size, path, relative)
                   for relative, path in paths.items() if not facts.known(path, "size")}
        for relative, path in paths.items():
            work_out = decoded[relative].result if relative in decoded else lambda: _decoded_size(path, relative)
            try:
                found[relative] = tuple(facts.get(path, "size", work_out))
            except PhotoError as exc:
                found[relative] = exc
    return {relative: found[relative] for relative in relatives}


def _file(data_dir: Path, relative: str) -> Path:
    path = resolve(data_dir, relative)
    if not path.exists():
        raise PhotoError(f"照片「{relative}」不存在")
    if not path.is_file():
        raise PhotoError(f"照片「{relative}」不是文件")
    return path


def _decoded_size(path: Path, relative: str) -> tuple[int, int]:
    """In `_strict_pillow()`, which the caller enters."""
    try:
        with Image.open(path) as image:
            # Image.open reads only the header: check the size before decoding anything.
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise PhotoError(
                    f"照片「{relative}」有 {width}×{height} 像素，太大了"
                    f"（上限 {MAX_PIXELS // 10_000} 万像素）：请缩小后再用"
                )
            if image.format not in FORMATS:
                raise PhotoError(f"照片「{relative}」是 {image.format} 格式，请转成 JPG 或 PNG")
            # Every byte is decoded, so a truncated or corrupt file is found; a JPEG at an
            # eighth of its size (libjpeg scales while decoding), which is several times faster.
            image.draft("RGB", (max(1, width // 8), max(1, height // 8)))
            image.load()
            whole = image.format != "JPEG" or _jpeg_whole(path)
    except UnidentifiedImageError:
        raise PhotoError(f"「{relative}」不是图片文件，无法打开") from None
    except (OSError, SyntaxError):
        raise PhotoError(f"照片「{relative}」已损坏或不完整，无法读取：请重新拷贝或导出这张照片") from None
    if not whole:
        raise PhotoError(f"照片「{relative}」的图像数据不完整或已损坏，印出来会有一块灰色：请重新拷贝或导出这张照片")
    return width, height


def _jpeg_whole(path: Path) -> bool:
    """Whether the JPEG at `path` decodes whole. libjpeg fills what it cannot decode with grey
    and goes on, and Pillow reports nothing (a header claiming 7000×8500 over an 800×600
    image, a scan zeroed); libjpeg's own djpeg tells, by its warnings. An eighth of the size
    is decoded, as above: every byte is still read."""
    djpeg = shutil.which("djpeg")
    if djpeg is None:
        raise SetupMissing("找不到 djpeg（检查照片是否完整要用它，在 Debian 的 libjpeg-turbo-progs 软件包中）："
                           "请运行 make booklet 安装")
    try:
        done = subprocess.run([djpeg, "-scale", "1/8", "-outfile", os.devnull, str(path)],
                              capture_output=True, text=True, errors="replace", timeout=_DECODING_S, check=False)
    except subprocess.TimeoutExpired:  # a phone's photo takes a twentieth of a second
        return False
    except OSError as exc:
        raise SetupMissing(f"无法运行 djpeg（{djpeg}）：请运行 make booklet 重新安装") from exc
    if done.returncode == 0:
        return True
    # Exit status 2 is warnings only. Not all mean missing image data: an unknown JFIF
    # version or Adobe marker is harmless, as is the padding some encoders leave before the
    # end marker; most of the file left over is a scan that stopped making sense.
    allowed = max(_STRAY_BYTES_ALLOWED, path.stat().st_size * _STRAY_SHARE_ALLOWED)
    for line in done.stderr.splitlines():
        stray = _STRAY_BYTES.fullmatch(line.strip())
        if stray is not None and int(stray[1]) <= allowed:
            continue
        if "Corrupt JPEG data" in line or "Premature end" in line:
            return False
    return done.returncode == 2


_STRAY_BYTES = re.compile(r"Corrupt JPEG data: (\d+) extraneous bytes before marker 0xd9")
_STRAY_BYTES_ALLOWED = 1024
_STRAY_SHARE_ALLOWED = 0.02
_DECODING_S = 60


def digest(path: Path, facts: FileFacts) -> str:
    """A hash of the photo's bytes: what the plates printed from it depend on."""
    return facts.get(path, "sha256", lambda: hashlib.sha256(path.read_bytes()).hexdigest())


FOLDER = "photos"  # in the cache folder: photos prepared for print, by content and size
PREPARATION = 3  # one more whenever _prepare gives other pixels: found by this too


def portrait(path: Path, width_mm: float, height_mm: float, facts: FileFacts, cache: Path | None = None,
             dpi: int = 300) -> bytes:
    """The photo cropped to the box's shape and no larger than `dpi` at its printed size, as JPEG.

    Decoding and scaling a phone's photo takes a tenth of a second: with a `cache` folder, each
    photo is prepared once for each size, and found again by its content (its digest, kept in
    `facts`: the file is not read at all when its prepared copy is there).
    """
    recipe = f"{digest(path, facts)}|{width_mm:.3f}x{height_mm:.3f}@{dpi}|{PREPARATION}"
    key = hashlib.sha256(recipe.encode()).hexdigest()
    if cache is not None and (jpeg := _stored(cache / FOLDER, key)) is not None:
        return jpeg
    # Kept in memory too, for a plate laid out again with smaller duties, and without a cache.
    jpeg = _prepared.get(key) or _prepare(path.read_bytes(), width_mm, height_mm, dpi)
    if cache is not None:
        write_atomic(cache / FOLDER / f"{key}-{_check(jpeg)}.jpg", jpeg)
    if len(_prepared) >= 64:
        _prepared.clear()
    _prepared[key] = jpeg
    return jpeg


_prepared: dict[str, bytes] = {}


def _stored(folder: Path, key: str) -> bytes | None:
    """The photo prepared by the recipe `key`, if the cache has it whole: its name ends in its
    content's digest, and a copy cut short or spoilt since is deleted and prepared again."""
    for stored in folder.glob(f"{key}-*.jpg"):
        with contextlib.suppress(OSError):
            jpeg = stored.read_bytes()
            if stored.stem == f"{key}-{_check(jpeg)}":
                stored.touch()  # used: kept when the cache is pruned
                return jpeg
            stored.unlink()
            logging.getLogger("booklet").warning(f"缓存中处理好的照片 {stored.name[:12]} 已损坏，已删除并重新处理")
    return None


def _check(jpeg: bytes) -> str:
    return hashlib.sha256(jpeg).hexdigest()[:32]


def prune(cache: Path) -> None:
    """Forget the photos prepared for print that no plate used for files.CACHE_DAYS."""
    for photo in unused(cache.glob(f"{FOLDER}/*.jpg")):
        photo.unlink(missing_ok=True)


def _prepare(original: bytes, width_mm: float, height_mm: float, dpi: int) -> bytes:
    """The crop keeps the full width (or height) and, for a tall photo, the upper part: faces
    sit in the top half of a portrait."""
    limit = (round(width_mm / MM_PER_INCH * dpi), round(height_mm / MM_PER_INCH * dpi))
    with _strict_pillow(), Image.open(io.BytesIO(original)) as image:
        # A JPEG is decoded straight at a half, a quarter or an eighth of its size when that is
        # still at least the printed size (the crop below keeps one side whole): a phone's 12 MP
        # photo in a fifth of the time. Asked for as the file stores it, before it is turned.
        turned = image.getexif().get(ExifTags.Base.Orientation, 1) in (5, 6, 7, 8)
        image.draft("RGB", limit[::-1] if turned else limit)
        image = ImageOps.exif_transpose(image)
        if image.has_transparency_data:
            # A transparent background would turn black in a JPEG: print it on paper's white.
            image = image.convert("RGBA")
            image = Image.alpha_composite(Image.new("RGBA", image.size, (255, 255, 255, 255)), image)
        image = image.convert("RGB")
        target = width_mm / height_mm
        width, height = image.size
        if width / height > target:  # too wide: trim both sides
            new_width = round(height * target)
            left = (width - new_width) // 2
            image = image.crop((left, 0, left + new_width, height))
        else:  # too tall: trim mostly from the bottom
            new_height = round(width / target)
            top = (height - new_height) // 4
            image = image.crop((0, top, width, top + new_height))
        if image.width > limit[0]:
            image = image.resize(limit, Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=88, optimize=True)
        return buffer.getvalue()
