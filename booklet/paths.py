"""Where the project's own folders are: templates and fonts live beside the package."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
FONTS = ROOT / "fonts"
FONT_CONFIG = "fonts.conf"  # in FONTS: fontconfig's, which confines the renderer to those fonts
CACHE = ".cache"  # in the output folder: what a build keeps for the next one
