"""The fonts: the files the templates load are the files the set-up installs and checks."""
from __future__ import annotations

import re

from booklet import fonts
from booklet.paths import FONTS, TEMPLATES


def test_the_css_loads_exactly_the_installed_font_files():
    css = (TEMPLATES / "fonts.css").read_text(encoding="utf-8")
    loaded = set(re.findall(r"url\(\.\./fonts/([^)]+)\)", css))
    assert loaded == {f.filename for f in fonts.FONT_FILES}
    assert not fonts.missing(FONTS)


def test_coverage_has_rare_name_characters_and_lacks_what_the_font_lacks():
    covered = fonts.coverage(FONTS)
    assert {ord(c) for c in "喆堃赟𠮷一丨"} <= covered
    assert ord("𪚥") not in covered


def test_unprintable_finds_missing_private_use_and_control_characters():
    covered = fonts.coverage(FONTS)
    assert fonts.unprintable("张三 李四\n", covered) == []
    assert fonts.unprintable("李𪚥\ue000\x07𪚥", covered) == ["𪚥", "\ue000", "\x07"]


def test_install_extracts_nothing_when_the_fonts_are_there():
    assert fonts.install(FONTS) == []
