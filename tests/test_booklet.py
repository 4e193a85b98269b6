"""The household booklet as a household and a print shop get it, read back from the real PDFs."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from booklet.household import book
from booklet.household.impose import sheet_order

from conftest import DEMO, run_cli
from pdfread import page_sizes_mm, page_texts, text_runs

FORBIDDEN_AT_LINE_START = tuple("。，、；：？！）」』》")
FORBIDDEN_AT_LINE_END = tuple("（「『《")
MOBILE_OR_LANDLINE = re.compile(r"1\d{2} \d{4} \d{4}|0\d{2,3}-\d{4} \d{4}")


@pytest.fixture(scope="module")
def reading(demo_output) -> Path:
    return demo_output / book.READING_COPY


@pytest.fixture(scope="module")
def printing(demo_output) -> Path:
    return demo_output / book.PRINT_COPY


@pytest.fixture(scope="module")
def texts(reading) -> list[str]:
    return page_texts(reading)


@pytest.fixture(scope="module")
def large_print(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("large")
    result = run_cli("build", "--large-print", "--data", str(DEMO), "--out", str(out))
    assert result.code == 0, result.stderr
    return out / book.LARGE_PRINT_COPY


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def headings(reading) -> dict[str, int]:
    """Chapter and item headings (the serif bold text) and the page (1-based) each starts on."""
    found: dict[str, int] = {}
    for number, runs in enumerate(text_runs(reading), 1):
        for run in runs:
            if "Serif" in run.font and "Bold" in run.font:
                found.setdefault(_squash(run.text), number)
    return found


def _numbered_entries(texts: list[str], pages: list[int], skip: set[str]) -> list[tuple[str, int]]:
    """The (text, page number) entries of a contents or index: text, dot leaders, a number."""
    entries, pending = [], ""
    for number in pages:
        for line in _lines(texts[number - 1]):
            if not pending and (line in skip or line.isdigit()):
                continue  # running header, page number, letter heading
            match = re.fullmatch(r"(.*?)[.\s]*(\d+)", line)
            if match:
                entries.append((_squash(pending + match.group(1)), int(match.group(2))))
                pending = ""
            else:
                pending += line
    return entries


def _pages_of(texts: list[str], title: str) -> list[int]:
    """The pages of a part: its title, or its running header, is a line of its own there."""
    return [n for n, text in enumerate(texts, 1) if title in _lines(text)]


def test_the_reading_copy_is_a5_padded_to_a_multiple_of_four(reading, texts):
    sizes = page_sizes_mm(reading)
    assert set(sizes) == {(148, 210)}
    assert len(sizes) % 4 == 0
    assert "便民服务一本通" in texts[0] and "0571-8000 0000" in texts[0]  # the cover
    assert "编印" in texts[-1]  # the back cover is last
    assert all(_lines(text)[0] == "备注" for text in texts if "备注" in _lines(text)[:1])


def test_every_inner_page_prints_its_own_number(texts):
    for number, text in enumerate(texts[1:-1], 2):
        assert [line for line in _lines(text) if line.isdigit()][-1] == str(number)
    assert not [line for line in _lines(texts[0]) + _lines(texts[-1]) if line.isdigit()]


def test_the_parts_come_in_order(texts):
    firsts = {}
    for title in ("使用说明", "目录", "站所目录", "干部目录", "按人生大事查找", "事项索引", "监督投诉"):
        firsts[title] = _pages_of(texts, title)[0]
    assert firsts["使用说明"] == 2
    assert list(firsts) == sorted(firsts, key=firsts.get)


def test_contents_page_numbers_are_where_the_headings_are(texts, headings):
    contents = _pages_of(texts, "目录")
    entries = _numbered_entries(texts, contents, skip={"目录"})
    from booklet.data.checks import check_data

    project = check_data(DEMO)
    expected_titles = {_squash(s.name) for s in project.services} | {_squash(c.name) for c in project.org.categories}
    assert expected_titles <= {title for title, _ in entries}
    for title, number in entries:
        assert headings[title] == number, title


def test_index_page_numbers_are_where_the_items_are_and_aliases_are_under_their_letter(texts, headings):
    index = _pages_of(texts, "事项索引")
    letters = {chr(c) for c in range(ord("A"), ord("Z") + 1)}
    lead = "按事项名称和俗称的拼音排列，如「低保」在 D 下。"
    entries = _numbered_entries(texts, index, skip={"事项索引", lead} | letters)
    assert len(entries) > 40
    for term, number in entries:
        target = re.search(r"（见(.+)）$", term)
        assert headings[_squash(target.group(1) if target else term)] == number, term
    # 「低保」 is filed under D, between the D heading and the next letter.
    lines = [line for n in index for line in _lines(texts[n - 1])]
    d_group = lines[lines.index("D"):lines.index("F")]
    assert any(line.startswith("低保（见最低生活保障申请）") for line in d_group)


def test_each_life_event_lists_its_items_in_booklet_order_with_their_pages(texts, headings):
    from booklet.data.checks import check_data

    project = check_data(DEMO)
    chapters = [c.name for c in project.org.categories]
    in_order = sorted(project.services, key=lambda s: chapters.index(s.category))
    expected = {event: [(_squash(s.name), headings[_squash(s.name)]) for s in in_order if event in s.life_events]
                for event in project.org.life_events}
    pages = _pages_of(texts, "按人生大事查找")
    lines = [line for n in pages for line in _lines(texts[n - 1])]
    found: dict[str, list[tuple[str, int]]] = {}
    event, pending = None, ""
    for line in lines[lines.index(project.org.life_events[0]):]:
        if line in expected and not pending:
            event = found.setdefault(line, [])
        elif match := re.fullmatch(r"(.*?)[.\s]*(\d+)", line):
            if pending or not line.isdigit():  # not a page's own number
                event.append((_squash(pending + match.group(1)), int(match.group(2))))
            pending = ""
        elif line != "按人生大事查找":  # the running header
            pending += line
    assert found == expected


def test_no_line_starts_or_ends_with_the_wrong_punctuation(texts):
    bad = [
        line for text in texts for line in _lines(text)
        if line.startswith(FORBIDDEN_AT_LINE_START) or line.endswith(FORBIDDEN_AT_LINE_END)
    ]
    assert bad == []


def test_items_are_never_split_needlessly_and_titles_never_left_alone(reading):
    reader = PdfReader(reading)
    page_height = float(reader.pages[0].mediabox.height)
    mm = 72 / 25.4
    content = page_height - (17 + 16) * mm
    dests = {name: (reader.get_destination_page_number(d), float(d.top)) for name, d in reader.named_destinations.items()}
    services = [name[len("service-"):] for name in dests if name.startswith("service-")]
    assert len(services) > 40
    for service in services:
        start_page, start_top = dests[f"service-{service}"]
        end_page, end_top = dests[f"end-{service}"]
        assert dests[f"body-{service}"][0] == start_page, f"{service}: title alone at the foot of a page"
        if end_page != start_page:
            height = (start_top - 16 * mm) + (end_page - start_page - 1) * content + (page_height - 17 * mm - end_top)
            assert height > content, f"{service}: an item that fits on a page was split across pages"


def test_no_page_holds_only_an_items_contact_box_or_last_line(reading, texts):
    reader = PdfReader(reading)
    page_height = float(reader.pages[0].mediabox.height)
    mm = 72 / 25.4
    dests = {name: (reader.get_destination_page_number(d), float(d.top)) for name, d in reader.named_destinations.items()}
    for name, (start_page, _) in dests.items():
        if name.startswith("service-"):
            end_page, end_top = dests[f"end-{name[len('service-'):]}"]
            # More than a heading and a line of the item on the page it ends on.
            assert end_page == start_page or page_height - 17 * mm - end_top > 12 * mm, name
    assert [n for n, text in enumerate(texts, 1) if _lines(text)[1:2] == ["找谁办"]] == []


def test_no_line_is_one_character_and_no_chapter_ends_a_contents_page(texts):
    runts = [line for text in texts for line in _lines(text)
             if re.fullmatch(r"[\u4e00-\u9fff][。，、；：？！）」』》]*", line)]
    assert runts == []
    from booklet.data.checks import check_data

    chapters = {c.name for c in check_data(DEMO).org.categories}
    for number in _pages_of(texts, "目录"):
        entries = [line for line in _lines(texts[number - 1]) if not line.isdigit() and line != "目录"]
        assert re.sub(r"\s*\d+$", "", entries[-1]) not in chapters, number


def test_the_print_copy_is_imposed_for_saddle_stitching(reading, printing):
    pages = len(PdfReader(reading).pages)
    sides = PdfReader(printing).pages
    assert len(sides) == pages // 2
    assert set(page_sizes_mm(printing)) == {(297, 210)}
    order = sheet_order(pages)
    half = float(sides[0].mediabox.width) / 2
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(printing)
    try:
        for side, (left, right) in zip(document, order, strict=True):
            textpage = side.get_textpage()
            height = side.get_height()
            for expected, (x0, x1) in ((left, (0, half)), (right, (half, 2 * half))):
                text = textpage.get_text_bounded(left=x0, bottom=0, right=x1, top=height)
                numbers = [line for line in _lines(text) if line.isdigit()]
                if expected in (1, pages):
                    assert not numbers  # the covers carry no folio
                    assert ("便民服务一本通" if expected == 1 else "编印") in text
                else:
                    assert numbers[-1] == str(expected)
    finally:
        document.close()


def test_sheet_order_of_an_eight_page_booklet():
    assert sheet_order(8) == [(8, 1), (2, 7), (6, 3), (4, 5)]
    with pytest.raises(ValueError):
        sheet_order(6)


def test_phone_numbers_are_large_and_bold(reading):
    _assert_phones_at_least(reading, 11)


def test_outline_links_and_metadata(reading):
    reader = PdfReader(reading)
    outline = reader.outline
    titles = [item.title for item in outline if not isinstance(item, list)]
    assert titles[:2] == ["使用说明", "目录"] and titles[-5:] == ["站所目录", "干部目录", "按人生大事查找", "事项索引", "监督投诉"]
    chapter = outline[titles.index("社会救助")]
    services = outline[outline.index(chapter) + 1]
    assert isinstance(services, list) and services[0].title == "最低生活保障申请"
    tel_links = [
        annotation.get_object()["/A"]["/URI"]
        for page in reader.pages for annotation in page.get("/Annots", [])
        if annotation.get_object()["/A"].get("/URI", "").startswith("tel:")
    ]
    assert len(tel_links) > 100
    goto_links = [
        annotation for page in reader.pages for annotation in page.get("/Annots", [])
        if annotation.get_object()["/A"]["/S"] == "/GoTo"
    ]
    assert len(goto_links) > 50  # contents and index entries
    info = reader.metadata
    assert info.title == "云溪街道办事处便民服务一本通"
    assert info.author == "云溪街道办事处"
    assert info["/CreationDate"].startswith("D:20261101")
    assert reader.trailer["/Root"]["/Lang"] == "zh-CN"


def test_large_print_is_a4_with_nothing_under_14pt_and_phones_at_16pt_bold(large_print):
    assert set(page_sizes_mm(large_print)) == {(210, 297)}
    assert len(PdfReader(large_print).pages) % 2 == 0
    small = {(run.text, run.size) for page in text_runs(large_print) for run in page if run.size < 14}
    assert small == set()
    _assert_phones_at_least(large_print, 16)


def _assert_phones_at_least(pdf: Path, size: float) -> None:
    found = 0
    for page in text_runs(pdf):
        for run in page:
            for match in MOBILE_OR_LANDLINE.finditer(run.text.replace("\u00a0", " ")):
                found += 1
                assert run.size >= size and "Bold" in run.font, (match.group(0), run)
    assert found > 50


def test_no_phone_number_is_split_across_lines(texts):
    split = []
    for text in texts:
        lines = _lines(text)
        for first, second in zip(lines, lines[1:]):
            if re.search(r"(^|[^\d])(1\d{2}|1\d{2} \d{4}|0\d{2,3}-|0\d{2,3}-\d{4})$", first) and re.match(r"\d", second):
                split.append((first[-12:], second[:12]))
    assert split == []


def test_the_contact_box_is_never_split(texts):
    # The box ends with its 「手机相机扫码拨号」 caption (and any other handler); a box split
    # across pages leaves that caption at the top of the next page, cut off from its code.
    split = [number for number, text in enumerate(texts, 1) if "手机相机扫码拨号" in _lines(text)[:2]]
    assert split == []


def test_each_font_is_embedded_once_with_every_glyph_the_pages_use(reading):
    """The parts' subsets are replaced by one per font: the size of the file depends on it.
    The pages draw glyphs by CID; each subset's charset names the CIDs it holds."""
    import io

    import pikepdf
    from fontTools.cffLib import CFFFontSet

    from booklet.pdf.subsets import _scan

    programs: dict[tuple[int, int], set[int]] = {}
    with pikepdf.open(reading) as pdf:
        drawn: dict[tuple[int, int], set[int]] = {}
        fonts: dict[tuple[int, int], pikepdf.Dictionary] = {}
        for page in pdf.pages:
            _scan(page.obj, page.obj.Resources, drawn, fonts, set())
        for objgen, font in fonts.items():
            stream = font.DescendantFonts[0].FontDescriptor.FontFile3
            assert stream.Subtype == "/CIDFontType0C"
            programs.setdefault(stream.objgen, set()).update(drawn[objgen])
        families = []
        for objgen, cids in programs.items():
            cff = CFFFontSet()
            cff.decompile(io.BytesIO(pdf.get_object(objgen).read_bytes()), None)
            top = cff.topDictIndex[0]
            families.append(top.FullName)
            empty = [cid for cid in cids if f"cid{cid:05d}" not in top.CharStrings
                     or top.CharStrings[f"cid{cid:05d}"].bytecode in (None, [])]
            assert len(empty) <= 2, f"glyphs without outlines: {empty[:10]}"  # spaces have none
            assert len(top.charset) < 3 * len(cids) + 10  # the glyphs used, not the whole font
    assert len(families) == len(set(families)), families


def test_the_parts_share_one_font_dictionary_per_font(reading):
    """Each part, and each segment of a chapter, lists the widths and text of the glyphs it
    draws; the booklet lists them once per font, but for the odd part whose text for a glyph
    differs from the others' (the same glyph draws • and ·)."""
    from collections import Counter

    import pikepdf

    with pikepdf.open(reading) as pdf:
        fonts = Counter(str(obj.BaseFont).split("+")[-1] for obj in pdf.objects
                        if isinstance(obj, pikepdf.Dictionary) and obj.get("/Subtype") == "/Type0")
    assert len(fonts) == 4 and max(fonts.values()) <= 3, fonts


def test_each_page_lists_its_own_folio_stamp_only(reading):
    """The pages of a part share WeasyPrint's resource dictionary: with every page's stamp in
    it, the print copy (each page a form with its resources) grew with the square of a part."""
    import pikepdf

    with pikepdf.open(reading) as pdf:
        for number, page in enumerate(pdf.pages, 1):
            forms = page.obj.Resources.get("/XObject", {})
            stamps = [name for name in forms.keys() if name.startswith("/Folio")]
            assert len(stamps) <= 1, (number, stamps[:5])


def test_each_entry_of_the_contents_and_the_index_is_one_link_to_where_it_says(reading, headings):
    """WeasyPrint writes a link for every box inside one (the entry, its title, the dots, the
    number's box...), each inside the entry's: one is kept, and a click on the entry, its text
    or its number, opens the page the number gives."""
    import pypdfium2 as pdfium

    reader = PdfReader(reading)
    destinations = {name: reader.get_destination_page_number(d) + 1 for name, d in reader.named_destinations.items()}
    document = pdfium.PdfDocument(reading)
    checked = 0
    try:
        for index, page in enumerate(reader.pages):
            areas = []
            for annotation in page.get("/Annots", []):
                action = annotation.get_object()["/A"]
                if action["/S"] != "/GoTo":
                    continue
                x1, y1, x2, y2 = (float(v) for v in annotation.get_object()["/Rect"])
                area = (min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2))
                target = str(action["/D"])
                nested = [other for other, where in areas if where == target
                          and all(a >= b - 0.01 for a, b in zip(area[:2], other[:2]))
                          and all(a <= b + 0.01 for a, b in zip(area[2:], other[2:]))]
                assert not nested, (index + 1, target)
                areas.append((area, target))
                text = _squash(document[index].get_textpage().get_text_bounded(*area))
                term = re.sub(r"\d+$", "", text)
                term = re.search(r"（见(.+)）$", term).group(1) if "（见" in term else term
                if term in headings:  # an entry on one line (one that wraps has two areas)
                    assert headings[term] == destinations[target] == int(re.search(r"\d+$", text).group()), text
                    checked += 1
    finally:
        document.close()
    assert checked > 100
