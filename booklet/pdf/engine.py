"""WeasyPrint, started so that it can see only the project's fonts.

fontconfig reads its configuration once, when WeasyPrint is first imported: so the
environment is set here, and every module takes WeasyPrint from this one.
"""
from __future__ import annotations

import os
import sys

from booklet.paths import FONTS

if "weasyprint.text.fonts" in sys.modules and os.environ.get("FONTCONFIG_FILE") != str(FONTS / "fonts.conf"):
    raise RuntimeError("WeasyPrint was imported before booklet.pdf.engine: the machine's fonts would leak in")
os.environ["FONTCONFIG_FILE"] = str(FONTS / "fonts.conf")

import weasyprint  # noqa: E402
from weasyprint.formatting_structure import boxes  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse  # noqa: E402

__all__ = ["weasyprint", "boxes", "FontConfiguration", "FatalURLFetchingError", "URLFetcher", "URLFetcherResponse"]
