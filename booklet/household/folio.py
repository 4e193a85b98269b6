"""The folio layer: each page's running header and number, and the numbers in the contents'
and the index's number boxes, stamped over the assembled pages from a few pages of headers and
digits (templates/booklet/folio.html). So no part needs to know on which page it or anything
else starts: where the pages are is worked out in household/pagination.py.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass

import pikepdf
from pikepdf import Array, Dictionary, Name

from booklet.pdf.render import Anchor, Rendered


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


class Slots:
    """The number boxes of the contents and the index: `slot(entry, anchor, digits)` in a
    template names the box of an entry and records whose page number it shows, in which set
    of digits."""

    def __init__(self) -> None:
        self.targets: dict[str, tuple[str, str]] = {}

    def __call__(self, entry: str, anchor: str, digits: str) -> str:
        box = f"number-{entry}"
        self.targets[box] = (anchor, digits)
        return box


class FolioLayer:
    """Stamps the folios and numbers over the assembled pages (`assemble`'s layer).

    `stamps` holds `headers` pages with one running header each, then ten pages for each of
    DIGIT_SETS, one digit to a page (anchors `<set>-digit-N` and `<set>-digit-N-end`).
    """

    def __init__(self, stamps: Rendered, folios: list[Folio], numbers: list[Number], headers: int) -> None:
        self.stamps, self.folios, self.numbers, self.headers = stamps, folios, numbers, headers

    def __call__(self, out: pikepdf.Pdf) -> None:
        headers = self.headers
        with pikepdf.open(io.BytesIO(self.stamps.pdf)) as layer:
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
            digits = _Digits(drawings, headers, self.stamps.anchors)
            # In reading order: the numbers in the boxes after the entries, the folio last.
            on_page: dict[int, list[bytes]] = {}
            for number in self.numbers:
                on_page.setdefault(number.page, []).append(digits.right_aligned(number))
            for folio in self.folios:
                if folio.header is not None:
                    on_page.setdefault(folio.page, []).append(b"q\n" + drawings[folio.header] + b"\nQ\n")
                on_page.setdefault(folio.page, []).append(digits.centred(folio.number))
            pages = list(out.pages)
            for index, drawing in on_page.items():
                _stamp(out, pages[index], index, b"".join(drawing), resources, box)


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
