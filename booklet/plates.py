"""Door plates (便民身份证): one page per person, duties shrunk until they fit, split by office.

All selected plates are laid out in one WeasyPrint document; a plate whose duties run into
its foot is laid out again with smaller duties, step by step, down to a readable minimum.
The finished document is then split into one PDF per office (or per person).
"""
from __future__ import annotations

import base64
import math
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from booklet import pinyin
from booklet.data import photos
from booklet.data.diagnostics import Problem
from booklet.data.load import Project
from booklet.data.model import Cadre, PaperSize, Station
from booklet.outputs import Output
from booklet.pdf.assemble import collect_pages
from booklet.pdf.render import Rendered, RenderError, render_pdf
from booklet.pdf.templating import render_template
from booklet.pdf.units import MM_PER_PT
from booklet.view import file_groups

FOLDER = "便民身份证"
# Duties start at this size on an A4 landscape plate (scaled with the plate) and shrink by
# these factors; never below MIN_DUTIES_PT, readable from a step or two away.
DUTIES_PT = 17
SHRINK = (1.0, 0.9, 0.8, 0.7, 0.62, 0.55)
MIN_DUTIES_PT = 9
# The photo on an A4 landscape plate, and the gap to the text beside it.
PHOTO_HEIGHT_MM = 112
PHOTO_GAP_MM = 8


@dataclass(frozen=True)
class PlateLayout:
    """The plate's geometry in millimetres, everything scaled from an A4 landscape plate."""

    paper: PaperSize

    @property
    def unit(self) -> float:
        """The plate's scale to an A4 landscape one: the templates are drawn at that size and
        rendered at this zoom."""
        return min(self.paper.width_mm / 297, self.paper.height_mm / 210)

    def css(self, mm: float) -> str:
        """A length on the plate, in the units of the A4 design."""
        return f"{mm / self.unit:.3f}mm"

    def css_pt(self, pt: float) -> str:
        return f"{pt / self.unit:.3f}pt"

    @property
    def photo(self) -> tuple[float, float]:
        """The photo's width and height: 3:4, PHOTO_HEIGHT_MM high on an A4 plate. The
        template sizes it from here, and the photo is prepared for print at this size."""
        height = PHOTO_HEIGHT_MM * self.unit
        return height * 3 / 4, height

    @property
    def beside_photo(self) -> float:
        """Where the text beside the photo starts: after the photo and its gap."""
        return self.photo[0] + PHOTO_GAP_MM * self.unit

    @property
    def qr_mm(self) -> float:
        # Read from half a metre: a code about a tenth of the distance wide.
        return max(25.0, 52 * self.unit)

    def duties_sizes(self) -> list[float]:
        sizes = [DUTIES_PT * self.unit * factor for factor in SHRINK]
        return [size for size in sizes if size >= MIN_DUTIES_PT] or [MIN_DUTIES_PT]

    @property
    def margins(self) -> tuple[float, float, float]:
        """The page's top, side and bottom margins."""
        return 10 * self.unit, 12 * self.unit, 12 * self.unit

    @property
    def plate_height_mm(self) -> float:
        top, _, bottom = self.margins
        return self.paper.height_mm - top - bottom

    @property
    def foot_mm(self) -> float:
        """Kept free at the bottom of the plate for the status boxes and the supervision phone."""
        return 28 * self.unit

    @property
    def body_height_mm(self) -> float:
        return self.plate_height_mm - self.foot_mm


@dataclass(frozen=True)
class Plate:
    cadre: Cadre
    station: Station
    photo: str | None
    """A data: URI of the prepared photo, or None for the placeholder."""
    duties_pt: float

    @property
    def anchor(self) -> str:
        return f"plate-{self.cadre.id}"


def render(project: Project, people: list[Cadre], paper: PaperSize | None = None,
           cache: Path | None = None) -> dict[str, tuple[bytes, int]]:
    """Each person's plate, exactly one page: the PDF it is in and its page index there.

    `cache`: a folder where the photos prepared for print are kept for the next time."""
    layout = PlateLayout(paper or project.org.plate_size)
    sizes = layout.duties_sizes()
    step = {c.id: 0 for c in people}
    found: dict[str, tuple[bytes, int]] = {}
    trying = people
    while trying:  # only the plates that did not fit are laid out again, one size smaller
        result = _render(project, layout, trying, sizes, step, cache=cache)
        over = _overflowing(result, trying)
        for cadre in trying:
            if cadre not in over:
                found[cadre.id] = (result.pdf, result.anchors[f"plate-{cadre.id}"].page)
        for cadre in over:
            if step[cadre.id] + 1 == len(sizes):
                raise RenderError(_too_long(project, layout, cadre, sizes[-1]))
            step[cadre.id] += 1
        trying = over
    return found


def files(project: Project, people: list[Cadre], pages: dict[str, tuple[bytes, int]], *,
          per_person: bool) -> list[Output]:
    """The plates as the clerk prints them: one PDF per office, or one per person."""
    groups = file_groups(project, people, per_person)
    return [
        Output(f"{FOLDER}/{name}", collect_pages([pages[c.id] for c in group]), len(group))
        for name, group in groups
    ]


def _render(project: Project, layout: PlateLayout, people: list[Cadre], sizes: list[float],
            step: dict[str, int], *, measure: bool = False, cache: Path | None = None) -> Rendered:
    plates = [
        Plate(c, project.station(c.station), _photo(project, c, layout, cache), sizes[step[c.id]])
        for c in people
    ]
    html = render_template("plates/plates.html", org=project.org, layout=layout, plates=plates,
                           surname=pinyin.surname, measure=measure)
    # Its fonts are embedded again for each file's own pages (assemble.collect_pages).
    return render_pdf(html, project.data_dir, what="便民身份证", zoom=layout.unit, programs=False)


def _photo(project: Project, cadre: Cadre, layout: PlateLayout, cache: Path | None) -> str | None:
    if cadre.photo is None:
        return None
    jpeg = photos.portrait(photos.resolve(project.data_dir, cadre.photo), *layout.photo, project.facts, cache=cache)
    return "data:image/jpeg;base64," + base64.b64encode(jpeg).decode("ascii")


def beyond_any_plate(project: Project) -> list[Problem]:
    """Duties that no plate of the data's size could print, even at the smallest size and
    across the whole plate, the photo, name and phones left out: said with the check, rather
    than after minutes of laying out a plate at size after size (a duty of 100,000 characters
    took ten)."""
    if project.org is None:  # org.yaml has errors of its own: the plate's size is not known
        return []
    layout = PlateLayout(project.org.plate_size)
    letter_mm = layout.duties_sizes()[-1] * MM_PER_PT
    per_line = (layout.paper.width_mm - 2 * layout.margins[1]) / letter_mm
    lines = int(layout.plate_height_mm / letter_mm)  # at a line height of 1: fewer fit
    problems = []
    for cadre in project.cadres:
        needed = sum(max(1, math.ceil(_width(duty) / per_line)) for duty in cadre.duties)
        if needed > lines:
            written = sum(len(duty) for duty in cadre.duties)
            problems.append(project.origin(cadre).problem("duties", message=(
                f"{cadre.name} duties: 工作职责共 {len(cadre.duties)} 条、{written} 字，{layout.paper}的便民身份证"
                f"印不下：字号最小时整块牌子也只能排约 {lines} 行、每行 {int(per_line)} 字；请精简")))
    return problems


def _width(text: str) -> float:
    """In the widths of a Chinese character: Latin letters and digits take about half one."""
    return sum(1 if unicodedata.east_asian_width(c) in ("W", "F") else 0.5 for c in text)


def _overflowing(result: Rendered, people: list[Cadre]) -> list[Cadre]:
    """The plates whose text runs into the foot, or on past the page."""
    def over(cadre: Cadre) -> bool:
        start, end = result.anchors[f"plate-{cadre.id}"], result.anchors[f"plate-end-{cadre.id}"]
        foot = result.anchors[f"plate-foot-{cadre.id}"]
        return end.page != start.page or foot.page != start.page or end.y < foot.y

    return [c for c in people if over(c)]


def _too_long(project: Project, layout: PlateLayout, cadre: Cadre, size_pt: float) -> str:
    """How much too long the duties are, measured on a plate of their own at the smallest size."""
    alone = _render(project, layout, [cadre], [size_pt], {cadre.id: 0}, measure=True)

    def flow(anchor: str) -> float:  # millimetres down the plate's content, across pages
        mark = alone.anchors[anchor]
        return mark.page * layout.plate_height_mm + layout.paper.height_mm - layout.margins[0] - mark.y * MM_PER_PT

    over = flow(f"plate-end-{cadre.id}") - layout.body_height_mm
    duties = flow(f"plate-end-{cadre.id}") - flow(f"duties-{cadre.id}")
    if over >= duties:  # even with no duties at all, the name and phones do not fit
        return (f"{cadre.name}（{cadre.id}）的便民身份证放不下：尺寸 {layout.paper} 太小，"
                f"连姓名和电话都排不下，请改用更大的尺寸（plate_size）")
    written = sum(len(duty) for duty in cadre.duties)
    # Lines end part-filled, so cutting a share of the characters frees less than that share
    # of the height: ask for a fifth more, in tens, and never more than there is.
    chars = min(written, max(10, -(-written * over / duties * 1.2 // 10) * 10))
    return (f"{cadre.name}（{cadre.id}）的工作职责太长，便民身份证放不下：字号缩到 {size_pt:.0f} 磅仍超出约 "
            f"{max(1, round(over))} 毫米，请从 {written} 字中删减约 {chars:.0f} 字，或改用更大的尺寸（plate_size）")
