"""QR codes as tiny PNGs: one pixel per module, scaled up without smoothing by the CSS.

A PNG is cheaper for WeasyPrint to draw than an inline SVG and stays sharp when the
template sets `image-rendering: pixelated`.
"""
from __future__ import annotations

import base64
import io
from functools import lru_cache

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


def data_uri(payload: str) -> str:
    return "data:image/png;base64," + base64.b64encode(png(payload)).decode("ascii")
