"""WeasyPrint, started so that it can see only the project's fonts, and told to leave out the
font programs of documents whose fonts are embedded again afterwards.

fontconfig reads its configuration once, when WeasyPrint is first imported: so the
environment is set here, and every module takes WeasyPrint from this one.
"""
from __future__ import annotations

import contextlib
import hashlib
import inspect
import os
import sys

from booklet.paths import FONT_CONFIG, FONTS, ROOT

if "weasyprint.text.fonts" in sys.modules and os.environ.get("FONTCONFIG_FILE") != str(FONTS / FONT_CONFIG):
    raise RuntimeError("WeasyPrint was imported before booklet.pdf.engine: the machine's fonts would leak in")
os.environ["FONTCONFIG_FILE"] = str(FONTS / FONT_CONFIG)
# fontconfig's cache of those fonts (fonts.conf: `<cachedir prefix="xdg">`) kept in the project,
# not in the home folder, where it outlived a font replaced in fonts/ and changed the output.
os.environ["XDG_CACHE_HOME"] = str(ROOT / ".cache")

import weasyprint  # noqa: E402
from weasyprint.formatting_structure import boxes  # noqa: E402
from weasyprint.pdf.fonts import Font  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse  # noqa: E402

__all__ = ["weasyprint", "boxes", "FontConfiguration", "FatalURLFetchingError", "URLFetcher", "URLFetcherResponse",
           "font_programs_left_out"]


# --- Font programs left out of documents whose fonts are embedded again afterwards ----------
# WeasyPrint subsets every font of every document it writes (Font.clean → Font.subset, with
# HarfBuzz, twice, keeping an empty slot for each of a CJK font's 65,000 glyphs): about 25 ms
# a font, a sixth of a cold build's processor time. The booklet's parts, the plates and the
# cards throw those programs away: their fonts are embedded again, once, from fonts/
# (pdf/subsets.py: share_fonts and trim_fonts), which reads of a part's program only which
# file it was made from (its name and OS/2 tables). While such a document is written
# (`font_programs_left_out`), a font's program is the font with its .notdef glyph alone, made
# once per process and font. Narrow on purpose: only Font.subset is replaced, only inside the
# block, and only for the WeasyPrint these sources were read in (TESTED_SOURCES, checked by
# tests/test_engine.py, which fails when an upgrade changes them).
# sha256 of the source of the functions the patch stands in for or relies on, in WeasyPrint 70.0.
TESTED_SOURCES = {
    "Font.clean": "794f0211f18453f1a291056fcd6659cdcb262f7c1133cf5b2ea015df379c6813",
    "Font.subset": "61ed6bc2e9a7e43a7ad4c50e4bd61a0c5b6db06069754e66c6e328f4a97a6311",
}
_LAYOUT_TABLES = ("BASE", "DSIG", "EBDT", "EBLC", "EBSC", "GPOS", "GSUB", "JSTF", "LTSH", "PCLT", "SVG ")
_subset = Font.subset
_leaving_out = 0
_notdef_fonts: dict[tuple, bytes | None] = {}


def sources() -> dict[str, str]:
    """The sha256 of the source of each function in TESTED_SOURCES, as installed."""
    installed = {"Font.clean": Font.clean, "Font.subset": _subset}
    return {name: hashlib.sha256(inspect.getsource(function).encode()).hexdigest()
            for name, function in installed.items()}


def _notdef_only(font: Font) -> bytes | None:
    """The font with its .notdef glyph alone, and the tables that say which font it is; None
    if HarfBuzz cannot make it."""
    import uharfbuzz as hb

    key = (font.family, font.weight, font.style, font.index, len(font.file_content))
    if key not in _notdef_fonts:
        keep = hb.SubsetInput()
        keep.glyph_set.add(0)
        keep.flags = hb.SubsetFlags.PASSTHROUGH_UNRECOGNIZED
        keep.sets(hb.SubsetInputSets.NAME_ID).add(16)  # the typographic family, as subsets._which reads it
        keep.sets(hb.SubsetInputSets.DROP_TABLE_TAG).update(
            int.from_bytes(tag.encode("ascii"), "big") for tag in _LAYOUT_TABLES)
        subset = hb.subset(hb.Face(hb.Blob(font.file_content), font.index), keep)
        _notdef_fonts[key] = subset.blob.data if subset is not None else None
    return _notdef_fonts[key]


def _subset_or_leave_out(self: Font, to_unicode, hinting) -> None:
    if _leaving_out and to_unicode and (program := _notdef_only(self)) is not None:
        self.file_content = program
        return
    _subset(self, to_unicode, hinting)  # as WeasyPrint would


Font.subset = _subset_or_leave_out


@contextlib.contextmanager
def font_programs_left_out():
    """While the block writes PDFs, their fonts carry no glyphs: for documents whose fonts are
    embedded again from fonts/ before anyone sees them."""
    global _leaving_out
    _leaving_out += 1
    try:
        yield
    finally:
        _leaving_out -= 1
