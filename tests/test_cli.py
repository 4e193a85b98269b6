"""The command line: Chinese help, named exit codes, no traceback ever."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from booklet.status import Exit

from conftest import ROOT, run_cli


def test_help_is_in_chinese_and_lists_the_commands():
    result = run_cli("--help")
    assert result.code == 0
    for text in ("便民服务一本通", "check", "build", "检查数据"):
        assert text in result.stdout


def test_a_bare_booklet_prints_its_help_and_version_is_an_option_too():
    bare = run_cli()
    assert bare.code == 0 and "检查数据" in bare.stdout and bare.stderr == ""
    version = run_cli("--version")
    assert version.code == 0 and version.stdout == run_cli("version").stdout != ""


def test_the_out_folder_is_said_as_what_each_command_puts_there():
    assert "PDF" not in run_cli("template", "--help").stdout and "Excel" in run_cli("export", "--help").stdout


def test_options_that_would_do_nothing_are_not_offered():
    assert "--out" not in run_cli("check", "--help").stdout
    for command in ("release", "changes", "export"):
        assert "--strict" not in run_cli(command, "--help").stdout
    for command in ("check", "build"):
        assert "--data" in run_cli(command, "--help").stdout
    assert "--out" in run_cli("build", "--help").stdout


def test_check_reports_counts(minimal: Path):
    result = run_cli("check", "--data", "data")
    assert result.code == Exit.OK
    assert result.stdout.strip() == "数据检查通过：2 个站所，2 名干部，2 个服务事项。"


def test_build_says_what_it_wrote(minimal: Path, workdir: Path):
    result = run_cli("build", "--data", "data", "--out", "output")
    assert result.code == Exit.OK
    assert "已生成 output/便民服务一本通.pdf（" in result.stdout
    assert (workdir / "output" / "便民服务一本通.pdf").is_file()


def test_a_missing_data_folder_is_a_clear_error(workdir: Path):
    result = run_cli("check", "--data", "nowhere")
    assert result.code == Exit.USAGE
    assert result.stderr.splitlines()[0] == "nowhere: 数据目录不存在"
    (workdir / "a-file").write_text("x", encoding="utf-8")
    result = run_cli("build", "--data", "a-file")
    assert result.code == Exit.USAGE
    assert result.stderr.splitlines()[0] == "a-file: 是一个文件，不是数据目录（应为放着 org.yaml 等文件的文件夹）"


def test_a_data_file_that_is_no_regular_file_is_said_as_what_it_is(minimal: Path):
    (minimal / "stations.yaml").unlink()
    (minimal / "stations.yaml").mkdir()
    os.mkfifo(minimal / "org.yaml.fifo")
    (minimal / "org.yaml").unlink()
    (minimal / "org.yaml.fifo").rename(minimal / "org.yaml")
    (minimal / "services" / "zz.yaml").symlink_to(minimal / "nowhere.yaml")
    result = run_cli("check", "--data", "data")
    assert result.code == Exit.INVALID_DATA
    lines = result.stderr.splitlines()
    assert "data/org.yaml: 是一个管道，不是普通文件（应为用文本编辑器保存的 YAML 文件）" in lines
    assert "data/stations.yaml: 是一个文件夹，不是普通文件（应为用文本编辑器保存的 YAML 文件）" in lines
    assert "data/services/zz.yaml: 是一个链接，指向的文件不存在" in lines


def test_a_bug_is_reported_without_a_traceback(minimal: Path):
    env = {k: v for k, v in os.environ.items() if k != "BOOKLET_DEBUG"}
    # A bug planted in the build, met through the real entry point as a clerk would meet it.
    code = (
        "import booklet.build as b\n"
        "b.build = lambda project, out, **options: 1 / 0\n"
        "from booklet.cli import main\n"
        "import sys; sys.argv = ['booklet', 'build', '--data', 'data', '--out', 'output']\n"
        "main()\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert result.returncode == Exit.INTERNAL
    assert "Traceback" not in result.stderr
    assert "内部错误：ZeroDivisionError" in result.stderr


def test_python_dash_m_works(minimal: Path):
    result = subprocess.run([sys.executable, "-m", "booklet", "check", "--data", "data"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "数据检查通过" in result.stdout


def test_usage_errors_exit_2_without_traceback():
    result = subprocess.run([sys.executable, "-m", "booklet", "build", "--no-such-option"],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == Exit.USAGE
    assert "Traceback" not in result.stderr


def test_an_output_folder_that_is_a_file_is_a_clear_error(minimal: Path, workdir: Path):
    (workdir / "output").write_text("not a folder")
    result = run_cli("build", "--data", "data", "--out", "output")
    assert result.code == Exit.WRITE_FAILED
    assert result.stderr.startswith("错误：无法写入输出目录 output：")
    assert "Traceback" not in result.stderr


def test_a_build_shows_its_progress_in_a_terminal_and_not_in_a_log(minimal: Path, workdir: Path):
    import pty
    import threading

    main, terminal = pty.openpty()
    shown = bytearray()

    def read() -> None:  # as the build writes: a terminal holds only so much unread
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # the build ended and the terminal closed
                return
            if not chunk:
                return
            shown.extend(chunk)

    reader = threading.Thread(target=read)
    reader.start()
    with open(workdir / "log", "wb") as log:
        subprocess.run([sys.executable, "-m", "booklet", "build", "--data", "data", "--out", "out"],
                       cwd=workdir, stdout=log, stderr=terminal, env={**os.environ, "COLUMNS": "100"},
                       check=True, timeout=300)
    os.close(terminal)
    reader.join(timeout=10)
    os.close(main)
    text = shown.decode("utf-8", "replace")
    assert "正在排版" in text and "份文档" in text
    assert "已生成" in (workdir / "log").read_text(encoding="utf-8")  # the report, on stdout
    result = run_cli("build", "--large-print", "--data", "data", "--out", "fresh")  # not a terminal: no bars
    assert result.code == 0 and "正在排版" not in result.stderr


def test_station_and_cadre_by_a_name_only_one_has(minimal: Path, workdir: Path):
    result = run_cli("plates", "--data", "data", "--out", "out", "--station", "民政办", "--cadre", "张三")
    assert result.code == 0, result.stderr
    assert [p.name for p in (workdir / "out" / "便民身份证").iterdir()] == ["张三-zhangsan.pdf"]


def test_a_name_several_have_or_none_has_is_refused_with_the_choices(minimal: Path):
    cadres = minimal / "cadres.yaml"
    cadres.write_text(cadres.read_text(encoding="utf-8").replace("name: 李四", "name: 张三"), encoding="utf-8")

    several = run_cli("cards", "--data", "data", "--out", "out", "--cadre", "张三")
    nobody = run_cli("cards", "--data", "data", "--out", "out", "--station", "民政所")

    assert several.code == nobody.code == Exit.USAGE
    assert "错误：有 2 个干部叫「张三」，请写编号：zhangsan（张三，民政办）、lisi（张三，老龄办）" in several.stderr
    assert nobody.stderr.splitlines()[0].startswith("错误：没有编号或名称为「民政所」的站所。是不是「民政办」？")


def test_an_error_is_printed_before_the_warnings(minimal: Path):
    """A warning (张三 has no photo) above an error (李四's mobile) in the file."""
    cadres = minimal / "cadres.yaml"
    text = cadres.read_text(encoding="utf-8").replace("mobile: 139 0000 0002", "mobile: 1390000")
    cadres.write_text(text.replace("    photo: photos/zhangsan.jpg\n", "", 1), encoding="utf-8")

    result = run_cli("check", "--data", "data")

    lines = result.stderr.splitlines()
    assert result.code == Exit.INVALID_DATA
    assert "警告" not in lines[0] and "1390000" in lines[0]
    assert any("警告" in line for line in lines[1:-1])
