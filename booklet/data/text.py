"""What clerks type that means the same as ASCII: full-width digits and signs, and the
ideographic space, as Chinese input methods and Excel give them."""
from __future__ import annotations

_HALFWIDTH = str.maketrans("０１２３４５６７８９＋－　", "0123456789+- ")


def halfwidth(text: str) -> str:
    """`text` with full-width digits, ＋, － and the ideographic space made ASCII."""
    return text.translate(_HALFWIDTH)
