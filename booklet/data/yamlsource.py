"""Reading a YAML file so that every value means what the clerk wrote, and knowing where it was.

PyYAML's YAML 1.1 resolvers turn `0571…` into an octal int, `8:30` into 510 and `no` into
False. We compose the node tree (which keeps each node's `start_mark`) and build the values
ourselves, every scalar as the text written; pydantic then converts what is declared as a
number, date or yes/no. So quoting is never needed, and a value cannot change silently.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from booklet.data.diagnostics import Problem
from booklet.oserror import said

_NULLS = {"", "~", "null", "Null", "NULL"}


@dataclass(frozen=True)
class Document:
    """One YAML file: its value (plain dicts, lists and strings) and the node tree behind it."""

    path: Path
    display: str
    text: str
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

    def problem_at_char(self, node: yaml.Node, char: str, message: str) -> Problem:
        """A problem at `char` itself, inside `node`: a long text spans many lines."""
        index = self.text.find(char, node.start_mark.index, node.end_mark.index)
        if index < 0:
            index = node.start_mark.index
        line, column = _line_column(self.text, index)
        return Problem(self.display, line, column, message)


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
        return None, [Problem(display, None, None, f"无法读取文件：{said(exc)}")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        hint = "，看起来是 GBK 编码" if _is_gbk(raw) else ""
        return None, [Problem(display, line, None,
                              f"文件不是 UTF-8 编码{hint}：请用 UTF-8 重新保存（记事本「另存为」选 UTF-8）")]
    try:
        root = _compose(text)
    except yaml.reader.ReaderError as exc:
        line, column = _line_column(text, exc.position)
        return None, [Problem(display, line, column,
                              f"有看不见的控制字符 U+{exc.character:04X}，请删掉")]
    except yaml.MarkedYAMLError as exc:
        return None, [_syntax_problem(display, text, exc)]
    except RecursionError:
        return None, [Problem(display, None, None, "数据嵌套太深，无法读取")]
    if root is None:
        return None, [Problem(display, 1, 1, "文件是空的")]
    builder = _Builder(display, text)
    value = builder.build(root)
    return Document(path, display, text, root, value), builder.problems


def _line_column(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _compose(text: str) -> yaml.Node | None:
    """The file's node tree: from libyaml when the file is sound and has no anchors (ten times
    faster: this was most of the time of a rebuild with nothing to do), else from PyYAML's
    own parser, whose error messages the hints below know."""
    if yaml.__with_libyaml__:
        # The base loader: no node's tag is read (values are typed by the model), and the safe
        # loader's guessing of each plain scalar's tag took as long as the parsing.
        try:
            if not _has_anchors(text):
                return yaml.compose(text, Loader=yaml.CBaseLoader)
        except yaml.YAMLError:
            pass
    return yaml.compose(text, Loader=_Loader)


def _has_anchors(text: str) -> bool:
    if "&" not in text and "*" not in text:  # an anchor or an alias is written with one of these
        return False
    events = yaml.parse(text, Loader=yaml.CBaseLoader)
    return any(isinstance(e, yaml.AliasEvent) or getattr(e, "anchor", None) for e in events)


class _Loader(yaml.SafeLoader):
    """Refuses anchors and aliases: a clerk's `&` or `*` at the start of a value is text, and
    YAML would silently take it for an anchor (dropping it) or expand an alias bomb."""

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise yaml.composer.ComposerError(
                None, None, "anchor or alias", event.start_mark)
        return super().compose_node(parent, index)


def _is_gbk(raw: bytes) -> bool:
    try:
        raw.decode("gbk")
    except UnicodeDecodeError:
        return False
    return True


_SYNTAX_HINTS = (
    ("anchor or alias", "以 & 或 * 开头的值会被当作 YAML 的锚点或引用：请给整个值加引号"),
    ("found character '\\t'", "不能用 Tab 键缩进，请改用空格"),
    ("mapping values are not allowed here", "这里不能出现「: 」：值里有冒号加空格时，请给整个值加引号"),
    ("could not find expected ':'", "缺少「: 」，或上一行的缩进不对"),
    ("found undefined alias", "引用了未定义的锚点（*）"),
    ("expected <block end>, but found", "格式不对：可能是上面某行的引号没有配对，或同一层的字段没有对齐"),
    ("found unknown escape character", "双引号里的反斜杠 \\ 要写成 \\\\，或改用单引号"),
    ("but found another document", "一个文件只能有一份数据，请删掉多余的「---」"),
)


# Lines that break YAML in ways a clerk with a Chinese input method often does. Looked for
# only when the file fails to parse, up to the line where the parser gave up (it often gives
# up a line or more after the real mistake).
_KEY = r"^\s*(?:-\s+)?[A-Za-z_][A-Za-z0-9_]*"
_LINE_HINTS = (
    (re.compile(_KEY + r"\s*："), "字段名后面的冒号要用英文半角「:」，再空一格，如「post: 民政助理员」"),
    (re.compile(_KEY + r":(?=[^\s:])"), "冒号「:」后面要空一格，如「post: 民政助理员」"),
    (re.compile(r"^\s*-(?=[^\s-])"), "列表项的「-」后面要空一格，如「- id: zhangsan」"),
    (re.compile(_KEY + r":\s+(?P<char>[@`%!|>])"), "以「{char}」开头的值请给整个值加引号"),
    (re.compile(_KEY + r":\s+(?P<char>[\[{])[^\]}]*[\]}]\s*[^\s#]"), "以「{char}」开头的值请给整个值加引号"),
)


def _syntax_problem(display: str, text: str, exc: yaml.MarkedYAMLError) -> Problem:
    if _runs_to_end(exc):
        # The scanner notices only at the end of the file: the mistake is where the quote opened.
        mark = exc.context_mark
        quote = text[mark.index]
        return Problem(display, mark.line + 1, mark.column + 1,
                       f"YAML 格式错误：这里的引号「{quote}」没有配对的结束引号，从这里到文件末尾都被当成了"
                       f"一个值：请在这个值的末尾补上「{quote}」")
    mark = exc.problem_mark or exc.context_mark
    if mark is not None:
        lines = text.splitlines()
        for number in range(min(mark.line, len(lines) - 1), -1, -1):
            for pattern, hint in _LINE_HINTS:
                if found := pattern.match(lines[number]):
                    return Problem(display, number + 1, None, "YAML 格式错误：" + hint.format(**found.groupdict()))
    problem = exc.problem or ""
    message = "YAML 格式错误：格式不对，请对照同一文件中其他条目的写法检查这一行和上一行"
    for needle, hint in _SYNTAX_HINTS:
        if needle in problem or needle in str(exc):
            message = f"YAML 格式错误：{hint}"
            break
    if mark is None:
        return Problem(display, None, None, message)
    return Problem(display, mark.line + 1, mark.column + 1, message)


def _runs_to_end(exc: yaml.MarkedYAMLError) -> bool:
    """Whether a quoted value is never closed: the file ended inside it."""
    return (exc.context == "while scanning a quoted scalar" and exc.context_mark is not None
            and "found unexpected end of stream" in (exc.problem or ""))


# No data file nests deeper than a service's steps in an item in a list (5); a value nested
# hundreds deep is a mistake, and walking it would exhaust Python's stack.
_DEEPEST = 20


class _Builder:
    """Turns a node tree into plain values, every scalar as written, noting what YAML would
    silently drop: a duplicate key, or text after a `#` taken for a comment."""

    def __init__(self, display: str, text: str) -> None:
        self.display = display
        self.text = text
        self.problems: list[Problem] = []

    def build(self, node: yaml.Node, depth: int = 0) -> Any:
        if isinstance(node, yaml.ScalarNode):
            if not node.style:  # plain: None from PyYAML, "" from libyaml
                self._check_comment(node)
                if node.value in _NULLS:
                    return None
            return node.value
        if depth == _DEEPEST:  # said once, where it goes too deep; what is inside is not read
            self._add(node, f"数据嵌套超过 {_DEEPEST} 层：这里的列表或字段套得太深了，数据文件不会这样写，"
                            "请检查缩进和方括号、花括号是否配对")
            return None
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, depth + 1) for item in node.value]
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self._add(key_node, "字段名应为文字")
                continue
            key = key_node.value
            if key in result:
                self._add(key_node, f"字段「{key}」重复出现：请删掉一个")
                continue
            result[key] = self.build(value_node, depth + 1)
        return result

    def _check_comment(self, node: yaml.ScalarNode) -> None:
        # `room: 二楼 #201 室` is 「二楼」 and a comment. A comment written `# 职务` (with a
        # space) is what the data files do; `#201` straight after is far likelier content.
        end = node.end_mark.index
        line_end = self.text.find("\n", end)
        rest = self.text[end:line_end if line_end >= 0 else None]
        if found := re.match(r"\s+#(\S.*)$", rest):
            mark = node.start_mark
            self.problems.append(Problem(
                self.display, mark.line + 1, mark.column + 1,
                f"「#{found.group(1).strip()}」被当作注释忽略了：如果这是内容，请给整个值加引号；"
                "如果是注释，请在 # 后面空一格"))

    def _add(self, node: yaml.Node, message: str) -> None:
        mark = node.start_mark
        self.problems.append(Problem(self.display, mark.line + 1, mark.column + 1, message))
