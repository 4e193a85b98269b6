"""Where a line of Chinese text may not break: CSS breaks it between any two characters, so a
paragraph may end on a line of one character (「批」), or split a short aside in brackets
(「（法定节假日除 / 外）」). Such runs are marked to stay on one line (`.nobr` in base.css)."""
from __future__ import annotations

import re

from markupsafe import Markup, escape

# The last characters of a paragraph stay together: its last line holds at least these.
LAST_LINE_CHARS = 4
# A bracketed aside up to this long, brackets included, stays on one line.
ASIDE_CHARS = 10
_ASIDE = re.compile(r"[（(][^（()）\s]{1,%d}[）)]" % (ASIDE_CHARS - 2))


def keep_together(text: str) -> Markup:
    """`text`, escaped, with its short bracketed asides and its last few characters each
    marked to stay on one line."""
    text = str(text)
    runs = [(m.start(), m.end()) for m in _ASIDE.finditer(text)]
    if len(text.rstrip()) > 2 * LAST_LINE_CHARS:
        end = len(text.rstrip())
        runs.append((end - LAST_LINE_CHARS, end))
    merged: list[list[int]] = []
    for start, end in sorted(runs):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, at = [], 0
    for start, end in merged:
        out += [escape(text[at:start]), Markup('<span class="nobr">'), escape(text[start:end]), Markup("</span>")]
        at = end
    out.append(escape(text[at:]))
    return Markup("").join(out)
