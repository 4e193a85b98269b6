"""Assembling a document from separately rendered parts: pages in order, a folio laid over
them, named destinations, the links between parts, the outline and the metadata."""
from __future__ import annotations

import datetime
import io
import re
from collections.abc import Collection
from dataclasses import dataclass

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from booklet.render import Anchor, Rendered
from booklet.subsets import share_fonts, trim_fonts

# Links between parts are written `booklet:#anchor` in the templates (WeasyPrint would
# refuse an anchor that is not in the same document) and become GoTo actions here.
LINK_PREFIX = "booklet:#"


@dataclass(frozen=True)
class Bookmark:
    level: int
    title: str
    anchor: str


@dataclass(frozen=True)
class Metadata:
    title: str
    author: str
    subject: str
    date: datetime.date


def overlay(page: pikepdf.Page, other: pikepdf.Page | pikepdf.Stream, name: str,
            rect: pikepdf.Rectangle | None = None) -> None:
    """Draw `other` (a page, or a form already made of one) over `page`, in `rect` (default:
    the whole page).

    What pikepdf's own `add_overlay` does, but under a name we choose: its names are random,
    and the same data must give the same bytes.
    """
    formx = other.as_form_xobject() if isinstance(other, pikepdf.Page) else other
    placed = page.add_resource(formx, Name.XObject, Name("/" + name))
    placement = page.calc_form_xobject_placement(
        formx, placed, rect or pikepdf.Rectangle(page.trimbox), allow_shrink=True, allow_expand=True)
    page.contents_add(b"q\n", prepend=True)
    page.contents_add(b"Q\n" + placement, prepend=False)
    page.contents_coalesce()


def to_bytes(out: pikepdf.Pdf, metadata_from: pikepdf.Pdf | None = None) -> bytes:
    """Save `out`, with the document info and language of `metadata_from` if given.

    deterministic_id: the file id is a hash of the content, so the same data gives the same
    bytes (qpdf writes no dates of its own).
    """
    if metadata_from is not None:
        out.docinfo = out.copy_foreign(metadata_from.docinfo)
        out.Root.Lang = metadata_from.Root.get(Name.Lang, String("zh-CN"))
    buffer = io.BytesIO()
    out.save(buffer, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return buffer.getvalue()


def place_anchors(parts: list[Rendered]) -> tuple[dict[str, Anchor], list[int]]:
    """Each anchor's page in the assembled document, and the first page index of each part."""
    anchors: dict[str, Anchor] = {}
    starts = []
    offset = 0
    for part in parts:
        starts.append(offset)
        for name, anchor in part.anchors.items():
            if name in anchors:
                raise ValueError(f"anchor {name!r} is in two parts")
            anchors[name] = Anchor(anchor.page + offset, anchor.x, anchor.y)
        offset += part.pages
    return anchors, starts


@dataclass(frozen=True)
class Folio:
    """What the folio layer prints on one page: a running header (an index into the stamps'
    header pages, or None) and the page number, centred at the foot."""

    page: int
    header: int | None
    number: int


@dataclass(frozen=True)
class Number:
    """A page number in a number box of the contents or the index: in the set of digits
    `digits`, its right end at `right` and its top at `top` (PDF points on page `page`)."""

    page: int
    digits: str
    number: int
    right: float
    top: float


# The stamps' sets of digits, after the headers, in this order: ten pages each.
DIGIT_SETS = ("folio", "toc-1", "toc-2", "index")


def assemble(parts: list[Rendered], stamps: Rendered | None, folios: list[Folio], numbers: list[Number],
             headers: int, bookmarks: list[Bookmark], meta: Metadata, unnamed: Collection[str] = ()) -> pikepdf.Pdf:
    """One PDF of `parts` in order, with the folios and numbers stamped on, for the caller to
    save (`to_bytes`) and close. Every anchor is a named destination but those `unnamed`.

    `stamps` holds `headers` pages with one running header each, then ten pages for each of
    DIGIT_SETS, one digit to a page (anchors `<set>-digit-N` and `<set>-digit-N-end`).
    """
    out = pikepdf.new()
    for part in parts:
        _take_pages(out, part.pdf)
    anchors, _ = place_anchors(parts)

    if stamps is not None:
        with pikepdf.open(io.BytesIO(stamps.pdf)) as layer:
            if len(layer.pages) != headers + 10 * len(DIGIT_SETS):
                raise ValueError(f"folio stamps have {len(layer.pages)} pages for {headers} headers")
            for page in layer.pages:
                page.contents_coalesce()
            drawings = [page.obj.Contents.read_bytes() for page in layer.pages]
            # WeasyPrint gives all pages of a document one resource dictionary.
            if len({page.obj.Resources.objgen for page in layer.pages}) != 1:
                raise ValueError("folio stamps do not share their resources")
            resources = out.copy_foreign(layer.pages[0].obj.Resources)
            box = Array([float(v) for v in layer.pages[0].mediabox])
            digits = _Digits(drawings, headers, stamps.anchors)
            # In reading order: the numbers in the boxes after the entries, the folio last.
            on_page: dict[int, list[bytes]] = {}
            for number in numbers:
                on_page.setdefault(number.page, []).append(digits.right_aligned(number))
            for folio in folios:
                if folio.header is not None:
                    on_page.setdefault(folio.page, []).append(b"q\n" + drawings[folio.header] + b"\nQ\n")
                on_page.setdefault(folio.page, []).append(digits.centred(folio.number))
            pages = list(out.pages)
            for index, drawing in on_page.items():
                _stamp(out, pages[index], index, b"".join(drawing), resources, box)

    _name_destinations(out, {name: anchor for name, anchor in anchors.items() if name not in unnamed})
    _link_parts(out, anchors)
    _outline(out, bookmarks, anchors)
    _metadata(out, meta)
    share_fonts(out)
    return out


def _take_pages(out: pikepdf.Pdf, pdf: bytes) -> None:
    """Append the pages of `pdf` to `out`, with everything they use, and let `pdf` go.

    pikepdf copies a stream's data from its source only when `out` is saved, so every part
    would stay open, its objects read, until then: as much memory again as the copies. The
    data is copied now (as it was: compressed) and the part closed.
    """
    with pikepdf.open(io.BytesIO(pdf)) as source:
        out.pages.extend(source.pages)
        for obj in source.objects:
            if isinstance(obj, pikepdf.Stream) and obj.get(Name.Type) not in (Name.ObjStm, Name.XRef):
                # qpdf keeps what it copied from each source: this is the copy the pages use.
                copy = out.copy_foreign(obj)
                copy.write(copy.read_raw_bytes(), filter=copy.get(Name.Filter), decode_parms=copy.get(Name.DecodeParms))


class _Digits:
    """Numbers drawn from the digit stamps: each stamp's drawing holds its digit alone, so the
    page's text reads as the number. (As a form per stamp, PDFium ran the number into the
    header or into the page's last line when extracting text.)"""

    def __init__(self, drawings: list[bytes], headers: int, anchors: dict[str, Anchor]) -> None:
        self.drawings, self.headers, self.anchors = drawings, headers, anchors

    def _digit(self, digits: str, digit: str) -> tuple[bytes, Anchor, float]:
        start, end = self.anchors[f"{digits}-digit-{digit}"], self.anchors[f"{digits}-digit-{digit}-end"]
        drawing = self.drawings[self.headers + 10 * DIGIT_SETS.index(digits) + int(digit)]
        return drawing, start, end.x - start.x

    def centred(self, number: int) -> bytes:
        """A page number: every folio digit stamp is centred on the page, so its digit starts
        half its width left of centre; the number's digits side by side, centred as one."""
        drawn = [self._digit("folio", d) for d in str(number)]
        x = -sum(width for _, _, width in drawn) / 2
        out = []
        for drawing, _, width in drawn:
            out.append(f"q 1 0 0 1 {x + width / 2:.3f} 0 cm\n".encode() + drawing + b"\nQ\n")
            x += width
        return b"".join(out)

    def right_aligned(self, number: Number) -> bytes:
        """The digits moved from where their stamps drew them to end at `right`, their tops
        at `top`: in the same markup and type, the tops of the digit and of the box line up."""
        out = []
        right = number.right
        for digit in reversed(str(number.number)):
            drawing, start, width = self._digit(number.digits, digit)
            right -= width
            shift = f"q 1 0 0 1 {right - start.x:.3f} {number.top - start.y:.3f} cm\n".encode()
            out.append(shift + drawing + b"\nQ\n")
        return b"".join(out)


def _stamp(out: pikepdf.Pdf, page: pikepdf.Page, index: int, drawing: bytes, resources: pikepdf.Dictionary,
           box: pikepdf.Array) -> None:
    """Everything stamped on a page, as one form of the page's own."""
    stamps = pikepdf.Stream(out, drawing)
    stamps.Type, stamps.Subtype = Name.XObject, Name.Form
    stamps.BBox, stamps.Resources = box, resources
    _own_resources(out, page)
    name = Name(f"/Folio{index + 1}")
    page.add_resource(stamps, Name.XObject, name)
    trim = page.trimbox
    page.contents_add(b"q\n", prepend=True)
    page.contents_add(f"Q\nq 1 0 0 1 {float(trim[0]):.3f} {float(trim[1]):.3f} cm {name} Do Q\n".encode(),
                      prepend=False)
    page.contents_coalesce()


_DRAWN = re.compile(rb"/([^\s/\[\]()<>{}%]+)\s*Do\b")


def _own_resources(out: pikepdf.Pdf, page: pikepdf.Page) -> None:
    """Give a page a resource dictionary of its own, listing the images and forms it draws.

    WeasyPrint gives all pages of a document one: a chapter's lists every QR code in it, and
    with every page's stamp added, each page of a part would list every other's. The print
    copy makes each page a form with its resources: it grew with the square of a part's
    pages (85 MB at 10x). The rest (fonts, graphic states) stays shared, as one object.
    """
    shared = page.obj.Resources
    page.contents_coalesce()
    drawn = {Name("/" + name.decode("latin-1")) for name in _DRAWN.findall(page.obj.Contents.read_bytes())}
    own = Dictionary()
    for key in sorted(shared.keys()):  # a set: in hash order otherwise, and the objects numbered so
        if key == Name.XObject:
            continue
        if isinstance(shared[key], Dictionary) and not shared[key].is_indirect:
            shared[key] = out.make_indirect(shared[key])
        own[key] = shared[key]
    forms = shared.get(Name.XObject, Dictionary())
    own.XObject = Dictionary({key: forms[key] for key in sorted(forms.keys()) if key in drawn})
    page.obj.Resources = own


# Names in a leaf of the destinations' name tree.
_LEAF = 128


def _name_destinations(out: pikepdf.Pdf, anchors: dict[str, Anchor]) -> None:
    """Every anchor becomes a named destination, so `booklet.pdf#service-dibao` opens there.

    The tree is built here, leaves of sorted names under one root.
    """
    pages = [page.obj for page in out.pages]  # pikepdf finds `out.pages[i]` anew each time: slow
    entries = sorted(((String(name), anchor) for name, anchor in anchors.items()), key=lambda e: bytes(e[0]))
    leaves = Array()
    for start in range(0, len(entries), _LEAF):
        leaf = entries[start:start + _LEAF]
        names = Array()
        for name, anchor in leaf:
            names.append(name)
            names.append(Array([pages[anchor.page], Name.XYZ, round(anchor.x, 2), round(anchor.y, 2), 0]))
        leaves.append(out.make_indirect(Dictionary(Names=names, Limits=Array([leaf[0][0], leaf[-1][0]]))))
    out.Root.Names = Dictionary(Dests=out.make_indirect(Dictionary(Kids=leaves)))


def _link_parts(out: pikepdf.Pdf, anchors: dict[str, Anchor]) -> None:
    for page in out.pages:
        for annotation in page.obj.get(Name.Annots, []):
            action = annotation.get(Name.A)
            if action is None or action.get(Name.S) != Name.URI:
                continue
            uri = str(action.URI)
            if uri.startswith(LINK_PREFIX):
                target = uri[len(LINK_PREFIX):]
                if target not in anchors:
                    raise ValueError(f"link to unknown anchor {target!r}")
                annotation.A = Dictionary(S=Name.GoTo, D=String(target))


def _outline(out: pikepdf.Pdf, bookmarks: list[Bookmark], anchors: dict[str, Anchor]) -> None:
    with out.open_outline() as outline:
        parents: list[list] = [outline.root]
        for mark in bookmarks:
            item = pikepdf.OutlineItem(mark.title, String(mark.anchor))
            del parents[mark.level:]
            parents[-1].append(item)
            parents.append(item.children)


def pdf_date(date: datetime.date) -> str:
    return f"D:{date:%Y%m%d}000000+08'00'"


def _metadata(out: pikepdf.Pdf, meta: Metadata) -> None:
    stamp = pdf_date(meta.date)
    out.docinfo[Name.Title] = meta.title
    out.docinfo[Name.Author] = meta.author
    out.docinfo[Name.Subject] = meta.subject
    out.docinfo[Name.Creator] = "booklet"
    out.docinfo[Name.CreationDate] = stamp
    out.docinfo[Name.ModDate] = stamp
    out.Root.Lang = String("zh-CN")
    out.Root.PageMode = Name.UseOutlines
    out.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)


def collect_pages(pages: list[tuple[bytes, int]]) -> bytes:
    """A PDF of the given pages, each (a PDF's bytes, a 0-based page index), in order.

    The metadata is the first source's. WeasyPrint gives all pages of a document one shared
    resource dictionary: what a page does not use is dropped, or every file taken from a
    document would carry every photo in it; and the fonts are cut down to the glyphs these
    pages draw. So the file is the same whichever other pages the sources hold.
    """
    sources: dict[int, pikepdf.Pdf] = {}
    with pikepdf.new() as out:
        for pdf, index in pages:
            if id(pdf) not in sources:
                sources[id(pdf)] = pikepdf.open(io.BytesIO(pdf))
            out.pages.append(sources[id(pdf)].pages[index])
        out.remove_unreferenced_resources()
        trim_fonts(out)
        pdf = to_bytes(out, metadata_from=next(iter(sources.values())))
    for source in sources.values():
        source.close()
    return pdf
