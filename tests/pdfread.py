"""Reading back what was rendered, as a reader or a phone camera would see it."""
from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import zxingcpp
from pypdf import PdfReader

MM_PER_POINT = 25.4 / 72


def page_texts(pdf: Path) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    try:
        return [page.get_textpage().get_text_bounded() for page in document]
    finally:
        document.close()


def page_sizes_mm(pdf: Path) -> list[tuple[float, float]]:
    reader = PdfReader(pdf)
    return [
        (round(float(p.mediabox.width) * MM_PER_POINT), round(float(p.mediabox.height) * MM_PER_POINT))
        for p in reader.pages
    ]


def qr_codes(pdf: Path, dpi: int = 300) -> list[list[str]]:
    """The text of every QR code on each page, decoded from a raster of the page."""
    document = pdfium.PdfDocument(pdf)
    try:
        pages = []
        for page in document:
            image = page.render(scale=dpi / 72).to_pil()
            found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
            pages.append([code.text for code in found])
        return pages
    finally:
        document.close()


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
