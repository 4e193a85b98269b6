"""The command line speaks Chinese, its library's frame included: every command's help and the
errors of a command line written wrong have no English word but the names of options,
commands and values, and no help line is cut short at 80 columns."""
from __future__ import annotations

import re
import subprocess

import pytest

from booklet.cli import app
from booklet.data import model


COMMANDS = list(app.registered_commands)
NAMES = [c.name or c.callback.__name__ for c in COMMANDS]
# Words a clerk types or reads as they are: file names, formats, examples of ids, tools.
VALUES = {"data", "output", "org", "yaml", "stations", "cadres", "services", "xlsx", "tel", "vcard", "PDF",
          "Excel", "YAML", "WPS", "minzheng", "zhangsan", "Debian", "fonts", "noto", "cjk", "make", "booklet"}


def _words_allowed() -> set[str]:
    import typer.main

    group = typer.main.get_command(app)
    allowed = set(VALUES) | set(group.commands) | {"h", "help"}  # the help option
    for command in [group, *group.commands.values()]:
        for param in command.params:
            for opt in param.opts:
                allowed |= set(re.findall(r"[A-Za-z]+", opt))
    for record in (model.Org, model.Editions, model.Station, model.Cadre, model.Service):
        allowed |= {part for field in record.model_fields for part in [field, *field.split("_")]}
    return allowed


def _run(*args: str) -> subprocess.CompletedProcess:
    """The command as the clerk runs it, in an 80-column terminal (in this process: a start
    of the program per case would cost the suite seconds)."""
    from typer.testing import CliRunner

    result = CliRunner().invoke(app, list(args), prog_name="booklet", env={"COLUMNS": "80", "TERMINAL_WIDTH": "80"})
    return subprocess.CompletedProcess(args, result.exit_code, result.stdout, result.stderr)


def _english(text: str, typed: tuple[str, ...] = ()) -> list[str]:
    """The English words in `text` other than options, commands, values and what was `typed`."""
    allowed = _words_allowed() | {w for arg in typed for w in re.findall(r"[A-Za-z]+", arg)}
    return sorted({w for w in re.findall(r"[A-Za-z][A-Za-z_]+", text) if w not in allowed})


@pytest.mark.parametrize("command", [None, *NAMES])
def test_help_is_chinese_and_whole_at_80_columns(command: str | None):
    result = _run(*([command] if command else []), "--help")

    assert result.returncode == 0, result.stderr
    assert "用法：booklet" in result.stdout and "显示这段帮助后退出。" in result.stdout
    assert _english(result.stdout) == []
    assert "…" not in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 80


ERRORS = {
    ("build", "--dat", "x"): "没有 --dat 这个选项，是不是 --data？",
    ("buidl",): "没有「buidl」这个命令，是不是「build」？",
    ("import",): "缺少参数「工作簿.xlsx」",
    ("cards", "--copies", "0"): "选项 --copies 的值不对：「0」不能小于 1",
    ("cards", "--copies", "x"): "选项 --copies 的值不对：",
    ("check", "extra"): "多写了「extra」：这个命令不需要它，或者它前面少了选项名",
    ("build", "--data"): "选项 --data 后面要写一个值",
}


@pytest.mark.parametrize("args", list(ERRORS))
def test_a_command_line_written_wrong_is_said_in_chinese(args: tuple[str, ...]):
    result = _run(*args)

    assert result.returncode == 2
    assert ERRORS[args] in result.stderr
    assert _english(result.stderr, args) == [], result.stderr
    assert "Traceback" not in result.stderr
