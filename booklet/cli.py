"""The `booklet` command: parses the command line and calls the module that does the work."""
from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
import traceback
from pathlib import Path
from typing import Annotated

import typer

from booklet import __version__
from booklet.cli_zh import ChineseCommand, ChineseGroup
from booklet.data.diagnostics import shown, summary
from booklet.oserror import said
from booklet.paths import CACHE
from booklet.status import Exit, SetupMissing

app = typer.Typer(
    cls=ChineseGroup,
    help="便民服务一本通生成器：从 data/ 中的 YAML 数据生成一本通、便民身份证和联系卡 PDF。",
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback(invoke_without_command=True)
def _options(
    context: typer.Context,
    verbose: Annotated[bool, typer.Option(
        "--verbose", "-v", metavar="", help="同时显示所用程序库的原始信息（英文），供排查问题时用。")] = False,
    version: Annotated[bool, typer.Option("--version", metavar="", help="显示版本号。")] = False,
) -> None:
    """Options before the command, for every command; without a command, the help."""
    if version:
        typer.echo(f"booklet {__version__}")
        raise typer.Exit()
    if context.invoked_subcommand is None:  # a bare `booklet`: what it can do, and no error
        typer.echo(context.get_help())
        raise typer.Exit()
    if verbose:
        _told.setLevel(logging.DEBUG)
        for handler in _told.handlers:
            handler.setLevel(logging.DEBUG)


DataDir = Annotated[Path, typer.Option(
    "--data", metavar="目录", help="数据目录：放 org.yaml、stations.yaml、cadres.yaml 和 services/ 的文件夹。")]
OutDir = Annotated[Path, typer.Option("--out", metavar="目录", help="输出目录，生成的 PDF 放在这里。")]
ExcelOut = Annotated[Path, typer.Option("--out", metavar="目录", help="输出目录，生成的 Excel 文件放在这里。")]
Strict = Annotated[bool, typer.Option("--strict", metavar="", help="有警告也算失败（正式印刷前建议使用）。")]
StationId = Annotated[str | None, typer.Option(
    "--station", metavar="站所", help="只生成这个站所的：写站所编号（如 minzheng）或站所名称。")]
CadreId = Annotated[str | None, typer.Option(
    "--cadre", metavar="干部", help="只生成这个人的：写干部编号（如 zhangsan）或姓名。")]


def _err(text: str) -> None:
    typer.echo(text, err=True)


class _Told(logging.Handler):
    """What the modules below tell the clerk on the way (a spoilt cache entry rebuilt), said
    as the command's own messages are: on the standard error of the moment."""

    def emit(self, record: logging.LogRecord) -> None:
        _err(record.getMessage())


_told = logging.getLogger("booklet")
_told.addHandler(_Told(logging.WARNING))
_told.propagate = False


def _checked(data: Path, strict: bool, out: Path | None = None, warnings: bool = True, then=None):
    """Load and check the data; print every problem (or only the errors); exit unless it may
    be rendered. `then(project)`, if given, is done on data without errors before the
    warnings are printed: an error it finds comes first.

    What the checks learn of the photos is kept in `out`'s cache folder, if given.
    """
    from booklet.data.checks import check_data

    if not data.is_dir():  # the command line names no data folder: not a problem of the data
        from booklet.data.load import not_a_data_folder

        _err(f"{data}: {not_a_data_folder(data)}")
        raise typer.Exit(Exit.USAGE)
    if out is not None:
        _apart(data, out)
    _fonts_ready()
    try:
        project = check_data(data, out / CACHE if out is not None else None)
    except SetupMissing as exc:  # a program the checks run (djpeg)
        _err(f"错误：{exc}")
        raise typer.Exit(Exit.SETUP) from None
    from booklet.plates import beyond_any_plate

    project.problems.extend(beyond_any_plate(project))
    if then is not None and project.ok:
        then(project)
    _report_problems(project.problems if warnings else [p for p in project.problems if not p.warning], strict)
    return project


def _loaded(data: Path):
    """The data as read, each record valid (exit, saying why, if one is not). What is checked
    across records is checked on the data as an import would leave it (workbook.plan)."""
    from booklet.data.load import load, not_a_data_folder

    if not data.is_dir():
        _err(f"{data}: {not_a_data_folder(data)}")
        raise typer.Exit(Exit.USAGE)
    _fonts_ready()
    project = load(data)
    _report_problems([p for p in project.problems if not p.warning], strict=False)
    return project


def _fonts_ready() -> None:
    """Exit unless the fonts are in fonts/ as the set-up put them: what is checked against
    them, and printed, depends on them."""
    from booklet.paths import FONTS
    from booklet.pdf.fonts import FontsMissing, require

    try:
        require(FONTS)
    except FontsMissing as exc:
        _err(f"错误：{exc}")
        raise typer.Exit(Exit.SETUP) from None


def _apart(data: Path, out: Path) -> None:
    """Refuse an output folder that is the data folder or inside it: the PDFs and the cache
    would land among the data, and be read as data by the next run."""
    if out.resolve().is_relative_to(data.resolve()):
        _err(f"错误：输出目录 {out} 在数据目录 {data} 里面（或就是它），生成的文件会混进数据；"
             "请换一个输出目录，如 output")
        raise typer.Exit(Exit.USAGE)


def _report_problems(problems: list, strict: bool) -> None:
    """Print every problem and a summary; exit if there is an error, or a warning and `strict`."""
    for problem in sorted(problems, key=lambda p: p.warning):  # errors first: what stops the run
        _err(str(problem))
    errors = any(not p.warning for p in problems)
    failed = errors or (strict and problems)
    if problems:
        verdict = "，未生成任何文件" if failed else ""
        _err(f"{summary(problems)}{verdict}。")
    if failed:
        if not errors:
            _err("（--strict：警告也算失败）")
        raise typer.Exit(Exit.INVALID_DATA)


@app.command(cls=ChineseCommand)
def check(data: DataDir = Path("data"), strict: Strict = False) -> None:
    """检查数据：列出所有错误和警告（文件:行:列），不生成文件。"""
    project = _checked(data, strict)
    typer.echo(
        f"数据检查通过：{len(project.stations)} 个站所，{len(project.cadres)} 名干部，"
        f"{len(project.services)} 个服务事项。"
    )


@app.command(cls=ChineseCommand)
def build(
    data: DataDir = Path("data"),
    out: OutDir = Path("output"),
    strict: Strict = False,
    large_print: Annotated[bool, typer.Option(
        "--large-print", metavar="", help="只生成大字版一本通（A4，正文四号字，适合老年人阅读）。")] = False,
    force: Annotated[bool, typer.Option("--force", metavar="", help="全部重新生成，不管数据有没有变化。")] = False,
) -> None:
    """检查数据，生成一本通、便民身份证和联系卡；只重新生成数据有变化的文件。"""
    from booklet.build import build as run_build
    from booklet.outputs import Report
    from booklet.unchanged import fingerprint, last_build, remember

    _apart(data, out)
    _fonts_ready()  # the fingerprint includes them
    stamp = fingerprint(data, large_print) if data.is_dir() else None
    if stamp is not None and not force and (last := last_build(out, stamp, large_print)) is not None:
        _report_problems(last.problems, strict)  # as the check gave them: the data is the same
        _produce(lambda: Report(unchanged=last.files), out)
        return
    project = _checked(data, strict, out)
    from booklet.progress import documents

    with documents("正在排版") as progress:
        report = _made(lambda: run_build(project, out, large_print=large_print, force=force, progress=progress), out)
    _tell(report, out)  # once the bar is gone: its line is not the summary's first
    if stamp is not None:
        files = [w.path.relative_to(out).as_posix() for w in report.written] + report.unchanged
        with contextlib.suppress(OSError):  # not kept: the next build reads the data again
            remember(out, stamp, large_print, files, project.problems)


@app.command(cls=ChineseCommand)
def plates(
    data: DataDir = Path("data"),
    out: OutDir = Path("output"),
    strict: Strict = False,
    station: StationId = None,
    cadre: CadreId = None,
    size: Annotated[str | None, typer.Option(
        "--size", metavar="尺寸", help="尺寸，如「A4 横版」「A5 横版」「200×100」（毫米）；默认用 org.yaml 的 plate_size。")] = None,
) -> None:
    """生成便民身份证（门牌）：每个站所一个 PDF，每人一页；--station 只生成一个站所，--cadre 只生成一个人。"""
    from pydantic_core import PydanticCustomError

    from booklet.build import plate_files, write
    from booklet.data.model import parse_paper_size
    from booklet.outputs import Report

    project = _checked(data, strict, out, then=lambda p: _chosen(p, station, cadre))
    station, cadre = _chosen(project, station, cadre)
    paper = None
    if size is not None:
        try:
            paper = parse_paper_size(size)
        except PydanticCustomError as exc:
            _err(f"错误：--size {exc.message()}")
            raise typer.Exit(Exit.USAGE) from None
    _produce(lambda: Report(write(plate_files(project, station=station, cadre=cadre, paper=paper), out)), out)


@app.command(cls=ChineseCommand)
def cards(
    data: DataDir = Path("data"),
    out: OutDir = Path("output"),
    strict: Strict = False,
    station: StationId = None,
    cadre: CadreId = None,
    qr: Annotated[str | None, typer.Option(
        "--qr", metavar="tel 或 vcard", help="这一次的二维码内容：tel（扫码拨号）或 vcard（扫码存入通讯录）；默认用 org.yaml 的 card_qr。")] = None,
    copies: Annotated[int | None, typer.Option(
        "--copies", min=1, max=100, metavar="张数", help="这一次每人印几张（1 到 100）；默认用 org.yaml 的 card_copies（10，一人一整张 A4）。")] = None,
) -> None:
    """生成联系卡：90×54 毫米，每张 A4 排 10 张，正反面分页，带裁切线；双面打印选「长边翻转」。"""
    from booklet.build import card_files, write
    from booklet.outputs import Report

    if qr is not None and qr not in ("tel", "vcard"):
        _err(f"错误：--qr 只能是 tel 或 vcard，不是「{qr}」")
        raise typer.Exit(Exit.USAGE)
    project = _checked(data, strict, out, then=lambda p: _chosen(p, station, cadre))
    station, cadre = _chosen(project, station, cadre)
    qr = qr or project.org.editions.card_qr
    copies = copies or project.org.editions.card_copies
    _produce(lambda: Report(write(card_files(project, station=station, cadre=cadre, payload=qr, copies=copies), out)), out)


@app.command(cls=ChineseCommand)
def release(data: DataDir = Path("data")) -> None:
    """把当前数据记为已印发的版次（org.yaml 中的 edition），供以后 changes 比较。"""
    from booklet.data.released import FOLDER, ReleaseBroken
    from booklet.editions import EditionError
    from booklet.editions import release as record

    project = _checked(data, False)
    try:
        path = record(project)
    except (EditionError, ReleaseBroken) as exc:
        _err(f"错误：{exc}")
        raise typer.Exit(Exit.INVALID_DATA) from None
    except OSError as exc:
        _unwritable(exc, data / FOLDER, "这一版没有记录下来")
    edition = project.org.edition
    typer.echo(f"已记录第 {edition.number} 版（{edition.date}）：{path}。请把这个文件和数据一起保存。")


@app.command(cls=ChineseCommand)
def changes(data: DataDir = Path("data"), out: OutDir = Path("output")) -> None:
    """与上次 release 的版次比较：列出人员和事项的变化、需要重印的门牌和联系卡，并生成变更告知单。"""
    from booklet.build import write
    from booklet.cards import FOLDER as CARDS
    from booklet.data.released import ReleaseBroken, last_release
    from booklet.editions import compare
    from booklet.household.book import LARGE_PRINT_COPY, READING_COPY
    from booklet.notice import FILENAME, render_notice
    from booklet.outputs import Report
    from booklet.plates import FOLDER as PLATES

    project = _checked(data, False, out)
    try:
        before = last_release(project.data_dir)
    except ReleaseBroken as exc:
        _err(f"错误：{exc}")
        raise typer.Exit(Exit.INVALID_DATA) from None
    if before is None:
        _err("错误：还没有发布过版次。一本通印好后请先运行 booklet release，以后才能比较变化。")
        raise typer.Exit(Exit.INVALID_DATA)
    found = compare(project, before)
    since = found.since
    typer.echo(f"与第 {since['number']} 版（{since['date']}）相比：")
    if not found.any:
        typer.echo("  没有变化。")
        return
    for title, lines in (("干部", found.staff), ("服务事项", found.services), ("站所", found.offices)):
        if lines:
            typer.echo(f"{title}：")
            for line in lines:
                typer.echo(f"  {line}")
    typer.echo("需要重印：")
    made = project.org.editions  # what the office prints, and what an earlier run made anyway
    for title, people, wanted, folder in (("便民身份证", found.plates, made.plates, PLATES),
                                          ("联系卡", found.cards, made.cards, CARDS)):
        if wanted or (out / folder).is_dir():
            names = "、".join(c.name for c in people)
            typer.echo(f"  {title}：{names}（共 {len(people)} 人）" if people else f"  {title}：不需要")
    next_edition = f"需要出新版（第 {since['number'] + 1} 版）" if found.new_edition else "不需要"
    for title, wanted, filename in (("一本通", made.reading or made.print_copy, READING_COPY),
                                    ("大字版", made.large_print, LARGE_PRINT_COPY)):
        if wanted or (out / filename).exists():
            typer.echo(f"  {title}：{next_edition}")
    if found.notice:
        _produce(lambda: Report(write([render_notice(project, found)], out)), out)
        typer.echo(f"请把 {FILENAME} 印给已领一本通的住户，夹在一本通里。")


@app.command("template", cls=ChineseCommand)
def roster_template(out: ExcelOut = Path("output")) -> None:
    """生成空白的干部花名册 Excel（各列已设为文本格式，电话号码不会丢 0）。"""
    from booklet.build import write
    from booklet.outputs import Output, Report
    from booklet.workbook.export import template

    _produce(lambda: Report(write([Output("干部花名册模板.xlsx", template(), 1)], out)), out)


@app.command("export", cls=ChineseCommand)
def export_data(data: DataDir = Path("data"), out: ExcelOut = Path("output")) -> None:
    """把全部数据导出为一个 Excel 工作簿（单位信息、站所、干部、服务事项、申请材料等），改好后可用 import 导回。"""
    from booklet.build import write
    from booklet.outputs import Output, Report
    from booklet.workbook.export import export
    from booklet.workbook.layout import SHEETS

    project = _checked(data, False, out)
    _produce(lambda: Report(write([Output(WORKBOOK, export(project), len(SHEETS) + 1)], out)), out)


WORKBOOK = "数据汇总.xlsx"


@app.command("import", cls=ChineseCommand)
def import_workbook(
    workbook: Annotated[Path, typer.Argument(
        metavar="工作簿.xlsx", help=f"export 导出的 {WORKBOOK}（改过的），或只有一张表的干部花名册（.xlsx）。")],
    data: DataDir = Path("data"),
    apply: Annotated[bool, typer.Option(
        "--apply", metavar="", help="把变化写入数据目录的 YAML 文件（保留原有注释和顺序）。")] = False,
) -> None:
    """从 Excel 导入数据：先逐项列出会有哪些变化；加 --apply 才写入数据目录。"""
    from booklet.files import write_atomic
    from booklet.workbook.plan import plan
    from booklet.workbook.read import WorkbookError

    project = _loaded(data)
    try:
        result = plan(project, workbook)
    except WorkbookError as exc:
        _err(f"错误：{exc}")
        raise typer.Exit(Exit.INVALID_DATA) from None
    except OSError as exc:
        _err(f"错误：无法读取 {workbook}：{said(exc)}")
        raise typer.Exit(Exit.INVALID_DATA) from None
    problems = sorted(result.problems, key=lambda p: p.warning)
    for problem in problems:
        _err(str(problem))
    if not result.ok:
        _err(f"{summary(problems)}，没有导入。")
        raise typer.Exit(Exit.INVALID_DATA)
    for line in result.lines:
        typer.echo(shown(line))
    if not result.lines:
        typer.echo(f"{workbook.name} 与 {data} 中的数据一致，没有变化。")
        return
    if not apply:
        typer.echo("以上变化尚未写入；确认无误后加 --apply 再运行一次。")
        return
    written: list[str] = []
    for path, content in result.files.items():
        try:
            if content is None:
                path.unlink()
            else:
                write_atomic(path, content)
        except OSError as exc:
            # Each file is whole, old or new; importing again writes what is still missing.
            _unwritable(exc, path, f"已写入 {'、'.join(written)}，其余没有改动：解决后再导入一次即可"
                        if written else "数据没有改动")
        written.append(str(path.relative_to(data)))
    names = "、".join(written)
    gone = [str(p.relative_to(data)) for p, content in result.files.items() if content is None]
    typer.echo(f"已写入 {names}。" + (f"（其中 {'、'.join(gone)} 已没有事项，已删除）" if gone else ""))
    if data == Path("data"):
        typer.echo("请运行 make booklet 重新生成。")
    else:
        typer.echo(f"请运行 .venv/bin/booklet build --data {data} 重新生成。")


def _unwritable(exc: OSError, where: Path, kept: str) -> None:
    """A data folder that cannot be written (read-only, full): say where, and that nothing changed."""
    _err(f"错误：无法写入 {where}：{said(exc)}；{kept}")
    raise typer.Exit(Exit.WRITE_FAILED) from None


def _chosen(project, station: str | None, cadre: str | None) -> tuple[str | None, str | None]:
    """The ids a --station and a --cadre stand for: an id, or a name only one has (民政办 for
    民政办（社会事务办））. Refused, saying what there is, when it names nobody or several."""
    if station is not None:
        station = _one("站所", station, [(s.id, s.name) for s in project.stations])
    if cadre is not None:
        where = {s.id: s.name for s in project.stations}
        cadre = _one("干部", cadre, [(c.id, c.name, where.get(c.station, c.station)) for c in project.cadres])
    if station is not None and cadre is not None and project.cadre(cadre).station != station:
        _err(f"错误：干部「{cadre}」不在站所「{station}」：只写 --cadre 即可")
        raise typer.Exit(Exit.USAGE)
    return station, cadre


def _one(noun: str, given: str, records: list[tuple[str, ...]]) -> str:
    import difflib

    if any(record[0] == given for record in records):
        return given
    from booklet.view import named as by_name

    named = [records[i] for i in by_name(given, [r[1] for r in records])]
    if len(named) == 1:
        return named[0][0]
    shown = [f"{r[0]}（{'，'.join(r[1:])}）" for r in (named or records)]
    if named:
        _err(f"错误：有 {len(named)} 个{noun}叫「{given}」，请写编号：{'、'.join(shown)}")
    else:
        close = difflib.get_close_matches(given, [r[0] for r in records] + [r[1] for r in records], n=1)
        hint = f"是不是「{close[0]}」？" if close else ""
        listed = f"可选：{'、'.join(shown)}" if noun == "站所" else "见 cadres.yaml 中的 id 和 name"
        _err(f"错误：没有编号或名称为「{given}」的{noun}。{hint}{listed}")
    raise typer.Exit(Exit.USAGE)


def _produce(make, out: Path):
    """Run a render-and-write step; report what was written, or why nothing was. Returns
    the step's Report."""
    return _tell(_made(make, out), out)


def _made(make, out: Path):
    """The Report of a render-and-write step; exit, saying why, if nothing could be written."""
    from booklet.pdf.render import RenderError

    try:
        return make()
    except RenderError as exc:
        _err(f"错误：{exc}")
        _err("未生成任何文件，原有文件保持不变。")
        raise typer.Exit(Exit.RENDER_FAILED) from None
    except OSError as exc:
        _err(f"错误：无法写入输出目录 {out}：{said(exc)}")
        raise typer.Exit(Exit.WRITE_FAILED) from None


def _tell(report, out: Path):
    """Say what a step wrote, kept or removed, and how to print it; returns `report`."""
    from booklet.cards import FOLDER as CARDS
    from booklet.household.book import LARGE_PRINT_COPY, PRINT_COPY
    from booklet.manifest import FILENAME as MANIFEST
    from booklet.web.site import FOLDER as WEB

    if report.finished:
        _err(f"上次生成在放入文件时被中断，只放好了一部分；已把其余 {len(report.finished)} 个文件放好："
             + "、".join(report.finished))
    for name in report.ignored:
        _err(f"警告：{out / MANIFEST} 中的「{name}」不是输出目录里的文件，已忽略（这个记录文件可能被改动过）")
    written = report.written
    web = [item for item in written if item.path.parent.name == WEB or item.path.parent.parent.name == WEB]
    if web:  # pages by the dozen: said as one edition
        size = sum(item.size for item in web)
        typer.echo(f"已生成 {out / WEB}/ 中的 {len(web)} 个文件（手机版网页，共 {size // 1024 + 1} KB）："
                   f"双击其中的 index.html 即可打开，也可整个文件夹放到网站上")
    for item in written:
        if item in web:
            continue
        duplex = item.path.name == PRINT_COPY or item.path.parent.name == CARDS
        unit = "张 A4 纸（双面打印）" if duplex else "张工作表" if item.path.suffix == ".xlsx" else "页"
        size = f"{item.size / 1024 / 1024:.1f} MB" if item.size >= 100_000 else f"{item.size // 1024 + 1} KB"
        typer.echo(f"已生成 {item.path}（{item.pages} {unit}，{size}）")
    for filename in report.removed:
        gone = "这个事项" if filename.startswith(WEB + "/") else "这个站所"
        typer.echo(f"已删除 {out / filename}（{gone}已不在数据中）")
    if report.unchanged:
        typer.echo(f"数据没有变化、保持原样的文件 {len(report.unchanged)} 个（要全部重新生成，加 --force）")
    if not written and not report.removed:
        typer.echo("没有需要重新生成的文件。")
    if any(item.path.name == PRINT_COPY for item in written):
        typer.echo(f"打印 {PRINT_COPY}：A4 双面打印，选「短边翻转」，整叠对折后在折线处骑马订。")
    if any(item.path.name == LARGE_PRINT_COPY for item in written):
        typer.echo(f"打印 {LARGE_PRINT_COPY}：A4 双面打印，选「长边翻转」，在左侧打孔或用订书钉装订。")
    if any(item.path.parent.name == CARDS for item in written):
        typer.echo("打印联系卡：A4 双面打印，选「长边翻转」、实际大小（不缩放），按页边的裁切线裁开。")
    return report


@app.command(cls=ChineseCommand)
def fonts() -> None:
    """把字体安装到 fonts/（从 Debian 的 fonts-noto-cjk 中提取简体中文字形）。make 会自动运行。"""
    from booklet.paths import FONTS
    from booklet.pdf import fonts as font_files

    try:
        written = font_files.install(FONTS)
    except font_files.FontsMissing as exc:
        _err(f"错误：{exc}")
        raise typer.Exit(Exit.SETUP) from None
    for path in written:
        typer.echo(f"已安装字体 {path}")


@app.command(cls=ChineseCommand)
def version() -> None:
    """显示版本号。"""
    typer.echo(f"booklet {__version__}")


def _interrupted(signum: int, frame: object) -> None:
    """Ctrl-C, or SIGTERM (a shutdown, `kill`): the build stops where it is. Nothing is put in
    place before everything is rendered (build.py), and the pool stops its processes."""
    from booklet import journal

    if journal.hold(signum):  # the files are being moved into place: stopped once they are
        return
    _err("已中断：这次生成的文件已全部放好。" if journal.placed else "已中断，原有文件保持不变。")
    raise KeyboardInterrupt  # Typer's: exit status 130 (status.Exit.INTERRUPTED)


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    signal.signal(signal.SIGINT, _interrupted)
    signal.signal(signal.SIGTERM, _interrupted)
    try:
        app()
    except Exception as exc:  # a bug: say so plainly, keep the traceback for whoever fixes it
        if os.environ.get("BOOKLET_DEBUG"):
            traceback.print_exc()
        _err(f"内部错误：{type(exc).__name__}: {exc}")
        _err("这是 booklet 自身的问题，请把这条信息报告给维护人员（设置 BOOKLET_DEBUG=1 可看到详细信息）。")
        sys.exit(Exit.INTERNAL)
