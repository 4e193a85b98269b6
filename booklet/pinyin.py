"""Pinyin order, as residents look things up: 「低保」 under D, 单 (Shàn) under S."""
from __future__ import annotations

import contextlib
import importlib.metadata
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Iterable

from booklet import cachefile

# pypinyin reads a surname as an ordinary word (单 → dan, 曾 → ceng). These are the readings
# as surnames; two-character surnames first, so that 尉迟 wins over 尉.
SURNAMES = {
    "尉迟": "yu chi", "万俟": "mo qi", "长孙": "zhang sun", "单于": "chan yu",
    "单": "shan", "曾": "zeng", "解": "xie", "覃": "qin", "仇": "qiu", "区": "ou", "朴": "piao",
    "查": "zha", "盖": "ge", "乐": "yue", "缪": "miao", "翟": "zhai", "种": "chong", "秘": "bi",
    "召": "shao", "员": "yun", "繁": "po", "朝": "chao", "句": "gou", "隗": "wei", "能": "nai",
    "便": "pian", "柏": "bai", "薄": "bo", "牟": "mou", "黑": "he", "谌": "chen", "粘": "nian",
    "折": "she", "厍": "she", "适": "kuo", "宓": "fu", "塔": "ta", "逄": "pang", "尉": "yu",
    "沈": "shen", "华": "hua", "任": "ren", "纪": "ji", "燕": "yan", "阚": "kan", "眭": "sui",
    "相": "xiang", "那": "na", "藏": "zang", "过": "guo", "曲": "qu", "哈": "ha", "石": "shi",
    "贾": "jia", "钻": "zuan", "佴": "nai",
}

# Two-character surnames, for splitting a name into family and given name (vCards, placeholders).
COMPOUND_SURNAMES = (
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "夏侯", "慕容", "令狐", "司徒", "司空", "尉迟",
    "长孙", "宇文", "公孙", "轩辕", "端木", "独孤", "南宫", "西门", "百里", "呼延", "万俟", "单于",
    "澹台", "公冶", "宗政", "濮阳", "淳于", "太叔", "申屠", "钟离", "闻人", "赫连", "第五", "东郭",
)

_LETTER = re.compile(r"[a-z]")


def surname(name: str) -> str:
    """The family name: a compound surname, else the first character. A name written with
    「·」 (a minority or foreign name) has no such split: it is kept whole."""
    if "·" in name or "•" in name:
        return name
    return next((s for s in COMPOUND_SURNAMES if name.startswith(s)), name[:1])


def syllables(text: str) -> list[str]:
    """Toneless pinyin of `text`, one syllable per character (other characters as they are)."""
    # pypinyin takes a fifth of a second to import: only when something is put in order, not
    # for a rebuild with nothing to do.
    from pypinyin import Style, lazy_pinyin

    return lazy_pinyin(text, style=Style.NORMAL, errors=lambda chars: list(chars.lower()))


def name_syllables(name: str, override: str | None = None) -> list[str]:
    """Pinyin of a person's name: the override if given, else the surname table, else pypinyin."""
    if override:
        return override.lower().split()
    for surname, reading in SURNAMES.items():
        if name.startswith(surname):
            return reading.split() + syllables(name[len(surname):])
    return syllables(name)


def _tones(text: str) -> list[str]:
    from pypinyin import Style, lazy_pinyin

    return lazy_pinyin(text, style=Style.TONE3, neutral_tone_with_five=True)


def initial(text: str, override_syllables: list[str] | None = None) -> str:
    """The index letter A–Z a term is filed under; "#" for one that starts with no letter."""
    first = (override_syllables or syllables(text) or ["#"])[0]
    match = _LETTER.match(first)
    return match.group(0).upper() if match else "#"


class Readings:
    """The order and the index letter (`initial`) of terms, kept from one build to the next
    in a file (`path`): pypinyin takes a millisecond a term and a fifth of a second to load,
    and the index of a township ten times a street office's size has 5,000 terms."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self._saved: dict[str, list[list[str]]] = {}
        saved = cachefile.read(path)
        if isinstance(saved, dict) and saved.get("pypinyin") == _version():  # another may read a word otherwise
            self._saved = _readings(saved.get("terms"))
        self._used: dict[str, list[list[str]]] = {}
        self._read: dict[str, list[list[str]]] = {}  # by `read_all`

    def sort_key(self, term: str) -> tuple:
        """Order by toneless pinyin, then by tone, then by the characters themselves."""
        plain, tones = self._reading(term)
        return (" ".join(plain), " ".join(tones), term)

    def initial(self, term: str) -> str:
        return initial(term, self._reading(term)[0])

    def _reading(self, term: str) -> list[list[str]]:
        if term not in self._used:
            self._used[term] = self._saved.get(term) or self._read.get(term) or _read([term])[0]
        return self._used[term]

    def read_all(self, terms: Iterable[str]) -> None:
        """Read at once every one of `terms` not known from the last build, in a process of
        its own when there are many: pypinyin's dictionaries take 56 MB, which the build's
        parent would otherwise hold to its end, while both workers render the plates."""
        unknown = [term for term in dict.fromkeys(terms) if term not in self._saved and term not in self._read]
        if len(unknown) < _IN_PROCESS:
            return  # read when asked for
        try:
            reader = subprocess.run([sys.executable, "-m", __name__], input=json.dumps(unknown).encode(),
                                    capture_output=True, check=True)
            readings = json.loads(reader.stdout)
        except (OSError, subprocess.CalledProcessError, ValueError):
            return  # read here, when asked for
        if isinstance(readings, list) and len(readings) == len(unknown):
            self._read.update(zip(unknown, readings))

    def save(self) -> None:
        """The terms read in this build, for the next (those no longer used are forgotten)."""
        if self.path is not None and self._used != self._saved:
            with contextlib.suppress(OSError):  # the next build would only read them again
                cachefile.write(self.path, {"pypinyin": _version(), "terms": self._used})


def _readings(terms) -> dict[str, list[list[str]]]:
    """`terms` as `save` wrote them, or none: a term's reading is two lists of syllables."""
    def reading(value) -> bool:
        return (isinstance(value, list) and len(value) == 2
                and all(isinstance(part, list) and all(isinstance(s, str) for s in part) for part in value))

    if isinstance(terms, dict) and all(isinstance(t, str) and reading(r) for t, r in terms.items()):
        return terms
    return {}


# Fewer terms than this are read here: a process of its own takes a third of a second to start.
_IN_PROCESS = 200


def _read(terms: list[str]) -> list[list[list[str]]]:
    """Each term's toneless syllables and its syllables with tones."""
    return [[syllables(term), _tones(term)] for term in terms]


def _version() -> str:
    return importlib.metadata.version("pypinyin")


if __name__ == "__main__":  # `python -m booklet.pinyin`, as `Readings.read_all` runs it: terms in, readings out
    json.dump(_read(json.load(sys.stdin)), sys.stdout)  # in ASCII: whatever the locale's encoding
