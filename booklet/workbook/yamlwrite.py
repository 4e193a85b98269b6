"""Writing changed records back into the data's YAML files as a clerk would edit them.

Only what changed is touched: a changed field is set in place (ruamel.yaml keeps every other
line, comment and blank line as it was); a removed record goes with the lines it spans and
nothing else (a group heading above it, 「# ---- 民政办 ----」, stays for the group); a new
record is placed after the last record of its group, separated as the others are.
"""
from __future__ import annotations

import contextlib
import datetime
import difflib
import io
import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.tokens import CommentToken


def _yaml(text: str = "") -> YAML:
    """ruamel.yaml set to write as `text` is written: lists as "  - id: …" (the data files
    as shipped) or as "- id: …" at the key's own indent, whichever the file uses."""
    found = re.search(r"^( *)-( +)\S", text, re.MULTILINE)
    offset, sequence = (len(found[1]), len(found[1]) + 1 + len(found[2])) if found else (2, 4)
    writer = YAML(typ="rt")
    writer.preserve_quotes = True
    writer.width = 4096
    writer.indent(mapping=2, sequence=sequence, offset=offset)
    return writer


@dataclass
class ListEdits:
    """What changes in one file holding a list of records under `key`."""

    key: str
    updated: dict[str, tuple[dict[str, Any], dict[str, Any]]] = field(default_factory=dict)
    """By id: the record as written now, and as it is to be."""
    removed: set[str] = field(default_factory=set)
    added: list[tuple[dict[str, Any], str | None]] = field(default_factory=list)
    """Each new record, and the id of the record it follows (None: after the last)."""
    order: list[str] | None = None
    """The ids in their new order, when it changed."""

    def __bool__(self) -> bool:
        return bool(self.updated or self.removed or self.added or self.order)


def edit_list(text: str, edits: ListEdits) -> str:
    if edits.updated:
        document = _yaml(text).load(text)
        for entry in document[edits.key]:
            if isinstance(entry, CommentedMap) and entry.get("id") in edits.updated:
                old, new = edits.updated[entry["id"]]
                _merge(entry, old, new)
        text = _dump(document, text)
    for record_id in edits.removed:
        text = _remove(text, edits.key, record_id)
    if edits.order:
        text = _reorder(text, edits.key, edits.order)
    for record, after in edits.added:
        text = _insert(text, edits.key, record, after)
    return text


def edit_mapping(text: str, old: dict[str, Any], new: dict[str, Any]) -> str:
    document = _yaml(text).load(text)
    _merge(document, old, new)
    return _dump(document, text)


def new_list_file(key: str, records: list[dict[str, Any]], heading: str) -> str:
    """A new services file for a category that had none."""
    body = _dump({key: CommentedSeq([_node(r) for r in records])})
    return f"# {heading}\n\n{body}"


# --- fields changed in place ----------------------------------------------------------------

def _merge(node: CommentedMap, old: dict[str, Any], new: dict[str, Any]) -> None:
    with _tail_kept(node):
        for key in [k for k in old if k not in new]:
            node.pop(key, None)
        for position, (key, value) in enumerate(new.items()):
            if key in old and old[key] == value:
                continue
            current = node.get(key)
            if isinstance(value, dict) and isinstance(old.get(key), dict) and isinstance(current, CommentedMap):
                _merge(current, old[key], value)
            elif isinstance(value, list) and isinstance(old.get(key), list) and isinstance(current, CommentedSeq):
                _merge_list(current, old[key], value)
            elif key in node:
                node[key] = _node(value, like=current)
            else:
                node.insert(min(position, len(node)), key, _node(value))


def _merge_list(node: CommentedSeq, old: list[Any], new: list[Any]) -> None:
    """Entries kept stay as they are, comments and all; an entry changed in place is merged;
    inserted and deleted ones are inserted and deleted where they are."""
    keys = [repr(v) for v in old], [repr(v) for v in new]
    with _tail_kept(node):
        opcodes = difflib.SequenceMatcher(None, *keys, autojunk=False).get_opcodes()
        for tag, i1, i2, j1, j2 in reversed(opcodes):  # from the end: the indices before stay right
            if tag == "equal":
                continue
            if tag == "replace" and i2 - i1 == j2 - j1:
                for offset in range(i2 - i1):
                    before, after = old[i1 + offset], new[j1 + offset]
                    if isinstance(before, dict) and isinstance(after, dict) and isinstance(node[i1 + offset], CommentedMap):
                        _merge(node[i1 + offset], before, after)
                    else:
                        node[i1 + offset] = _node(after)
                continue
            for index in range(i2 - 1, i1 - 1, -1):
                del node[index]
            for offset, value in enumerate(new[j1:j2]):
                node.insert(i1 + offset, _node(value))


@contextlib.contextmanager
def _tail_kept(node: Any):
    """What follows a collection's last line, kept after it whatever the change does to its
    last entry. ruamel.yaml keeps the blank line and the comments after a record (the next
    group's heading, 「# ---- 民政办 ----」) with its last value: a field added after it would be
    written under the next heading, and the last field removed would take the heading along."""
    tail = _tail(node)
    token = _token(*tail) if tail else None
    after = ""
    if token is not None:
        own, newline, after = token.value.partition("\n")  # the last line's own comment stays with it
        token.value = own + newline
    yield
    if not after:
        return
    tail = _tail(node)
    if tail is None:
        return
    token = _token(*tail)
    if token is not None:
        token.value = (token.value if token.value.endswith("\n") else token.value + "\n") + after
    else:
        slot = 2 if isinstance(tail[0], CommentedMap) else 0
        entry = tail[0].ca.items.setdefault(tail[1], [None, None, None, None] if slot == 2 else [None, None])
        entry[slot] = CommentToken("\n" + after, CommentMark(0), None)


def _tail(node: Any) -> tuple[Any, Any] | None:
    """The deepest last entry of a collection: where ruamel.yaml keeps what follows it."""
    while isinstance(node, (CommentedMap, CommentedSeq)) and len(node):
        key = next(reversed(node)) if isinstance(node, CommentedMap) else len(node) - 1
        value = node[key]
        if isinstance(value, (CommentedMap, CommentedSeq)) and len(value):
            node = value
            continue
        return node, key
    return None


def _token(container: Any, key: Any) -> CommentToken | None:
    entry = container.ca.items.get(key)
    if not entry:
        return None
    return entry[2] if isinstance(container, CommentedMap) else entry[0]


def _node(value: Any, like: Any = None) -> Any:
    """`value` as ruamel.yaml should write it: plain where the text allows (30, not '30')."""
    if isinstance(value, dict):
        return CommentedMap((k, _node(v)) for k, v in value.items())
    if isinstance(value, list):
        seq = CommentedSeq(_node(v) for v in value)
        if isinstance(like, CommentedSeq) and like.fa.flow_style():
            seq.fa.set_flow_style()
        return seq
    if isinstance(value, str):
        # The data is read with every scalar as text, so 30 and '30' are the same to it:
        # written plain when the plain form reads back as the same text.
        if re.fullmatch(r"[1-9]\d{0,8}|0", value):
            return int(value)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            try:
                return datetime.date.fromisoformat(value)
            except ValueError:
                return value
    return value


def _dump(document: Any, like: str = "") -> str:
    buffer = io.StringIO()
    _yaml(like).dump(document, buffer)
    return buffer.getvalue()


# --- whole records, as lines ----------------------------------------------------------------

def _spans(text: str, key: str) -> list[tuple[str, int, int]]:
    """Each record of the list under `key`: its id and its first and last line (0-based).
    A record ends at its last line of content: blank lines and comments at its own indent
    or less that follow it head the next record or group."""
    lines = text.splitlines()
    entries = _entries(text, key)
    starts = [node.start_mark.line for node in entries]
    spans = []
    for index, entry in enumerate(entries):
        start = starts[index]
        limit = starts[index + 1] if index + 1 < len(starts) else len(lines)
        indent = len(lines[start]) - len(lines[start].lstrip())
        end = start
        for number in range(start + 1, limit):
            stripped = lines[number].strip()
            if not stripped:
                continue
            if stripped.startswith("#") and len(lines[number]) - len(lines[number].lstrip()) <= indent:
                continue
            if len(lines[number]) - len(lines[number].lstrip()) <= indent and not lines[number].lstrip().startswith("-"):
                break  # the next key of the file
            end = number
        spans.append((_id_of(entry), start, end))
    return spans


def _entries(text: str, key: str) -> list:
    """The nodes of the records listed under `key`, with where each starts (PyYAML's node
    tree: where things are, quickly, without building the values)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    root = yaml.compose(text, Loader=loader)
    for name, value in root.value if isinstance(root, yaml.MappingNode) else []:
        if name.value == key and isinstance(value, yaml.SequenceNode):
            return value.value
    return []


def _id_of(node: yaml.Node) -> str | None:
    for name, value in node.value if isinstance(node, yaml.MappingNode) else []:
        if name.value == "id":
            return value.value
    return None


def _separated(lines: list[str], spans: list[tuple[str, int, int]]) -> bool:
    """Whether the file's records are set apart by blank lines."""
    return any(not lines[end + 1].strip() for _, _, end in spans[:-1] if end + 1 < len(lines))


def _remove(text: str, key: str, record_id: str) -> str:
    lines = text.splitlines(keepends=True)
    for found, start, end in _spans(text, key):
        if found == record_id:
            after = end + 1
            while after < len(lines) and not lines[after].strip():
                after += 1
            if after == len(lines):  # the last record: the blank lines before it go too
                while start > 0 and not lines[start - 1].strip():
                    start -= 1
            del lines[start:after]
            break
    return "".join(lines)


def _insert(text: str, key: str, record: dict[str, Any], after: str | None) -> str:
    lines = text.splitlines(keepends=True)
    spans = _spans(text, key)
    block = _dump({key: CommentedSeq([_node(record)])}, text).splitlines(keepends=True)[1:]
    if not spans:
        return text.rstrip("\n") + "\n" + "".join(block)
    end = next((e for found, _, e in spans if found == after), spans[-1][2])
    if not lines[end].endswith("\n"):
        lines[end] += "\n"
    lines[end + 1:end + 1] = (["\n"] if _separated(lines, spans) else []) + block
    return "".join(lines)


def _reorder(text: str, key: str, order: list[str]) -> str:
    """The records in `order`, each moved into the place of another, the lines between them
    (blank lines, group headings) staying where they are."""
    lines = text.splitlines(keepends=True)
    spans = _spans(text, key)
    blocks = {found: lines[start:end + 1] for found, start, end in spans}
    wanted = [i for i in order if i in blocks] + [found for found, _, _ in spans if found not in order]
    result, position = [], 0
    for (_, start, end), record_id in zip(spans, wanted):
        result += lines[position:start] + blocks[record_id]
        if not result[-1].endswith("\n"):
            result[-1] += "\n"
        position = end + 1
    return "".join(result + lines[position:])
