"""The project's fonts: which files, how the set-up puts them in fonts/, which characters they have."""
from __future__ import annotations

import hashlib
import json
import logging
import os
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from booklet.files import write_atomic
from booklet.paths import FONT_CONFIG
from booklet.status import SetupMissing

log = logging.getLogger(__name__)

# Debian's fonts-noto-cjk ships these collections; face 2 of each is Simplified Chinese.
SYSTEM_FONT_DIRS = (Path("/usr/share/fonts/opentype/noto"),)


@dataclass(frozen=True)
class FontFile:
    family: str
    weight: int
    filename: str
    collection: str
    """The Debian collection the set-up extracts this face from."""


FONT_FILES = (
    FontFile("Noto Sans CJK SC", 400, "NotoSansCJKsc-Regular.otf", "NotoSansCJK-Regular.ttc"),
    FontFile("Noto Sans CJK SC", 700, "NotoSansCJKsc-Bold.otf", "NotoSansCJK-Bold.ttc"),
    FontFile("Noto Serif CJK SC", 400, "NotoSerifCJKsc-Regular.otf", "NotoSerifCJK-Regular.ttc"),
    FontFile("Noto Serif CJK SC", 700, "NotoSerifCJKsc-Bold.otf", "NotoSerifCJK-Bold.ttc"),
)


# In fonts/, beside the fonts: what the set-up wrote, to tell a font cut short or replaced since.
DIGESTS = "digests.json"


class FontsMissing(SetupMissing):
    """The fonts are not in fonts/, or not as the set-up put them there; the message says how
    to put them back."""


def missing(fonts_dir: Path) -> list[Path]:
    return [fonts_dir / f.filename for f in FONT_FILES if not (fonts_dir / f.filename).is_file()]


def require(fonts_dir: Path) -> None:
    """FontsMissing unless every font is in `fonts_dir` as the set-up wrote it: a font cut short
    printed every regular character in bold, and passed every check."""
    _configured(fonts_dir)
    absent = missing(fonts_dir)
    if absent:
        names = "、".join(p.name for p in absent)
        raise FontsMissing(
            f"{fonts_dir} 中缺少字体 {names}：请先运行 make booklet（或 booklet fonts）安装字体"
        )
    recorded = _recorded(fonts_dir)
    changed = [font.filename for font in FONT_FILES if not _as_written(fonts_dir / font.filename, recorded)]
    if changed:
        raise FontsMissing(f"{fonts_dir} 中的字体 {'、'.join(changed)} 与安装时不同（已损坏或被替换）："
                           "请运行 make booklet（或 booklet fonts）重新安装")


def _configured(fonts_dir: Path) -> None:
    """FontsMissing unless fontconfig's file, part of the project (the set-up does not make
    it), is there: it is what confines the renderer to these fonts."""
    if not (fonts_dir / FONT_CONFIG).is_file():
        raise FontsMissing(f"{fonts_dir / FONT_CONFIG} 不见了：它是项目自带的文件，不是安装出来的；"
                           f"请用 git checkout -- fonts/{FONT_CONFIG} 恢复，或重新下载项目")


def _recorded(fonts_dir: Path) -> dict:
    try:
        recorded = json.loads((fonts_dir / DIGESTS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return recorded if isinstance(recorded, dict) else {}


def _as_written(path: Path, recorded: dict) -> bool:
    """Whether the font at `path` is the one the set-up recorded: unchanged since (size and
    time, as a file's facts are kept: data/filefacts.py), or else with the recorded digest."""
    entry = recorded.get(path.name)
    if not isinstance(entry, dict):
        return False
    stat = path.stat()
    if [entry.get("size"), entry.get("mtime_ns")] == [stat.st_size, stat.st_mtime_ns]:
        return True
    return entry.get("sha256") == _digest(path)


def _digest(path: Path) -> str:
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def _record(fonts_dir: Path) -> None:
    entries = {}
    for font in FONT_FILES:
        path = fonts_dir / font.filename
        stat = path.stat()
        entries[font.filename] = {"sha256": _digest(path), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
    write_atomic(fonts_dir / DIGESTS, json.dumps(entries, indent=1, sort_keys=True).encode("utf-8"))


def install(fonts_dir: Path, sources: tuple[Path, ...] = SYSTEM_FONT_DIRS) -> list[Path]:
    """Extract the Simplified Chinese faces from Debian's collections into `fonts_dir`.

    fontconfig, pointed at fonts/ alone, then offers exactly these faces: the collections
    would also offer the Japanese and Korean faces under other names.
    """
    from fontTools.ttLib import TTCollection

    _configured(fonts_dir)
    written = []
    recorded = _recorded(fonts_dir)
    for font in FONT_FILES:
        target = fonts_dir / font.filename
        if target.is_file() and (not recorded or _as_written(target, recorded)):
            continue  # in place (with no record yet, as an earlier set-up left it: recorded now)
        collection = next((d / font.collection for d in sources if (d / font.collection).is_file()), None)
        if collection is None:
            raise FontsMissing(
                f"找不到 {font.collection}：请先安装 Debian 的 fonts-noto-cjk 软件包"
                "（sudo apt-get install fonts-noto-cjk），或把 "
                f"{font.filename} 放进 {fonts_dir}"
            )
        faces = TTCollection(str(collection), lazy=True).fonts
        face = next((f for f in faces if f["name"].getDebugName(1) == font.family), None)
        if face is None:
            raise FontsMissing(f"{collection} 中没有 {font.family} 字体")
        partial = target.with_suffix(".part")
        face.save(str(partial))
        os.replace(partial, target)
        written.append(target)
        log.info("已安装字体 %s", target)
    if written or not recorded:
        _record(fonts_dir)
    return written


@cache
def face(path: Path):
    """The font file at `path` as HarfBuzz reads it (a `uharfbuzz.Face`), once per process."""
    import uharfbuzz as hb  # reads the cmap twenty times faster than fontTools

    return hb.Face(hb.Blob.from_file_path(str(path)))


@cache
def coverage(fonts_dir: Path) -> frozenset[int]:
    """Code points that every one of the fonts can draw: text may use only these."""
    require(fonts_dir)
    common: set[int] | None = None
    for font in FONT_FILES:
        cmap = set(face(fonts_dir / font.filename).unicodes)
        common = cmap if common is None else common & cmap
    return frozenset(common or ())


def _invisible(char: str) -> bool:
    # Zero-width spaces, BOMs and variation selectors come in with copied text: they print
    # as nothing, but make two ids that look the same differ.
    return unicodedata.category(char) in ("Cc", "Cf") or 0xFE00 <= ord(char) <= 0xFE0F


def unprintable(text: str, covered: frozenset[int]) -> list[str]:
    """The characters of `text` that would print as an empty box, or as nothing at all."""
    if set(text) <= _printable(covered):  # as nearly all text is: a set's test, in C
        return []
    bad = []
    for char in text:
        if char in "\n\t\r ":
            continue
        if _unprintable_char(char, covered):
            if char not in bad:
                bad.append(char)
    return bad


@cache
def _printable(covered: frozenset[int]) -> frozenset[str]:
    """The characters that pass unprintable(): the ones the fonts draw, white space too."""
    return frozenset(c for c in map(chr, covered) if not _unprintable_char(c, covered)) | frozenset("\n\t\r ")


def _unprintable_char(char: str, covered: frozenset[int]) -> bool:
    code = ord(char)
    return 0xE000 <= code <= 0xF8FF or code not in covered or _invisible(char)


def describe_char(char: str) -> str:
    code = ord(char)
    if 0xE000 <= code <= 0xF8FF:
        return f"「{char}」(U+{code:04X}) 是私用区字符（旧系统造的字），请改用标准汉字"
    if _invisible(char):
        return f"有看不见的字符 U+{code:04X}（{_invisible_kind(char)}），请删掉"
    return f"「{char}」(U+{code:04X}) 字体中没有这个字，印出来会是空框"


def _invisible_kind(char: str) -> str:
    """What an invisible character is, in Chinese: Unicode's own names are English."""
    code = ord(char)
    if code in _INVISIBLE_KINDS:
        return _INVISIBLE_KINDS[code]
    if 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
        return "文字方向控制符，会让一行字倒过来显示"
    return "控制字符" if unicodedata.category(char) == "Cc" else "格式控制字符"


_INVISIBLE_KINDS = {
    0x200B: "零宽空格",
    0x200C: "零宽不连字",
    0x200D: "零宽连字",
    0x200E: "从左到右标记",
    0x200F: "从右到左标记",
    0x2060: "零宽不换行",
    0xFEFF: "字节顺序标记 BOM",
    0x00AD: "软连字符",
}
