"""Assembling a document from separately rendered parts: pages in order, a folio laid over
them, named destinations, the links between parts, the outline and the metadata."""
from __future__ import annotations

import datetime
import io
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


def overlay(page: pikepdf.Page, other: pikepdf.Page, name: str, rect: pikepdf.Rectangle | None = None) -> None:
    """Draw `other` over `page`, in `rect` (default: the whole page).

    What pikepdf's own `add_overlay` does, but under a name we choose: its names are random,
    and the same data must give the same bytes.
    """
    formx = other.as_form_xobject()
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
    header pages, or None) and the page number."""

    page: int
    header: int | None
    number: int


def assemble(parts: list[Rendered], stamps: Rendered | None, folios: list[Folio], headers: int,
             bookmarks: list[Bookmark], meta: Metadata) -> bytes:
    """One PDF of `parts` in order, each page with its folio stamped on.

    `stamps` holds `headers` pages with one running header each, then ten pages with one
    digit each, centred where a page number goes (anchors `digit-N` and `digit-N-end`).
    """
    out = pikepdf.new()
    sources = [pikepdf.open(io.BytesIO(part.pdf)) for part in parts]
    for source in sources:
        out.pages.extend(source.pages)
    anchors, _ = place_anchors(parts)

    if stamps is not None:
        with pikepdf.open(io.BytesIO(stamps.pdf)) as layer:
            if len(layer.pages) != headers + 10:
                raise ValueError(f"folio stamps have {len(layer.pages)} pages for {headers} headers")
            for page in layer.pages:
                page.contents_coalesce()
            contents = [page.obj.Contents.read_bytes() for page in layer.pages]
            # WeasyPrint gives all pages of a document one resource dictionary.
            if len({page.obj.Resources.objgen for page in layer.pages}) != 1:
                raise ValueError("folio stamps do not share their resources")
            resources = out.copy_foreign(layer.pages[0].obj.Resources)
            box = Array([float(v) for v in layer.pages[0].mediabox])
            for folio in folios:
                _stamp_folio(out, out.pages[folio.page], folio, contents, resources, box, headers,
                             stamps.anchors)

    _name_destinations(out, anchors)
    _link_parts(out, anchors)
    _outline(out, bookmarks, anchors)
    _metadata(out, meta)
    share_fonts(out)
    pdf = to_bytes(out)
    for source in sources:
        source.close()
    return pdf


def _stamp_folio(out: pikepdf.Pdf, page: pikepdf.Page, folio: Folio, contents: list[bytes],
                 resources: pikepdf.Dictionary, box: pikepdf.Array, headers: int,
                 anchors: dict[str, Anchor]) -> None:
    """The header as it is, and the number's digits side by side, centred as one line.

    The stamps' own drawing is copied into one form of the page's own: each digit stamp holds
    that digit alone, so the page's text reads as the number. (As a form per stamp, PDFium ran
    the number into the header or into the page's last line when extracting text.)
    """
    drawing = []
    if folio.header is not None:
        drawing.append(b"q\n" + contents[folio.header] + b"\nQ\n")
    digits = str(folio.number)
    widths = [anchors[f"digit-{d}-end"].x - anchors[f"digit-{d}"].x for d in digits]
    # Every digit stamp is centred on the page: its digit starts half its width left of centre.
    x = -sum(widths) / 2
    for digit, width in zip(digits, widths, strict=True):
        shift = f"q 1 0 0 1 {x + width / 2:.3f} 0 cm\n".encode()
        drawing.append(shift + contents[headers + int(digit)] + b"\nQ\n")
        x += width
    stamps = pikepdf.Stream(out, b"".join(drawing))
    stamps.Type, stamps.Subtype = Name.XObject, Name.Form
    stamps.BBox, stamps.Resources = box, resources
    # The pages of a part share one resource dictionary: a name per page.
    name = Name(f"/Folio{folio.page + 1}")
    page.add_resource(stamps, Name.XObject, name)
    trim = page.trimbox
    page.contents_add(b"q\n", prepend=True)
    page.contents_add(f"Q\nq 1 0 0 1 {float(trim[0]):.3f} {float(trim[1]):.3f} cm {name} Do Q\n".encode(),
                      prepend=False)
    page.contents_coalesce()


def _name_destinations(out: pikepdf.Pdf, anchors: dict[str, Anchor]) -> None:
    """Every anchor becomes a named destination, so `booklet.pdf#service-dibao` opens there."""
    tree = pikepdf.NameTree.new(out)
    for name, anchor in sorted(anchors.items()):
        tree[name] = Array([out.pages[anchor.page].obj, Name.XYZ, round(anchor.x, 2), round(anchor.y, 2), 0])
    out.Root.Names = Dictionary(Dests=tree.obj)


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
