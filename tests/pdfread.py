"""Reading back what was rendered, as a reader or a phone camera would see it."""
from __future__ import annotations

import ctypes
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as raw
import zxingcpp
from pypdf import PdfReader

MM_PER_POINT = 25.4 / 72


def page_texts(pdf: Path) -> list[str]:
    """Each page's text, a line per line of print as a reader sees it.

    Lines come from where the characters are, not from PDFium's guesses between text
    objects: it runs a page number into the running header above it, or splits a label from
    its value on the same line, depending on what else is on the page.
    """
    document = pdfium.PdfDocument(pdf)
    try:
        return [_lines_of(page.get_textpage()) for page in document]
    finally:
        document.close()


def _lines_of(textpage) -> str:
    lines: list[list] = []  # [text, (bottom, top), left, right]
    line, band, left, right, space = "", None, 0.0, 0.0, False
    for index in range(textpage.count_chars()):
        char = textpage.get_text_range(index, 1)
        if raw.FPDFText_IsGenerated(textpage.raw, index):
            space = space or char == " "
            continue
        left_edge, bottom, right_edge, top = textpage.get_charbox(index)
        if char.isspace() or top - bottom < 0.5:  # a space has no height: it joins its line
            space = True
            continue
        # Same line: level with it, and not back to the left (the next line of a column).
        # Digits far apart are two stamped page numbers, of entries in two columns.
        apart = char.isdigit() and line.isdigit() and left_edge - right > top - bottom
        if _level(band, (bottom, top)) and left_edge >= right - 0.3 * (top - bottom) and not apart:  # bold overlaps
            line += (" " if space else "") + char
            band = (min(bottom, band[0]), max(top, band[1]))
        else:
            if line:
                lines.append([line, band, left, right])
            line, band, left = char, (bottom, top), left_edge
        right, space = right_edge, False
    if line:
        lines.append([line, band, left, right])
    return "\n".join(text for text, *_ in _join_stamped_numbers(lines))


def _level(band, other) -> bool:
    return bool(band) and min(other[1], band[1]) - max(other[0], band[0]) >= 0.5 * min(other[1] - other[0], band[1] - band[0])


def _join_stamped_numbers(lines: list[list]) -> list[list]:
    """The page numbers of the contents and the index are stamped on after the page is drawn,
    so they come last in its text: each joins the line it ends, the nearest level with it
    on its left, as a reader sees it."""
    kept: list[list] = []
    for line in lines:
        text, band, left, _ = line
        ends = [earlier for earlier in kept if text.isdigit() and _level(earlier[1], band) and earlier[3] <= left]
        if ends:
            nearest = max(ends, key=lambda earlier: earlier[3])
            nearest[0] += " " + text
            nearest[3] = line[3]
        else:
            kept.append(line)
    return kept


def page_sizes_mm(pdf: Path) -> list[tuple[float, float]]:
    reader = PdfReader(pdf)
    return [
        (round(float(p.mediabox.width) * MM_PER_POINT), round(float(p.mediabox.height) * MM_PER_POINT))
        for p in reader.pages
    ]


@dataclass(frozen=True)
class QrCode:
    text: str
    width_mm: float
    """Printed width including the 4-module quiet zone a scanner needs around the symbol."""
    symbol_mm: float
    """Printed width of the symbol itself."""


def qr_codes(pdf: Path, dpi: int = 300) -> list[list[QrCode]]:
    """Every QR code on each page, decoded from a raster of the page as a phone would."""
    document = pdfium.PdfDocument(pdf)
    try:
        pages = []
        for page in document:
            image = page.render(scale=dpi / 72).to_pil()
            found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
            pages.append([QrCode(code.text, *_widths_mm(code, dpi)) for code in found])
        return pages
    finally:
        document.close()


def _widths_mm(code, dpi: int) -> tuple[float, float]:
    modules = 17 + 4 * int(code.extra["Version"])
    symbol = abs(code.position.top_right.x - code.position.top_left.x) * 25.4 / dpi
    return symbol * (modules + 8) / modules, symbol


def embedded_fonts(pdf: Path) -> dict[str, bool]:
    """Every font the PDF uses, by its base name, and whether its program is embedded."""
    fonts: dict[str, bool] = {}
    for page in PdfReader(pdf).pages:
        resources = page.get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            descriptor = target.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor else {}
            embedded = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            fonts[str(font["/BaseFont"])] = embedded
    return fonts


@dataclass(frozen=True)
class Run:
    """Consecutive characters drawn in one font at one size (in points, as printed)."""

    text: str
    size: float
    font: str


def text_runs(pdf: Path) -> list[list[Run]]:
    document = pdfium.PdfDocument(pdf)
    try:
        pages = []
        for page in document:
            textpage = page.get_textpage()
            runs: list[Run] = []
            matrix = raw.FS_MATRIX()
            name = ctypes.create_string_buffer(256)
            flags = ctypes.c_int()
            for index in range(textpage.count_chars()):
                char = chr(raw.FPDFText_GetUnicode(textpage.raw, index))
                if char.isspace():  # spaces belong to the run they stand in
                    if runs:
                        runs[-1] = Run(runs[-1].text + char, runs[-1].size, runs[-1].font)
                    continue
                raw.FPDFText_GetMatrix(textpage.raw, index, matrix)
                # pdfium gives the em size before the page's transform (WeasyPrint scales by 0.75).
                size = raw.FPDFText_GetFontSize(textpage.raw, index) * abs(matrix.a * matrix.d - matrix.b * matrix.c) ** 0.5
                raw.FPDFText_GetFontInfo(textpage.raw, index, name, len(name), flags)
                font = name.value.decode("latin-1")
                size = round(size, 1)
                if runs and runs[-1].size == size and runs[-1].font == font:
                    runs[-1] = Run(runs[-1].text + char, size, font)
                else:
                    runs.append(Run(char, size, font))
            pages.append(runs)
        return pages
    finally:
        document.close()


def text_outside_trim(pdf: Path, tolerance_mm: float = 0.1) -> list[tuple[int, str]]:
    """Every character drawn, wholly or in part, outside its page's trim box: (page, char).
    What runs off the trimmed page is cut off, or lost in the binding."""
    tolerance = tolerance_mm / MM_PER_POINT
    document = pdfium.PdfDocument(pdf)
    try:
        outside = []
        for number, page in enumerate(document, 1):
            left, bottom, right, top = page.get_trimbox()
            textpage = page.get_textpage()
            for index in range(textpage.count_chars()):
                char = textpage.get_text_range(index, 1)
                if not char.strip():
                    continue
                x0, y0, x1, y1 = textpage.get_charbox(index)
                if x0 < left - tolerance or x1 > right + tolerance or y0 < bottom - tolerance or y1 > top + tolerance:
                    outside.append((number, char))
        return outside
    finally:
        document.close()
