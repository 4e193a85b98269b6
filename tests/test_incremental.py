"""Rebuilding after a change renders only what the change touches, and leaves the rest alone."""
from __future__ import annotations

from pathlib import Path

import pytest

from booklet import cachefile

from conftest import run_cli
from pdfread import page_texts

READING = "便民服务一本通.pdf"
PRINT = "便民服务一本通-印刷版.pdf"


def _state(out: Path) -> dict[str, tuple[bytes, int]]:
    return {p.relative_to(out).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in out.rglob("*.pdf") if ".cache" not in p.parts}


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def built(minimal_built: Path) -> dict:
    return _state(minimal_built)


def test_the_first_build_writes_everything(built):
    assert sorted(built) == sorted([READING, PRINT, "便民身份证/民政办.pdf", "便民身份证/老龄办.pdf",
                                    "联系卡/民政办.pdf", "联系卡/老龄办.pdf"])


def test_nothing_changed_nothing_rendered(built, workdir: Path):
    result = run_cli("build", "--data", "data", "--out", "output")
    assert result.code == 0
    assert "没有需要重新生成的文件。" in result.stdout
    assert _state(workdir / "output") == built


def test_nothing_changed_is_told_without_reading_the_data_and_the_warnings_are_repeated(minimal: Path, workdir: Path,
                                                                                         monkeypatch):
    before, after = (minimal / "cadres.yaml").read_text(encoding="utf-8").rsplit("    photo: photos/zhangsan.jpg\n", 1)
    (minimal / "cadres.yaml").write_text(before + after, encoding="utf-8")  # 李四 has no photo: a warning
    first = run_cli("build", "--data", "data", "--out", "output")
    assert first.code == 0, first.stderr
    assert "李四: 没有照片" in first.stderr
    built = _state(workdir / "output")

    def check_data(*args, **kwargs):
        raise AssertionError("the data was read again")

    monkeypatch.setattr("booklet.data.checks.check_data", check_data)
    again = run_cli("build", "--data", "data", "--out", "output")
    assert again.code == 0
    assert again.stderr == first.stderr
    assert "没有需要重新生成的文件。" in again.stdout
    assert _state(workdir / "output") == built

    strict = run_cli("build", "--data", "data", "--out", "output", "--strict")
    assert strict.code == 1
    assert "（--strict：警告也算失败）" in strict.stderr

    # Saved again, the same text: read and checked as after any edit.
    (minimal / "cadres.yaml").write_text((minimal / "cadres.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(AssertionError, match="read again"):
        run_cli("build", "--data", "data", "--out", "output")


def test_one_phone_changed_rerenders_that_office_and_the_booklet_only(built, minimal: Path, workdir: Path):
    _edit(minimal / "cadres.yaml", "mobile: 139 0000 0001", "mobile: 139 0000 0009")

    result = run_cli("build", "--data", "data", "--out", "output")

    assert result.code == 0, result.stderr
    after = _state(workdir / "output")
    changed = sorted(name for name in after if after[name] != built[name])
    assert changed == sorted([READING, PRINT, "便民身份证/民政办.pdf", "联系卡/民政办.pdf"])
    for name in ("便民身份证/老龄办.pdf", "联系卡/老龄办.pdf"):
        assert after[name] == built[name]  # same bytes, same mtime: not even rewritten
    assert "数据没有变化、保持原样的文件 8 个" in result.stdout  # 2 PDFs, 6 files of the phone edition
    assert "已生成 output/网页版/ 中的 4 个文件" in result.stdout  # the two pages, the index and sw.js


def test_the_large_print_once_made_is_kept_current_by_every_build(built, minimal: Path, workdir: Path):
    """Made once with --large-print, it stays in the output folder: a plain build after a phone
    change left it with the old number, in six places, and said nothing."""
    large = workdir / "output" / "便民服务一本通-大字版.pdf"
    assert run_cli("build", "--large-print", "--data", "data", "--out", "output").code == 0
    _edit(minimal / "cadres.yaml", "mobile: 139 0000 0001", "mobile: 139 0000 0009")

    result = run_cli("build", "--data", "data", "--out", "output")

    assert result.code == 0, result.stderr
    assert f"已生成 output/{large.name}" in result.stdout
    assert "打印 便民服务一本通-大字版.pdf：A4 双面打印" in result.stdout
    text = "".join(page_texts(large))
    assert "139 0000 0009" in text and "139 0000 0001" not in text
    again = run_cli("build", "--data", "data", "--out", "output")
    assert "没有需要重新生成的文件。" in again.stdout


def test_an_incremental_build_equals_a_full_one(built, minimal: Path, workdir: Path):
    _edit(minimal / "cadres.yaml", "post: 老龄专干", "post: 老龄工作专干")
    run_cli("build", "--data", "data", "--out", "output")
    run_cli("build", "--data", "data", "--out", "fresh", "--force")
    incremental, full = _state(workdir / "output"), _state(workdir / "fresh")
    assert {name: data for name, (data, _) in incremental.items()} == {name: data for name, (data, _) in full.items()}


def test_a_photo_change_rerenders_only_that_plate(built, minimal: Path, workdir: Path):
    from PIL import Image

    Image.new("RGB", (300, 400), (10, 120, 60)).save(minimal / "photos" / "lisi.jpg")
    # 李四, the second person, shares 张三's photo in tests/minimal: give him his own.
    before, after = (minimal / "cadres.yaml").read_text(encoding="utf-8").rsplit("photos/zhangsan.jpg", 1)
    (minimal / "cadres.yaml").write_text(before + "photos/lisi.jpg" + after, encoding="utf-8")

    run_cli("build", "--data", "data", "--out", "output")

    after = _state(workdir / "output")
    assert sorted(name for name in after if after[name] != built[name]) == ["便民身份证/老龄办.pdf"]


def test_force_and_a_deleted_file_are_rendered_again(built, workdir: Path):
    (workdir / "output" / "联系卡" / "老龄办.pdf").unlink()
    run_cli("build", "--data", "data", "--out", "output")
    after = _state(workdir / "output")
    assert sorted(name for name in after if after[name] != built.get(name)) == ["联系卡/老龄办.pdf"]

    run_cli("build", "--data", "data", "--out", "output", "--force")
    forced = _state(workdir / "output")
    assert all(forced[name][1] != after[name][1] for name in forced)  # all written again
    assert all(forced[name][0] == after[name][0] for name in forced)  # to the same bytes


def test_files_of_an_office_that_is_gone_are_removed(built, minimal: Path, workdir: Path):
    _edit(minimal / "stations.yaml", "    name: 老龄办", "    name: 老龄工作办")
    result = run_cli("build", "--data", "data", "--out", "output")
    assert result.code == 0, result.stderr
    names = sorted(_state(workdir / "output"))
    assert "便民身份证/老龄办.pdf" not in names and "便民身份证/老龄工作办.pdf" in names
    assert "已删除 output/联系卡/老龄办.pdf（这个站所已不在数据中）" in result.stdout


def test_a_change_lays_out_only_the_parts_that_show_it(built, minimal: Path, workdir: Path):
    cache = workdir / "output" / ".cache"
    before = {p.name for p in cache.glob("*.pdf")}
    _edit(minimal / "cadres.yaml", "mobile: 139 0000 0002", "mobile: 139 0000 0008")  # 李四, in 老龄办
    run_cli("build", "--data", "data", "--out", "output")
    new = {p.name for p in cache.glob("*.pdf")} - before
    # 李四's chapter and the office and staff directories (the folio stamps only when a
    # header does): never the whole booklet.
    assert 0 < len(new) <= 4


def test_page_numbers_that_move_lay_out_nothing_again_but_the_part_that_grew(built, minimal: Path, workdir: Path):
    """The contents and the index get their numbers stamped on: they are not laid out again."""
    cache = workdir / "output" / ".cache"
    before = {p.name for p in cache.glob("*.pdf")}
    pages_before = len(page_texts(workdir / "output" / READING))
    conditions = "".join(f"      - 第 {n} 条受理条件，写得足够长，让这一章多出几页来，后面各章的页码都要往后移。\n"
                         for n in range(1, 60))
    _edit(minimal / "services" / "jiuzhu.yaml", "    conditions:\n      - 家庭人均收入低于当地低保标准。\n",
          "    conditions:\n" + conditions)
    assert run_cli("build", "--data", "data", "--out", "output").code == 0
    new = {p.name for p in cache.glob("*.pdf")} - before
    assert 0 < len(new) <= 2  # the chapter that grew, and again with its short items kept whole
    texts = page_texts(workdir / "output" / READING)
    assert len(texts) > pages_before
    entry = next(line for line in texts[2].splitlines() if line.startswith("高龄津贴申请"))
    heading = next(n for n, text in enumerate(texts[3:], 4) if "高龄津贴申请" in text.splitlines())
    assert entry.split()[-1] == str(heading)


@pytest.mark.parametrize("station", ["minzheng", "dangzheng"])
def test_an_office_file_is_the_same_rendered_alone_or_with_other_offices(demo_output: Path, workdir: Path,
                                                                          station: str):
    """The build lays out many offices' plates (and cards) in one document and splits it; each
    file keeps only what its own pages draw, so it does not depend on its neighbours."""
    from booklet.data.checks import check_data

    from conftest import DEMO

    name = check_data(DEMO).station(station).name
    for command, folder in (("plates", "便民身份证"), ("cards", "联系卡")):
        result = run_cli(command, "--data", str(DEMO), "--out", "alone", "--station", station)
        assert result.code == 0, result.stderr
        alone = (workdir / "alone" / folder / f"{name}.pdf").read_bytes()
        assert alone == (demo_output / folder / f"{name}.pdf").read_bytes(), (command, name)


def test_a_photo_is_prepared_for_print_once_and_found_again_by_its_content(built, minimal: Path, workdir: Path):
    """Scaling a phone's photo takes a third of a second: the build keeps it prepared, and a
    prepared copy spoilt since is prepared again, never printed."""
    import io

    from PIL import Image
    from pypdf import PdfReader

    folder = workdir / "output" / ".cache" / "photos"
    [prepared] = folder.glob("*.jpg")  # 张三 and 李四 share one photo
    written = prepared.stat().st_ino
    _edit(minimal / "cadres.yaml", "mobile: 139 0000 0002", "mobile: 139 0000 0008")  # 李四's plate again
    assert run_cli("build", "--data", "data", "--out", "output").code == 0
    assert [p.stat().st_ino for p in folder.glob("*.jpg")] == [written]  # found, not made again

    size, original = Image.open(prepared).size, prepared.read_bytes()
    Image.new("RGB", size, (200, 0, 0)).save(prepared)  # spoilt in the cache
    _edit(minimal / "cadres.yaml", "mobile: 139 0000 0008", "mobile: 139 0000 0007")
    # Said by the process that lays out the plate: on the terminal, not in this test's capture.
    assert run_cli("build", "--data", "data", "--out", "output").code == 0
    [again] = folder.glob("*.jpg")
    assert again.read_bytes() == original
    images = [Image.open(io.BytesIO(image.data)) for image in
              PdfReader(workdir / "output" / "便民身份证" / "老龄办.pdf").pages[0].images]
    photo = max(images, key=lambda image: image.width)  # not the QR code
    assert photo.convert("RGB").getpixel((size[0] // 2, size[1] // 2))[1] > 150  # the photo's blue, not red
    Image.new("RGB", (300, 400), (10, 120, 60)).save(minimal / "photos" / "zhangsan.jpg")  # a new photo
    assert run_cli("build", "--data", "data", "--out", "output").code == 0
    assert len(list(folder.glob("*.jpg"))) == 2


def test_a_photo_checked_before_is_not_decoded_again_until_it_changes(minimal: Path, workdir: Path, monkeypatch):
    """A phone's photo takes a twentieth of a second to decode: a rebuild with nothing changed
    does not decode a hundred of them again. A photo spoilt since is still found."""
    from PIL import Image

    from booklet.data import photos
    from booklet.data.checks import check_data

    assert run_cli("build", "--data", "data", "--out", "output").code == 0  # here: facts are kept by where the file is
    cache = workdir / "output" / ".cache"
    assert (cache / "files.json").is_file()
    decoded = []
    with monkeypatch.context() as patched:
        patched.setattr(photos, "_decoded_size", lambda path, relative: decoded.append(relative) or (300, 400))
        assert check_data(minimal, cache).ok
    assert decoded == []

    photo = minimal / "photos" / "zhangsan.jpg"
    Image.new("RGB", (300, 400), (10, 120, 60)).save(photo)
    photo.write_bytes(photo.read_bytes()[:-200])  # cut short, as by a copy broken off
    result = run_cli("build", "--data", "data", "--out", "output")
    assert result.code == 1
    assert "照片「photos/zhangsan.jpg」已损坏或不完整" in result.stderr


def _laid_out_since(cache: Path, before: set[Path], anchored: str = "") -> int:
    """Pages of the documents laid out since `before` (the cache keeps each with its page count);
    with `anchored`, only of those with an anchor that starts so."""
    import json

    metas = [json.loads(p.read_text(encoding="utf-8")) for p in cache.glob("*.json")
             if len(p.stem) == 64 and p not in before]
    return sum(meta["pages"] for meta in metas if any(name.startswith(anchored) for name in meta["anchors"]))


@pytest.fixture
def demo_copy(demo_output: Path, workdir: Path) -> Path:
    """The demo data at ./data, and its build with the cache at ./output."""
    import shutil

    from conftest import DEMO

    shutil.copytree(DEMO, workdir / "data")
    shutil.copytree(demo_output, workdir / "output")
    cuts = cachefile.read(workdir / "output" / ".cache" / "layout-a5.json")["cuts"]
    # 户籍与证明 (chapter 4) is long enough to be cut: its second segment starts inside
    # 无犯罪记录证明开具, at its 办理流程.
    assert cuts["chapter-4"] == ["service-wuzuifan-zhengming/5"], cuts
    return workdir / "data"


def _same_as_a_fresh_build(workdir: Path) -> None:
    """The booklet as a build from scratch makes it: of a copy of the data that declares the
    booklet alone (the editions made are not printed in it), so as not to make the plates too."""
    import shutil

    shutil.copytree(workdir / "data", workdir / "data-fresh")
    org = workdir / "data-fresh" / "org.yaml"
    text = org.read_text(encoding="utf-8")
    assert "  plates: 是" in text and "  cards: 是" in text
    org.write_text(text.replace("  plates: 是", "  plates: 否").replace("  cards: 是", "  cards: 否"), encoding="utf-8")
    assert run_cli("build", "--data", "data-fresh", "--out", "fresh", "--force").code == 0
    for name in (READING, PRINT):
        assert (workdir / "output" / name).read_bytes() == (workdir / "fresh" / name).read_bytes(), name


def test_an_edit_lays_out_again_only_the_segment_it_is_in(demo_copy: Path, workdir: Path):
    """Two edits, each in the last segment of a part: of 户籍与证明, in its last item; of 干部目录,
    cut before the heading of 农业综合服务中心, which is kept with the person after it (its
    look-ahead takes both: tests/test_flow.py), in the segment before that heading. Each lays out
    that segment alone, and the booklet comes out as a fresh build does."""

    cache = workdir / "output" / ".cache"
    cuts = cachefile.read(cache / "layout-a5.json")["cuts"]
    assert cuts["staff"] == ["staff-nongye"]
    directory = _laid_out_since(cache, set(), anchored="cadre-")
    before = set(cache.glob("*.json"))
    # In 社会救助对象身份证明开具, the last item of 户籍与证明: its second segment.
    _edit(demo_copy / "services" / "huji-zhengming.yaml", "相关部门可以直接查询", "有关部门可以直接查询")
    _edit(demo_copy / "cadres.yaml", "      - 负责帮办代办队伍的管理和调度\n", "      - 负责帮办代办队伍的管理\n")
    assert run_cli("build", "--data", "data", "--out", "output").code == 0
    assert 0 < _laid_out_since(cache, before, anchored="service-") <= 6  # that segment, not the chapter's 12 pages
    assert "有关部门可以直接查询" in "".join(page_texts(workdir / "output" / READING))
    assert 0 < _laid_out_since(cache, before, anchored="cadre-") < directory
    _same_as_a_fresh_build(workdir)


def test_a_chapter_whose_segments_no_longer_fit_is_laid_out_whole_again(demo_copy: Path, workdir: Path):
    """The second segment of 户籍与证明 starts inside 无犯罪记录证明开具, at its 办理流程. Its
    conditions grow, in the first segment: 办理流程 no longer starts a page, and the first
    segment no longer ends where the second starts. The chapter is laid out whole again and cut
    elsewhere, and comes out as a fresh build does."""

    conditions = "".join(f"      - 第 {n} 条受理条件，写得长一些，把后面的办理流程往下推。\n" for n in range(1, 4))
    last = "      - 因就业、出国（境）、入学等需要证明本人无犯罪记录的。\n"
    _edit(demo_copy / "services" / "huji-zhengming.yaml", last, last + conditions)
    assert run_cli("build", "--data", "data", "--out", "output").code == 0
    cuts = cachefile.read(workdir / "output" / ".cache" / "layout-a5.json")["cuts"]
    assert cuts["chapter-4"] != ["service-wuzuifan-zhengming/5"]
    _same_as_a_fresh_build(workdir)


def test_an_item_measured_alone_is_not_measured_again_until_it_changes(demo_copy: Path, workdir: Path, monkeypatch):
    """An item a little longer than a page, split where it lands, measures as if it might fit
    (the margins dropped at the break): it is laid out alone to tell. A rebuild knows the
    answer. At ten times a street office's size a dozen such items took 4 s of every rebuild."""
    from booklet.household.measure import ShortItems

    measured: list[list[str]] = []
    measure = ShortItems._measure_alone
    monkeypatch.setattr(ShortItems, "_measure_alone",
                        lambda self, items: measured.append([i.anchor for i in items]) or measure(self, items))
    steps = "".join(f"      - 第 {n} 步。\n" for n in (1, 2))
    conditions = "".join(f"      - 第 {n} 条受理条件。\n" for n in range(1, 7))
    with (demo_copy / "services" / "huji-zhengming.yaml").open("a", encoding="utf-8") as services:
        services.write(f"""
  - id: yiye-duo
    name: 比一页略长的事项
    category: 户籍与证明
    station: paichusuo
    handlers:
      - daiyaqin
    summary: 比一页略长，分在两页上时量起来却像一页排得下。
    conditions:
{conditions}    materials:
      - name: 居民身份证
        originals: 1
    steps:
{steps}    time_limit:
      immediate: 是
""")
    assert run_cli("build", "--data", "data", "--out", "output").code == 0
    assert measured == [["service-yiye-duo"]]
    _edit(demo_copy / "cadres.yaml", "139 0000 0101", "139 0000 0109")
    assert run_cli("build", "--data", "data", "--out", "output").code == 0
    assert measured == [["service-yiye-duo"]]
    # The answer kept is the one measured from the same item (its key is its content), so the
    # booklet is as the first build laid it out; that an incremental build equals a fresh one
    # is the two tests above.


def _declare(minimal: Path, editions: str) -> None:
    with (minimal / "org.yaml").open("a", encoding="utf-8") as handle:
        handle.write("editions:\n" + "".join(f"  {line}\n" for line in editions.split(";")))


def test_a_new_phone_is_in_every_declared_edition_and_the_old_one_in_none(built, minimal: Path, workdir: Path):
    _declare(minimal, "large_print: 是;card_qr: vcard;card_copies: 2")
    _edit(minimal / "cadres.yaml", "mobile: 139 0000 0001", "mobile: 139 0000 0009")

    result = run_cli("build", "--data", "data", "--out", "output")

    assert result.code == 0, result.stderr
    out = workdir / "output"
    editions = [READING, PRINT, "便民服务一本通-大字版.pdf", "便民身份证/民政办.pdf", "联系卡/民政办.pdf"]
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.pdf") if ".cache" not in p.parts) == \
        sorted(editions + ["便民身份证/老龄办.pdf", "联系卡/老龄办.pdf"])
    for name in editions:
        text = "".join(page_texts(out / name))
        assert "139 0000 0009" in text and "139 0000 0001" not in text, name
    from pdfread import qr_codes
    codes = [code.text for page in qr_codes(out / "联系卡/民政办.pdf") for code in page]
    assert codes and all(code.startswith("BEGIN:VCARD") for code in codes)  # the choice made in org.yaml stays
    assert len(codes) == 2  # two cards of one person, on one sheet


def test_an_edition_not_declared_is_not_made_and_one_made_once_is_kept_current(minimal: Path, workdir: Path):
    _declare(minimal, "print_copy: 否;plates: 否")
    assert run_cli("build", "--data", "data", "--out", "output").code == 0
    out = workdir / "output"
    assert (out / READING).exists() and not (out / PRINT).exists() and not (out / "便民身份证").exists()
    assert run_cli("plates", "--data", "data", "--out", "output").code == 0  # made once, by hand
    _edit(minimal / "cadres.yaml", "mobile: 139 0000 0001", "mobile: 139 0000 0009")

    assert run_cli("build", "--data", "data", "--out", "output").code == 0

    text = "".join(page_texts(out / "便民身份证/民政办.pdf"))
    assert "139 0000 0009" in text and "139 0000 0001" not in text
