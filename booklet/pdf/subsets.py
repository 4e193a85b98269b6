"""Embedded fonts of documents put together from rendered ones: one subset per font, and
only the glyphs the pages draw.

Each WeasyPrint document embeds its own subset of every font it uses: a booklet assembled
from 30 parts would carry 30 copies of the common characters of each CJK font, which is most
of its size. The fonts are CID-keyed, and the pages draw glyphs by CID (the glyph's id in the
file in fonts/): every part's subset of a font can be replaced by a single subset of that
file holding the union of their glyphs, without touching a page's content (`share_fonts`).
A subset keeps each glyph's CID in its charset, so it needs no empty slots for the glyphs
it leaves out.

Parts rendered to be put together carry no program at all (`without_programs`): each
WeasyPrint subset keeps an empty slot for each of a font's 65,000 glyphs, which made 96 % of
a part's bytes, all of it copied into the assembler only to be replaced.

Pages taken out of a larger document (one office's plates from a batch of offices) keep that
document's fonts whole: widths, Unicode maps and glyphs of every page. `trim_fonts` cuts them
down to what the pages draw, so that a file depends on its own pages only.
"""
from __future__ import annotations

import io
import re
from collections import Counter
from pathlib import Path
from typing import Iterable

import pikepdf
import uharfbuzz as hb
from fontTools.ttLib import TTFont
from pikepdf import Name

from booklet.paths import FONTS
from booklet.pdf.fonts import FONT_FILES, FontFile, face

# Layout tables, dropped before subsetting as WeasyPrint does: only the CFF table is kept,
# and the substitutions' closure would pull in glyphs no page draws.
_DROP_TABLES = ("BASE", "DSIG", "EBDT", "EBLC", "EBSC", "GPOS", "GSUB", "JSTF", "LTSH", "PCLT", "SVG ")


# In a font descriptor, a program left out by `without_programs`: the file in fonts/ it was made
# from. The stream holds the glyphs (CIDs) the document draws with it, two bytes each.
_LEFT_OUT = Name("/BookletFontFile")

# A glyph's width where /W does not list it (the PDF default for /DW): every CJK glyph's.
_DEFAULT_WIDTH = 1000


def without_programs(document: pikepdf.Pdf) -> None:
    """Replace each font program made from a file in fonts/ by a stream naming that file and
    listing the glyphs drawn, for `share_fonts` to embed them again: in a PDF to be
    assembled, never shown as it is.

    The widths of the default width are dropped from /W: WeasyPrint lists every glyph, most
    of them 1000 wide, and the assembler holds a number per glyph per part (half its memory).
    """
    drawn: dict[tuple[int, int], set[int]] = {}
    users: dict[tuple[int, int], list[pikepdf.Dictionary]] = {}
    for font in _composite_fonts(_font_resources(document)):
        cid_font = font.DescendantFonts[0]
        program = cid_font.FontDescriptor.get(Name.FontFile3) if Name.FontDescriptor in cid_font else None
        if program is None or program.get(Name.Subtype) != Name.OpenType or Name.DW in cid_font:
            continue
        widths = _widths(cid_font.get(Name.W, pikepdf.Array()))
        drawn.setdefault(program.objgen, set()).update(widths)
        users.setdefault(program.objgen, []).append(cid_font)
        cid_font.W = _widths_array({cid: w for cid, w in widths.items() if w != _DEFAULT_WIDTH})
    for objgen, cid_fonts in users.items():
        source = _which(document.get_object(objgen).read_bytes())
        if source is None:
            continue  # not one of ours: kept as it is (its widths are right all the same)
        listed = b"".join(cid.to_bytes(2, "big") for cid in sorted(drawn[objgen]))
        left_out = pikepdf.Stream(document, listed)
        left_out[_LEFT_OUT] = pikepdf.String(source.filename)
        for cid_font in cid_fonts:
            cid_font.FontDescriptor.FontFile3 = left_out


def _listed(program: pikepdf.Stream) -> set[int]:
    """The glyphs a program left out by `without_programs` lists."""
    data = program.read_bytes()
    return {int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data), 2)}


def share_fonts(pdf: pikepdf.Pdf, fonts_dir: Path = FONTS) -> None:
    """Point every font of `pdf` made from a file in `fonts_dir` at one shared subset."""
    holders = _font_resources(pdf)
    composite = _composite_fonts(holders)
    programs = _Programs()
    widths = {}
    for font in composite:
        cid_font = font.DescendantFonts[0]
        if cid_font.get(Name.Subtype) == Name.CIDFontType0 and Name.FontDescriptor in cid_font:
            widths[cid_font.objgen] = _widths(cid_font.get(Name.W, pikepdf.Array()))
            program = cid_font.FontDescriptor.get(Name.FontFile3)
            glyphs = _listed(program) if program is not None and _LEFT_OUT in program else widths[cid_font.objgen]
            programs.add(cid_font.FontDescriptor, glyphs)
    for source, descriptors in programs.users.items():
        # Subsets of several parts, or programs left out: one subset of all their glyphs.
        if len({d.FontFile3.objgen for d in descriptors}) > 1 or _LEFT_OUT in descriptors[0].FontFile3:
            _replace_program(pdf, fonts_dir / source.filename, descriptors, programs.glyphs[source])
    _share_dictionaries(pdf, programs, widths, composite, holders)


def _font_resources(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """The /Font dictionaries of the pages' resources and of the forms they draw: found from
    the pages, not among all of the file's objects (a quarter of a million at 10x)."""
    holders: list[pikepdf.Dictionary] = []
    seen: set[tuple[int, int]] = set()

    def visit(resources) -> None:
        if not isinstance(resources, pikepdf.Dictionary) or (resources.is_indirect and resources.objgen in seen):
            return
        if resources.is_indirect:
            seen.add(resources.objgen)
        fonts = resources.get(Name.Font)
        if isinstance(fonts, pikepdf.Dictionary) and not (fonts.is_indirect and fonts.objgen in seen):
            if fonts.is_indirect:
                seen.add(fonts.objgen)
            holders.append(fonts)
        forms = resources.get(Name.XObject)
        for name in sorted(forms.keys()) if isinstance(forms, pikepdf.Dictionary) else []:
            form = forms[name]
            if isinstance(form, pikepdf.Stream) and form.get(Name.Subtype) == Name.Form and form.objgen not in seen:
                seen.add(form.objgen)
                visit(form.get(Name.Resources))

    for page in pdf.pages:
        visit(page.obj.get(Name.Resources))
    return holders


def _composite_fonts(holders: list[pikepdf.Dictionary]) -> list[pikepdf.Dictionary]:
    """The Type0 fonts with one descendant (all WeasyPrint writes) that `holders` list, each once."""
    found: dict[tuple[int, int], pikepdf.Dictionary] = {}
    for fonts in holders:
        for name in sorted(fonts.keys()):
            font = fonts[name]
            if font.is_indirect and font.objgen not in found and font.get(Name.Subtype) == Name.Type0 \
                    and len(font.get(Name.DescendantFonts, [])) == 1:
                found[font.objgen] = font
    return list(found.values())


def _share_dictionaries(pdf: pikepdf.Pdf, programs: _Programs, widths_of: dict[tuple[int, int], dict[int, float]],
                        composite: list[pikepdf.Dictionary], holders: list[pikepdf.Dictionary]) -> None:
    """One font dictionary per file in fonts/ for all the parts: each part's own lists the
    widths and the text of the glyphs it draws, and the parts (a chapter's segments) draw
    mostly the same ones. A font whose text for a glyph differs from most others' keeps its own."""
    source_of = {d.objgen: source for source, descriptors in programs.users.items() for d in descriptors}
    groups: dict[FontFile, list[pikepdf.Dictionary]] = {}
    for font in composite:
        descriptor = font.DescendantFonts[0].get(Name.FontDescriptor)
        if Name.ToUnicode in font and descriptor is not None and descriptor.objgen in source_of:
            groups.setdefault(source_of[descriptor.objgen], []).append(font)
    instead: dict[tuple[int, int], pikepdf.Dictionary] = {}
    for fonts in groups.values():
        maps = [_unicode_map(font.ToUnicode.read_bytes()) for font in fonts]
        # One glyph can stand for two characters (• and ·): the text most parts give it wins,
        # or of as many, the one seen first.
        votes = Counter(pair for own in maps for pair in own.items())
        text: dict[int, bytes] = {}
        for (cid, chars), _ in sorted(votes.items(), key=lambda vote: -vote[1]):
            text.setdefault(cid, chars)
        agreeing = [(font, own) for font, own in zip(fonts, maps, strict=True) if own.items() <= text.items()]
        if len(agreeing) < 2:
            continue
        shared, widths = agreeing[0][0], {}
        for font, _ in agreeing:
            cid_font = font.DescendantFonts[0]
            widths.update(widths_of.get(cid_font.objgen) or _widths(cid_font.get(Name.W, pikepdf.Array())))
            instead[font.objgen] = shared
        used = {cid for _, own in agreeing for cid in own}
        shared.DescendantFonts[0].W = _widths_array(dict(sorted(widths.items())))
        shared.ToUnicode = pikepdf.Stream(pdf, _to_unicode_cmap({cid: text[cid] for cid in sorted(used)}))
    for fonts in holders:
        for name in sorted(fonts.keys()):
            if fonts[name].is_indirect and fonts[name].objgen in instead:
                fonts[name] = instead[fonts[name].objgen]


def trim_fonts(pdf: pikepdf.Pdf, fonts_dir: Path = FONTS) -> None:
    """Cut every font of `pdf` down to the glyphs its pages draw: widths, Unicode map and
    program (one subset per file in `fonts_dir`)."""
    drawn: dict[tuple[int, int], set[int]] = {}
    fonts: dict[tuple[int, int], pikepdf.Dictionary] = {}
    for page in pdf.pages:
        _scan(page.obj, page.obj.get(Name.Resources, pikepdf.Dictionary()), drawn, fonts, set())
    programs = _Programs()
    for key, font in fonts.items():
        cids = drawn[key]
        cid_font = font.DescendantFonts[0]
        widths = _widths(cid_font.get(Name.W, pikepdf.Array()))
        cid_font.W = _widths_array({cid: widths[cid] for cid in sorted(cids) if cid in widths})
        if Name.ToUnicode in font:
            text = _unicode_map(font.ToUnicode.read_bytes())
            font.ToUnicode = pikepdf.Stream(pdf, _to_unicode_cmap({c: text[c] for c in sorted(cids) if c in text}))
        programs.add(cid_font.FontDescriptor, cids)
    for source, descriptors in programs.users.items():
        _replace_program(pdf, fonts_dir / source.filename, descriptors, programs.glyphs[source])


class _Programs:
    """The font programs WeasyPrint embedded, by the file in fonts/ each was made from: the
    font descriptors that use them, and the glyphs those need."""

    def __init__(self) -> None:
        self.users: dict[FontFile, list[pikepdf.Dictionary]] = {}
        self.glyphs: dict[FontFile, set[int]] = {}
        self._known: dict[str, FontFile | None] = {}

    def add(self, descriptor: pikepdf.Dictionary, glyphs: Iterable[int]) -> None:
        stream = descriptor.get(Name.FontFile3)
        if stream is not None and _LEFT_OUT in stream:
            self._use(_BY_FILENAME[str(stream[_LEFT_OUT])], descriptor, glyphs)
            return
        if stream is None or stream.get(Name.Subtype) != Name.OpenType:
            return  # no program, or one of ours already
        # Known by its name without the subset's tag ("ABCDEF+"), which is the font's own:
        # reading every part's program to tell took as long as the rest of putting 365 together.
        name = str(descriptor.get(Name.FontName, "")).lstrip("/").partition("+")[2]
        if not name or name not in self._known:
            self._known[name] = _which(stream.read_bytes())
        if (source := self._known[name]) is not None:
            self._use(source, descriptor, glyphs)

    def _use(self, source: FontFile, descriptor: pikepdf.Dictionary, glyphs: Iterable[int]) -> None:
        self.users.setdefault(source, []).append(descriptor)
        self.glyphs.setdefault(source, set()).update(glyphs)


_BY_FILENAME = {font.filename: font for font in FONT_FILES}


def _replace_program(pdf: pikepdf.Pdf, path: Path, descriptors: list[pikepdf.Dictionary], glyphs: set[int]) -> None:
    shared = pikepdf.Stream(pdf, cff_subset(path, frozenset(glyphs)))
    shared.Subtype = Name.CIDFontType0C
    for descriptor in descriptors:
        descriptor.FontFile3 = shared


_SHOW_TEXT = {"Tj", "TJ", "'", '"'}


def _scan(holder: pikepdf.Object, resources: pikepdf.Dictionary, drawn: dict, fonts: dict, forms: set) -> None:
    """Note the glyphs each composite font draws in a page's or a form's content."""
    font_resources = resources.get(Name.Font, pikepdf.Dictionary())
    current = None
    for operands, operator in pikepdf.parse_content_stream(holder):
        op = str(operator)
        if op == "Tf":
            font = font_resources.get(operands[0])
            current = None
            if font is not None and font.get(Name.Subtype) == Name.Type0:
                current = font.objgen
                fonts[current] = font
                drawn.setdefault(current, set())
        elif op in _SHOW_TEXT and current is not None:
            strings = operands[-1] if op != "TJ" else [o for o in operands[0] if isinstance(o, pikepdf.String)]
            for string in ([strings] if op != "TJ" else strings):
                data = bytes(string)
                drawn[current].update(int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data) - 1, 2))
        elif op == "Do":
            form = resources.get(Name.XObject, pikepdf.Dictionary()).get(operands[0])
            if form is not None and form.get(Name.Subtype) == Name.Form and form.objgen not in forms:
                forms.add(form.objgen)
                _scan(form, form.get(Name.Resources, resources), drawn, fonts, forms)


def _widths(array: pikepdf.Array) -> dict[int, float]:
    """A /W array as {cid: width}: its items are `c [w1 w2 ...]` or `c_first c_last w`."""
    widths: dict[int, float] = {}
    items = list(array)
    index = 0
    while index < len(items):
        first = int(items[index])
        if isinstance(items[index + 1], pikepdf.Array):
            widths.update((first + offset, float(w)) for offset, w in enumerate(items[index + 1]))
            index += 2
        else:
            widths.update((cid, float(items[index + 2])) for cid in range(first, int(items[index + 1]) + 1))
            index += 3
    return widths


def _widths_array(widths: dict[int, float]) -> pikepdf.Array:
    """{cid: width} as a /W array, runs of consecutive CIDs together."""
    items: list = []
    for cid, width in widths.items():
        value = int(width) if width == int(width) else round(width, 3)
        if items and isinstance(items[-1], list) and items[-2] + len(items[-1]) == cid:
            items[-1].append(value)
        else:
            items += [cid, [value]]
    return pikepdf.Array([pikepdf.Array(i) if isinstance(i, list) else i for i in items])


_BFCHAR = re.compile(rb"beginbfchar(.*?)endbfchar", re.S)
_PAIR = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>")


def _unicode_map(cmap: bytes) -> dict[int, bytes]:
    """The `bfchar` entries of a ToUnicode CMap (all WeasyPrint writes) as {cid: text}, the
    text as written: UTF-16BE in hexadecimal (decoded, the maps of the parts of a booklet ten
    times a street office's size took a third of a second more)."""
    return {int(code, 16): text for block in _BFCHAR.findall(cmap) for code, text in _PAIR.findall(block)}


def _to_unicode_cmap(text: dict[int, bytes]) -> bytes:
    lines = [b"/CIDInit /ProcSet findresource begin", b"12 dict begin", b"begincmap",
             b"/CIDSystemInfo", b"<< /Registry (Adobe)", b"/Ordering (UCS)", b"/Supplement 0", b">> def",
             b"/CMapName /Adobe-Identity-UCS def", b"/CMapType 2 def",
             b"1 begincodespacerange", b"<0000> <ffff>", b"endcodespacerange"]
    items = list(text.items())
    for start in range(0, len(items), 100):  # at most 100 entries to a block
        batch = items[start:start + 100]
        lines.append(f"{len(batch)} beginbfchar".encode())
        lines += [b"<%04x> <%s>" % (cid, chars) for cid, chars in batch]
        lines.append(b"endbfchar")
    lines += [b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"]
    return b"\n".join(lines)


def _which(font_program: bytes) -> FontFile | None:
    """The file in fonts/ an embedded subset was made from, by family name and weight."""
    font = TTFont(io.BytesIO(font_program), lazy=True)
    family = font["name"].getDebugName(1)
    weight = font["OS/2"].usWeightClass
    # The bold faces name their family "Noto Sans CJK SC Bold" in name id 1 and the
    # typographic family in id 16.
    typographic = font["name"].getDebugName(16) or family
    return next((f for f in FONT_FILES if f.family == typographic and f.weight == weight), None)


def cff_subset(path: Path, glyphs: frozenset[int]) -> bytes:
    """The CFF table of the font at `path` reduced to `glyphs` (CIDs, kept in its charset):
    what a PDF embeds as a CIDFontType0C program.

    Not with the glyph ids kept (RETAIN_GIDS): that leaves an empty slot for each of the
    font's 65,000 glyphs, 200 KB a font in every file.
    """
    font_face = face(path)
    keep = hb.SubsetInput()
    keep.glyph_set.update({0, *glyphs})  # 0: .notdef, which every font program needs
    # Without hints, as WeasyPrint embeds its own (its `hinting` option is off by default): a
    # sixth smaller, the same on paper.
    keep.flags = hb.SubsetFlags.PASSTHROUGH_UNRECOGNIZED | hb.SubsetFlags.DESUBROUTINIZE | hb.SubsetFlags.NO_HINTING
    drop = keep.sets(hb.SubsetInputSets.DROP_TABLE_TAG)
    drop.update({int.from_bytes(tag.encode("ascii"), "big") for tag in _DROP_TABLES})
    result = hb.subset(font_face, keep)
    if result is None:
        raise ValueError(f"HarfBuzz could not subset {path.name}")
    return result.reference_table("CFF ").data
