"""Shared fixtures: data folders to break, the CLI runner, and the demo built once per session."""
from __future__ import annotations

import contextlib
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from booklet.cli import app

TESTS = Path(__file__).parent
ROOT = TESTS.parent
MINIMAL = TESTS / "minimal"
DEMO = ROOT / "data"


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str


def run_cli(*args: str) -> Run:
    result = CliRunner().invoke(app, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Run(result.exit_code, result.stdout, result.stderr)


@pytest.fixture
def workdir(tmp_path, monkeypatch) -> Path:
    """An empty folder made the current one, so messages name files as `data/...`."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def minimal(workdir) -> Path:
    """A copy of tests/minimal at ./data, valid, for a test to break."""
    shutil.copytree(MINIMAL, workdir / "data")
    return workdir / "data"


@pytest.fixture(scope="session")
def minimal_build(tmp_path_factory) -> Path:
    """tests/minimal at data/ and its build, as `make booklet` makes it, at output/: made once,
    for `minimal_built` to copy."""
    folder = tmp_path_factory.mktemp("minimal-build")
    shutil.copytree(MINIMAL, folder / "data")
    with contextlib.chdir(folder):  # the files named as a clerk's build names them
        result = run_cli("build", "--data", "data", "--out", "output")
    assert result.code == 0, result.stderr
    return folder


@pytest.fixture
def minimal_built(minimal: Path, minimal_build: Path, workdir: Path) -> Path:
    """`minimal` built into ./output: a copy of `minimal_build`, its files' times kept (the next
    build judges the data unchanged by them, as it would in place)."""
    shutil.copytree(minimal_build / "data", minimal, dirs_exist_ok=True)
    shutil.copytree(minimal_build / "output", workdir / "output", symlinks=True)
    return workdir / "output"


@pytest.fixture(scope="session")
def demo_output(tmp_path_factory) -> Path:
    """The demo data of data/ built once, as `make booklet` would."""
    out = tmp_path_factory.mktemp("output")
    result = run_cli("build", "--data", str(DEMO), "--out", str(out))
    assert result.code == 0, result.stderr
    return out
