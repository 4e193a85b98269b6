"""The phone edition's search index, written at build time into a script (a page opened from
a folder, `file://`, cannot fetch a JSON file).

Each item is found by its name and aliases, by the words of its conditions and materials, by
its office and handlers, and by pinyin: whole (dibao) and initials (db), read with the same
surname readings as the booklet's index. The page's own script (templates/web/search.js)
matches a query against these fields, characters in pairs and alone, and ranks a match in
the name above one in the materials.
"""
from __future__ import annotations

import json
from typing import Any

from booklet import pinyin
from booklet.view import Chapter

# The fields of an entry, as search.js weighs them: a match in the name counts most.
FIELDS = ("name", "aliases", "pinyin", "initials", "office", "people", "text")


def entries(all_chapters: list[Chapter]) -> list[dict[str, Any]]:
    found = []
    for chapter in all_chapters:
        for view in chapter.services:
            s = view.service
            terms = [s.name, *s.aliases]
            readings = [pinyin.syllables(term) for term in terms]
            people = [c.name for c in view.handlers]
            texts = [*(s.conditions or []), *(m.name for m in s.materials or []), s.summary or ""]
            found.append({
                "id": s.id,
                "name": s.name,
                "aliases": "、".join(s.aliases),
                "pinyin": " ".join("".join(r) for r in readings),
                "initials": " ".join("".join(syllable[:1] for syllable in r) for r in readings),
                "office": view.station.name,
                "people": " ".join([*people, *("".join(pinyin.name_syllables(c.name, c.pinyin)) for c in view.handlers)]),
                "text": " ".join(t for t in texts if t),
                "category": chapter.title,
                "phone": str(view.primary.dial),
                "tel": view.primary.dial.tel,
                "who": view.primary.name,
            })
    return found


def script(all_chapters: list[Chapter]) -> bytes:
    """`search-index.js`: the entries as a global the page's script reads."""
    body = json.dumps({"fields": FIELDS, "items": entries(all_chapters)}, ensure_ascii=False, separators=(",", ":"))
    return f"window.BOOKLET_INDEX = {body};\n".encode()
