"""QR codes as tiny PNGs: one pixel per module, scaled up without smoothing by the CSS.

A PNG is cheaper for WeasyPrint to draw than an inline SVG and stays sharp when the
template sets `image-rendering: pixelated`. Templates name a code by what it encodes
(`url`), and the renderer's fetcher makes the image when a document that shows it is laid
out: the HTML of a part stays short, and a rebuild that takes a part from the cache never
makes its codes.
"""
from __future__ import annotations

import io
from functools import lru_cache
from urllib.parse import quote, unquote

import qrcode
from qrcode.constants import ERROR_CORRECT_M

QUIET_ZONE = 4  # modules; scanners need it, and it is part of the printed size


@lru_cache(maxsize=4096)
def png(payload: str) -> bytes:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=1, border=QUIET_ZONE)
    code.add_data(payload.encode("utf-8"))
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image().save(buffer, format="PNG")
    return buffer.getvalue()


SCHEME = "qr:"


def url(payload: str) -> str:
    """The address of the code of `payload` (`qr:tel:+8613800138000`), for an `<img src>`."""
    return SCHEME + quote(payload, safe=":+")


def payload_of(address: str) -> str:
    return unquote(address[len(SCHEME):])
