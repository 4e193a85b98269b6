"""Lengths between the units the pipeline meets: millimetres (the data and the design), CSS
pixels (WeasyPrint's layout, 96 to the inch) and PDF points (72 to the inch)."""
from __future__ import annotations

MM_PER_INCH = 25.4
PT_PER_MM = 72 / MM_PER_INCH
MM_PER_PT = MM_PER_INCH / 72
PX_PER_MM = 96 / MM_PER_INCH
PX_TO_PT = 72 / 96
