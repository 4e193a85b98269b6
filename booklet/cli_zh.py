"""The command line's own frame in Chinese: usage lines, help panels, the help option, and
the errors of a command line written wrong (an unknown option, a missing argument, a bad
value, a mistyped command).

The Click that Typer carries writes these in English, as literals, not through gettext:
so the help is set in Chinese by Typer's own settings (its panel titles and markers are
module settings, read when help or an error is shown), and each kind of Click error is
said again in Chinese from what it carries (the option, the parameter, the value).
"""
from __future__ import annotations

import difflib
import logging
import re
from typing import Any

from typer._click import exceptions as errors  # the Click Typer carries (pinned in pyproject.toml)
from typer.core import TyperCommand, TyperGroup

UsageError = errors.UsageError

HELP_OPTION = "显示这段帮助后退出。"
_SETTINGS = {
    "DEFAULT_STRING": "[默认：{}]",
    "REQUIRED_LONG_STRING": "[必填]",
    "ENVVAR_STRING": "[环境变量：{}]",
    "DEPRECATED_STRING": "（已停用）",
    "RANGE_STRING": "",  # the range is said in the option's help, in words
    "ARGUMENTS_PANEL_TITLE": "参数",
    "OPTIONS_PANEL_TITLE": "选项",
    "COMMANDS_PANEL_TITLE": "命令",
    "ERRORS_PANEL_TITLE": "错误",
    "ABORTED_TEXT": "已中止。",
    "RICH_HELP": "查看帮助：[blue]{command_path} {help_option}[/]",
}


def _in_chinese() -> None:
    """Typer's help and error panels in Chinese. Imported only when help or an error is
    shown: loading Typer's rich module costs a tenth of a second on every command."""
    from typer import rich_utils

    for name, text in _SETTINGS.items():
        setattr(rich_utils, name, text)
    if not getattr(rich_utils.highlighter, "folds", False):
        rich_utils.highlighter = _folding(rich_utils.OptionHighlighter)


def _folding(highlighter: type) -> Any:
    """Typer's highlighter of help texts, which also lets them wrap anywhere: Rich breaks lines
    at spaces only, and cut a Chinese sentence at 80 columns with 「…」."""

    class Folding(highlighter):
        folds = True

        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            text = super().__call__(*args, **kwargs)
            text.overflow = "fold"
            return text

    return Folding()


class _Chinese:
    """What a command and the group share: usage, help option, help."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.options_metavar = "[选项]"

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        pieces = self.collect_usage_pieces(ctx)
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix="用法：")

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)
        if option is not None:
            option.help, option.metavar = HELP_OPTION, ""  # a flag: no type to show
        return option

    def format_help(self, ctx: Any, formatter: Any) -> None:
        _in_chinese()
        for param in self.get_params(ctx):
            if param.param_type_name == "argument" and param.metavar:
                # Its name says what it is (工作簿.xlsx); Typer would add its type in English.
                param.display_type_rich = lambda ctx: None
        super().format_help(ctx, formatter)

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except UsageError as exc:
            raise said(exc) from None


class ChineseCommand(_Chinese, TyperCommand):
    pass


class ChineseGroup(_Chinese, TyperGroup):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.subcommand_metavar = "命令 [选项]"

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        try:
            return super().resolve_command(ctx, args)
        except UsageError as exc:
            if not args:
                raise said(exc) from None
            close = difflib.get_close_matches(args[0], list(self.commands), n=1)
            hint = f"，是不是「{close[0]}」？" if close else f"。可用的命令：{'、'.join(self.commands)}"
            _in_chinese()
            raise UsageError(f"没有「{args[0]}」这个命令{hint}", ctx) from None


def said(exc: UsageError) -> UsageError:
    """`exc` said in Chinese, as a UsageError of the same context."""
    _in_chinese()
    logging.getLogger("booklet").debug("click: %s", exc.format_message())
    if isinstance(exc, errors.NoSuchOption):
        close = difflib.get_close_matches(exc.option_name, sorted(exc.possibilities or []), n=1) \
            or sorted(exc.possibilities or [])[:1]
        hint = f"，是不是 {close[0]}？" if close else ""
        text = f"没有 {exc.option_name} 这个选项{hint}"
    elif isinstance(exc, errors.MissingParameter):
        text = f"缺少{_named(exc.param)}"
    elif isinstance(exc, errors.BadParameter):
        text = f"{_named(exc.param)}的值不对：{_reason(exc)}"
    elif isinstance(exc, errors.BadOptionUsage):
        text = f"选项 {exc.option_name} 后面要写一个值"
    elif exc.message.startswith("Got unexpected extra argument"):
        extra = re.search(r"\(([^()]*)\)$", exc.message)
        extra = extra.group(1) if extra else ""
        text = f"多写了「{extra}」：这个命令不需要它，或者它前面少了选项名"
    else:
        text = "命令写得不对"
    return UsageError(text, exc.ctx)


def _named(param: Any) -> str:
    if param is None:
        return "参数"
    if param.param_type_name == "argument":
        return f"参数「{param.metavar or param.name}」"
    return f"选项 {'/'.join(param.opts)} "


def _reason(exc: Any) -> str:
    """Why a value was refused, from the check that refused it (pydantic's, in Typer)."""
    from pydantic import BaseModel, ValidationError

    from booklet.data.diagnostics import describe

    cause = exc.__cause__
    if isinstance(cause, ValidationError) and cause.errors():
        return describe(cause.errors()[0], BaseModel)[1]
    return "请对照帮助（-h）中的写法"
