"""Assembling a document from separately rendered parts: the parts made ready for it, pages
in order, named destinations, the links between parts, the outline, the metadata and the fonts
shared; and files of some pages of rendered documents."""
from __future__ import annotations

import datetime
import io
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from booklet.pdf.links import merge_links
from booklet.pdf.render import Anchor, Rendered, render_pdf
from booklet.pdf.subsets import share_fonts, trim_fonts, without_programs

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


def for_assembly(pdf: bytes) -> bytes:
    """A part's PDF as the assembler takes it: with no font programs, which it embeds once for
    all parts (booklet/pdf/subsets.py), and one link annotation where WeasyPrint wrote several
    (booklet/pdf/links.py). Done in the worker that rendered it, not in the assembler's process."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        without_programs(document)
        merge_links(document)
        return to_bytes(document)


def as_part(result: Rendered) -> Rendered:
    """A rendered document made ready for the assembler (`for_assembly`)."""
    return Rendered(for_assembly(result.pdf), result.pages, result.anchors)


def render_part(html: str, data_dir: Path, what: str) -> Rendered:
    """`html` rendered as a part of a document put together here."""
    return as_part(render_pdf(html, data_dir, what, programs=False))


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
class Navigation:
    """What a reader on a screen moves by: the outline (`bookmarks`), and every anchor a named
    destination but those `unnamed`; the links between parts need them too."""

    bookmarks: list[Bookmark]
    unnamed: Collection[str] = ()


def assemble(parts: list[Rendered], meta: Metadata, navigation: Navigation | None,
             layer: Callable[[pikepdf.Pdf], None] | None = None) -> pikepdf.Pdf:
    """One PDF of `parts` in order, for the caller to save (`to_bytes`) and close; without
    `navigation` for paper, which has no use for it. `layer(document)` draws over the pages
    (the booklet's folio) once they are all there, before anything else is added.
    """
    out = pikepdf.new()
    _page_tree(out, [page for part in parts for page in _take_pages(out, part.pdf)])
    if layer is not None:
        layer(out)
    if navigation is not None:
        anchors, _ = place_anchors(parts)
        _name_destinations(out, {name: anchor for name, anchor in anchors.items() if name not in navigation.unnamed})
        _link_parts(out, anchors)
        _outline(out, navigation.bookmarks, anchors)
    _metadata(out, meta)
    share_fonts(out)
    return out


def _take_pages(out: pikepdf.Pdf, pdf: bytes) -> list[pikepdf.Dictionary]:
    """Copies in `out` of the pages of `pdf`, with everything they use; `pdf` is let go.

    pikepdf copies a stream's data from its source only when `out` is saved, so every part
    would stay open, its objects read, until then: as much memory again as the copies. The
    data is copied now (as it was: compressed) and the part closed.
    """
    with pikepdf.open(io.BytesIO(pdf)) as source:  # which puts what a page inherits on the page
        pages = [out.copy_foreign(page.obj) for page in source.pages]
        for obj in source.objects:
            if isinstance(obj, pikepdf.Stream) and obj.get(Name.Type) not in (Name.ObjStm, Name.XRef):
                # qpdf keeps what it copied from each source: this is the copy the pages use.
                copy = out.copy_foreign(obj)
                copy.write(copy.read_raw_bytes(), filter=copy.get(Name.Filter), decode_parms=copy.get(Name.DecodeParms))
    return pages


def _page_tree(out: pikepdf.Pdf, pages: list[pikepdf.Dictionary]) -> None:
    """`pages`, copied into the new document `out`, become its pages: one flat page tree.

    What `out.pages.extend` does, page by page, but at once: pikepdf counts the document's
    pages for each page it adds, by copying their list, and the 4,000 pages of a township ten
    times a street office's size took 1.8 s of every rebuild. qpdf reads the page tree when
    first asked for the pages, which must be after this: checked.
    """
    tree = out.Root.Pages
    for page in pages:
        page.Parent = tree
    tree.Kids = Array(pages)
    tree.Count = len(pages)
    if len(out.pages) != len(pages):
        raise ValueError(f"page tree of {len(out.pages)} pages, not {len(pages)}")


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
