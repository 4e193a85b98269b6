"""Contact cards (联系卡): 90 × 54 mm, front and back, ten to an A4 sheet, cut true.

Each card face is rendered once, as a page of its own with 2 mm of bleed left and right; the
faces are then placed on A4 sheets (pikepdf), fronts and backs on alternate sheets. The back
sheet's columns are mirrored, so that printed duplex (flip on long edge) each back lands
behind its own front. The cut marks, one template-rendered page, lie over every sheet in the
margins, outside the cards.

Rows share their cut lines: ten cards with bleed all round would leave 3.5 mm at the top
and bottom of the sheet, where office printers print nothing, and the column marks would be
lost. So the designs keep colour off the top and bottom edges and need bleed only at the sides.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Literal

import pikepdf

from booklet import pinyin
from booklet.data.load import Project
from booklet.data.model import Cadre
from booklet.outputs import Output
from booklet.pdf import qr
from booklet.pdf.assemble import overlay, to_bytes
from booklet.pdf.render import Rendered, RenderError, render_pdf
from booklet.pdf.subsets import trim_fonts
from booklet.pdf.templating import render_template
from booklet.pdf.units import PT_PER_MM
from booklet.view import file_groups

FOLDER = "联系卡"
CARD = (90.0, 54.0)
BLEED = 2.0
SHEET = (210.0, 297.0)
COLUMNS, ROWS = 2, 5
PER_SHEET = COLUMNS * ROWS
SAFE_MARGIN = 3.0  # text stays this far inside the trim, whatever the cutter's slip
QrPayload = Literal["tel", "vcard"]


@dataclass(frozen=True)
class Cell:
    """A card's place on the sheet: its trimmed edges in millimetres from the top left."""

    column: int
    row: int

    @property
    def left(self) -> float:
        return _GRID_LEFT + self.column * (CARD[0] + 2 * BLEED) + BLEED

    @property
    def top(self) -> float:
        return _GRID_TOP + self.row * CARD[1]

    def mirrored(self) -> Cell:
        return Cell(COLUMNS - 1 - self.column, self.row)


# The grid is centred, so mirroring a column about the sheet's middle lands on the other column.
_GRID_LEFT = (SHEET[0] - COLUMNS * (CARD[0] + 2 * BLEED)) / 2
_GRID_TOP = (SHEET[1] - ROWS * CARD[1]) / 2
CELLS = [Cell(index % COLUMNS, index // COLUMNS) for index in range(PER_SHEET)]


def cut_marks() -> list[dict[str, float]]:
    """Short lines in the sheet margins, in line with every trim edge, never over a card."""
    gap, length = 1.0, 5.0  # from the grid (and its bleed) to a mark; a mark's length
    marks = []
    xs = sorted({edge for cell in CELLS for edge in (cell.left, cell.left + CARD[0])})
    ys = sorted({edge for cell in CELLS for edge in (cell.top, cell.top + CARD[1])})
    for x in xs:
        marks.append({"x": x, "y": _GRID_TOP - gap - length, "width": 0, "height": length})
        marks.append({"x": x, "y": SHEET[1] - _GRID_TOP + gap, "width": 0, "height": length})
    for y in ys:
        marks.append({"x": _GRID_LEFT - gap - length, "y": y, "width": length, "height": 0})
        marks.append({"x": SHEET[0] - _GRID_LEFT + gap, "y": y, "width": length, "height": 0})
    return marks


def vcard(project: Project, cadre: Cadre) -> str:
    """A vCard 3.0 that saves the person as a contact: name, office, post, phones."""
    def escape(text: str) -> str:
        return text.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")

    family = pinyin.surname(cadre.name)
    given = cadre.name[len(family):]
    station = project.station(cadre.station)
    lines = [
        "BEGIN:VCARD", "VERSION:3.0",
        f"N:{escape(family)};{escape(given)};;;", f"FN:{escape(cadre.name)}",
        f"ORG:{escape(project.org.name)};{escape(station.name)}", f"TITLE:{escape(cadre.post)}",
    ]
    if cadre.mobile:
        lines.append(f"TEL;TYPE=CELL:{cadre.mobile.e164}")
    if cadre.office_phone:
        lines.append(f"TEL;TYPE=WORK,VOICE:{cadre.office_phone.e164}")
    lines.append("END:VCARD")
    return "\r\n".join(lines)


# The back shows whole duties up to about this many characters, three or four lines: more
# would crowd it. Fewer where short duties take a line each and run past the foot (_faces).
BRIEF_CHARS = 90


# Lines of 8 pt duties below the heading before they would run off the card's edge (where the
# render refuses them); the duties are then cut to what ends above the foot (_backs_over).
BACK_LINES = 10
LINE_CHARS = 26  # full-width characters in a line of the back at 8 pt


def _lines(duty: str) -> int:
    return -(-len(duty) // LINE_CHARS)


def brief_duties(cadre: Cadre, limit: int = BRIEF_CHARS) -> list[str]:
    """As many whole duties as make about `limit` characters and stay on the card; the first always."""
    chosen, used, lines = [], 0, 0
    for duty in cadre.duties:
        if chosen and (used + len(duty) > limit or lines + _lines(duty) > BACK_LINES):
            break
        chosen.append(duty)
        used, lines = used + len(duty), lines + _lines(duty)
    return chosen


def _too_long(cadre: Cadre) -> RenderError:
    return RenderError(f"{cadre.name}（{cadre.id}）的联系卡背面放不下：第一条工作职责有 {len(cadre.duties[0])} 字，"
                       "太长了，请精简")


def files(project: Project, people: list[Cadre], payload: QrPayload = "tel", copies: int = PER_SHEET, *,
          per_person: bool = False) -> list[Output]:
    """The card sheets, one PDF per office (or per person): each person `copies` times, front
    sheet then back sheet. All faces are laid out in one document; each file keeps only what
    its own sheets draw, so its bytes depend on its own data only."""
    # The faces' and the marks' fonts are embedded again for each file's own sheets (_impose).
    marks = render_pdf(render_template("cards/marks.html", org=project.org, sheet=SHEET, marks=cut_marks()),
                       project.data_dir, what="联系卡裁切线", programs=False)
    faces = _faces(project, people, payload)
    front = {c.id: 2 * index for index, c in enumerate(people)}
    groups = file_groups(project, people, per_person)
    result = []
    with pikepdf.open(io.BytesIO(faces.pdf)) as source, pikepdf.open(io.BytesIO(marks.pdf)) as marks_pdf:
        for name, group in groups:
            slots = [front[c.id] for c in group for _ in range(copies)]
            pdf = _impose(source, marks_pdf, slots)
            result.append(Output(f"{FOLDER}/{name}", pdf, -(-len(slots) // PER_SHEET)))  # sheets of paper
    return result


def _impose(source: pikepdf.Pdf, marks_pdf: pikepdf.Pdf, slots: list[int]) -> bytes:
    """Sheets of card faces: `slots` are the front faces' page indices in `source`, ten to a
    sheet; the back (the next page) goes on the following sheet, in the mirrored column."""
    with pikepdf.new() as out:
        forms: dict[int, pikepdf.Stream] = {}

        def form(index: int) -> pikepdf.Stream:  # a face is in the file once, however often it is printed
            if index not in forms:
                forms[index] = out.copy_foreign(source.pages[index].as_form_xobject())
            return forms[index]

        marks = out.copy_foreign(marks_pdf.pages[0].as_form_xobject())
        for start in range(0, len(slots), PER_SHEET):
            batch = slots[start:start + PER_SHEET]
            for side in (0, 1):  # fronts, then backs
                sheet = out.add_blank_page(page_size=(SHEET[0] * PT_PER_MM, SHEET[1] * PT_PER_MM))
                for slot, (front, cell) in enumerate(zip(batch, CELLS)):
                    place = cell if side == 0 else cell.mirrored()
                    x0 = (place.left - BLEED) * PT_PER_MM
                    y0 = (SHEET[1] - place.top - CARD[1]) * PT_PER_MM
                    size = ((CARD[0] + 2 * BLEED) * PT_PER_MM, CARD[1] * PT_PER_MM)
                    rect = pikepdf.Rectangle(x0, y0, x0 + size[0], y0 + size[1])
                    overlay(sheet, form(front + side), f"Card{slot + 1}", rect)
                overlay(sheet, marks, "Marks")
        out.remove_unreferenced_resources()
        trim_fonts(out)
        return to_bytes(out, metadata_from=source)


def _faces(project: Project, people: list[Cadre], payload: QrPayload) -> Rendered:
    """Every person's front and back, each a page of its own, bleed included. A back whose
    duties run into its foot is laid out again with one duty fewer."""
    shown = {c.id: len(brief_duties(c)) for c in people}
    for c in people:
        if _lines(c.duties[0]) > BACK_LINES:
            raise _too_long(c)
    while True:
        result = _faces_showing(project, people, payload, shown)
        over = _backs_over(result, people)
        for c in over:
            if shown[c.id] == 1:
                raise _too_long(c)
            shown[c.id] -= 1
        if not over:
            return result


def _faces_showing(project: Project, people: list[Cadre], payload: QrPayload, shown: dict[str, int]) -> Rendered:
    """The faces, each back with the person's first `shown` duties."""
    cards = [
        {
            "cadre": c,
            "station": project.station(c.station),
            "qr": qr.url(vcard(project, c) if payload == "vcard" else c.dial.tel),
            "duties": c.duties[:shown[c.id]],
        }
        for c in people
    ]
    html = render_template("cards/cards.html", org=project.org, cards=cards, payload=payload,
                           card=CARD, bleed=BLEED, hours=project.hours)
    return render_pdf(html, project.data_dir, what="联系卡", programs=False)


def _backs_over(result: Rendered, people: list[Cadre]) -> list[Cadre]:
    """The people whose duties on the back run into the office hours below them, or past the
    card; a front that does not fit fails the render. The faces are fixed boxes: text that runs
    over is not pushed anywhere, it overlaps or is cut off, so it is measured: the front's text
    must end 3 mm inside the trim, and the duties above the office hours. In order: a back that
    runs onto a page of its own moves every face after it, which are measured once it fits."""
    safe = SAFE_MARGIN * PT_PER_MM
    anchors = result.anchors
    over = []
    for index, c in enumerate(people):
        front, back = 2 * index, 2 * index + 1
        end = anchors[f"front-end-{c.id}"]
        if anchors[f"front-{c.id}"].page != front or end.page != front or end.y < safe:
            raise RenderError(f"{c.name}（{c.id}）的联系卡正面放不下：姓名或职务太长，请精简职务")
        duties, foot = anchors[f"duties-end-{c.id}"], anchors[f"foot-{c.id}"]
        if anchors[f"back-{c.id}"].page != back or duties.page != back or foot.page != back:
            return [*over, c]
        if duties.y < foot.y:
            over.append(c)
    return over
