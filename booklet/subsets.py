"""One embedded subset per font for a document put together from several rendered ones.

Each WeasyPrint document embeds its own subset of every font it uses: a booklet assembled
from 30 parts would carry 30 copies of the common characters of each CJK font, which is most
of its size. WeasyPrint subsets with the glyph ids kept (CID = GID), so every part's subset
of a font can be replaced by a single subset of the file in fonts/ holding the union of their
glyphs, without touching a page's content.
"""
from __future__ import annotations

import io
from functools import cache
from pathlib import Path

import pikepdf
import uharfbuzz as hb
from fontTools.ttLib import TTFont
from pikepdf import Name

from booklet.fonts import FONT_FILES, FontFile
from booklet.paths import FONTS

# What WeasyPrint drops too: layout tables a PDF viewer never reads.
_DROP_TABLES = ("BASE", "DSIG", "EBDT", "EBLC", "EBSC", "GPOS", "GSUB", "JSTF", "LTSH", "PCLT", "SVG ")


def share_fonts(pdf: pikepdf.Pdf, fonts_dir: Path = FONTS) -> None:
    """Point every font of `pdf` made from a file in `fonts_dir` at one shared subset."""
    users: dict[FontFile, list[pikepdf.Dictionary]] = {}
    glyphs: dict[FontFile, set[int]] = {}
    known: dict[tuple[int, int], FontFile | None] = {}
    for font in _cid_fonts(pdf):
        descriptor = font.FontDescriptor
        stream = descriptor.get(Name.FontFile3)
        if stream is None or stream.get(Name.Subtype) != Name.OpenType:
            continue
        if stream.objgen not in known:
            known[stream.objgen] = _which(stream.read_bytes())
        source = known[stream.objgen]
        if source is None:
            continue
        users.setdefault(source, []).append(descriptor)
        glyphs.setdefault(source, set()).update(_widths_cids(font.get(Name.W, pikepdf.Array())))
    for source, descriptors in users.items():
        if len({d.FontFile3.objgen for d in descriptors}) < 2:
            continue  # already one subset
        shared = pikepdf.Stream(pdf, subset(fonts_dir / source.filename, frozenset(glyphs[source])))
        shared.Subtype = Name.OpenType
        for descriptor in descriptors:
            descriptor.FontFile3 = shared


def _cid_fonts(pdf: pikepdf.Pdf):
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Dictionary) and obj.get(Name.Subtype) == Name.CIDFontType0 \
                and Name.FontDescriptor in obj:
            yield obj


def _widths_cids(widths: pikepdf.Array) -> set[int]:
    """The CIDs a /W array gives widths for: `c [w1 w2 ...]` or `c_first c_last w`."""
    cids: set[int] = set()
    items = list(widths)
    index = 0
    while index < len(items):
        first = int(items[index])
        if isinstance(items[index + 1], pikepdf.Array):
            cids.update(range(first, first + len(items[index + 1])))
            index += 2
        else:
            cids.update(range(first, int(items[index + 1]) + 1))
            index += 3
    return cids


def _which(font_program: bytes) -> FontFile | None:
    """The file in fonts/ an embedded subset was made from, by family name and weight."""
    font = TTFont(io.BytesIO(font_program), lazy=True)
    family = font["name"].getDebugName(1)
    weight = font["OS/2"].usWeightClass
    # The bold faces name their family "Noto Sans CJK SC Bold" in name id 1 and the
    # typographic family in id 16.
    typographic = font["name"].getDebugName(16) or family
    return next((f for f in FONT_FILES if f.family == typographic and f.weight == weight), None)


@cache
def _face(path: Path) -> hb.Face:
    return hb.Face(hb.Blob.from_file_path(str(path)))


def subset(path: Path, glyphs: frozenset[int]) -> bytes:
    """The font at `path` reduced to `glyphs`, which keep their ids, as WeasyPrint subsets."""
    face = _face(path)
    keep = hb.SubsetInput()
    keep.glyph_set.update({0, *glyphs})  # 0: .notdef, which every font program needs
    keep.flags = (hb.SubsetFlags.RETAIN_GIDS | hb.SubsetFlags.PASSTHROUGH_UNRECOGNIZED
                  | hb.SubsetFlags.DESUBROUTINIZE)
    drop = keep.sets(hb.SubsetInputSets.DROP_TABLE_TAG)
    drop.update({int.from_bytes(tag.encode("ascii"), "big") for tag in _DROP_TABLES})
    result = hb.subset(face, keep)
    if result is None:
        raise ValueError(f"HarfBuzz could not subset {path.name}")
    return result.blob.data
