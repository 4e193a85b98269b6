"""Reading a YAML file so that every value means what the clerk wrote, and knowing where it was.

PyYAML's YAML 1.1 resolvers turn `0571…` into an octal int, `8:30` into 510 and `no` into
False. We compose the node tree (which keeps each node's `start_mark`) and build the values
ourselves, every scalar as the text written; pydantic then converts what is declared as a
number, date or yes/no. So quoting is never needed, and a value cannot change silently.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from booklet.diagnostics import Problem

# Past this many nodes an alias bomb ("billion laughs") is more likely than a street office.
_MAX_NODES = 200_000
_NULLS = {"", "~", "null", "Null", "NULL"}


@dataclass(frozen=True)
class Document:
    """One YAML file: its value (plain dicts, lists and strings) and the node tree behind it."""

    path: Path
    display: str
    root: yaml.Node
    value: Any

    def node_at(self, loc: tuple[str | int, ...]) -> tuple[yaml.Node, bool]:
        """The node at `loc`, or its nearest existing ancestor; the flag says whether it exists."""
        node = self.root
        for step in loc:
            child = _child(node, step)
            if child is None:
                return node, False
            node = child
        return node, True

    def key_node(self, loc: tuple[str | int, ...]) -> yaml.Node | None:
        """The key node of the mapping entry at `loc` (for unknown keys, point at the key)."""
        if not loc or not isinstance(loc[-1], str):
            return None
        parent, found = self.node_at(loc[:-1])
        if not found or not isinstance(parent, yaml.MappingNode):
            return None
        for key, _ in parent.value:
            if isinstance(key, yaml.ScalarNode) and key.value == loc[-1]:
                return key
        return None

    def problem(self, loc: tuple[str | int, ...], message: str, *, at_key: bool = False,
                warning: bool = False) -> Problem:
        node = self.key_node(loc) if at_key else None
        if node is None:
            node, _ = self.node_at(loc)
        mark = node.start_mark
        return Problem(self.display, mark.line + 1, mark.column + 1, message, warning=warning)


def _child(node: yaml.Node, step: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode) and isinstance(step, str):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == step:
                return value
    if isinstance(node, yaml.SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value):
        return node.value[step]
    return None


def read_yaml(path: Path, display: str) -> tuple[Document | None, list[Problem]]:
    """Read one file; on failure return the problems that say why, never raise."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Problem(display, None, None, f"无法读取文件：{exc.strerror}")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        hint = "，看起来是 GBK 编码" if _is_gbk(raw) else ""
        return None, [Problem(display, line, None,
                              f"文件不是 UTF-8 编码{hint}：请用 UTF-8 重新保存（记事本「另存为」选 UTF-8）")]
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        return None, [_syntax_problem(display, exc)]
    except yaml.YAMLError as exc:
        return None, [Problem(display, None, None, f"YAML 格式错误：{exc}")]
    if root is None:
        return None, [Problem(display, 1, 1, "文件是空的")]
    builder = _Builder(display)
    value = builder.build(root)
    return Document(path, display, root, value), builder.problems


def _is_gbk(raw: bytes) -> bool:
    try:
        raw.decode("gbk")
    except UnicodeDecodeError:
        return False
    return True


_SYNTAX_HINTS = (
    ("found character '\\t'", "不能用 Tab 键缩进，请改用空格"),
    ("mapping values are not allowed here", "这里不能出现「: 」：值里有冒号加空格时，请给整个值加引号"),
    ("could not find expected ':'", "缺少「: 」，或上一行的缩进不对"),
    ("found undefined alias", "引用了未定义的锚点（*）"),
    ("expected <block end>, but found", "格式不对：可能是上面某行的引号没有配对，或同一层的字段没有对齐"),
    ("found unexpected end of stream", "引号没有配对"),
    ("found unknown escape character", "双引号里的反斜杠 \\ 要写成 \\\\，或改用单引号"),
    ("but found another document", "一个文件只能有一份数据，请删掉多余的「---」"),
)


def _syntax_problem(display: str, exc: yaml.MarkedYAMLError) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or ""
    text = f"YAML 格式错误（{problem}）"
    for needle, hint in _SYNTAX_HINTS:
        if needle in problem or needle in str(exc):
            text = f"YAML 格式错误：{hint}"
            break
    if mark is None:
        return Problem(display, None, None, text)
    return Problem(display, mark.line + 1, mark.column + 1, text)


class _Builder:
    """Turns a node tree into plain values, every scalar as written, noting duplicate keys."""

    def __init__(self, display: str) -> None:
        self.display = display
        self.problems: list[Problem] = []
        self.count = 0

    def build(self, node: yaml.Node, depth: int = 0) -> Any:
        self.count += 1
        if self.count > _MAX_NODES or depth > 50:
            if self.count == _MAX_NODES + 1 or depth == 51:
                self._add(node, "数据嵌套或引用（&、*）过多，无法读取")
            return None
        if isinstance(node, yaml.ScalarNode):
            if node.style is None and node.value in _NULLS:
                return None
            return node.value
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, depth + 1) for item in node.value]
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self._add(key_node, "字段名应为文字")
                continue
            key = key_node.value
            if key in result:
                self._add(key_node, f"字段「{key}」重复出现，后一个会覆盖前一个：请删掉一个")
                continue
            result[key] = self.build(value_node, depth + 1)
        return result

    def _add(self, node: yaml.Node, message: str) -> None:
        mark = node.start_mark
        self.problems.append(Problem(self.display, mark.line + 1, mark.column + 1, message))
