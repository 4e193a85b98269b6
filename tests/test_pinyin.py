"""Pinyin order as residents look things up, and the readings a rebuild need not work out again."""
from __future__ import annotations

from pathlib import Path

import pytest

from booklet import cachefile, pinyin

TERMS = ["最低生活保障", "单亲家庭补助", "低保", "残疾人证", "Wi-Fi 申请", "曾用名变更"]


def test_terms_are_ordered_by_pinyin_and_filed_under_their_first_letter():
    readings = pinyin.Readings()
    # 曾 in 曾用名 is céng (a surname only is Zēng: pinyin.SURNAMES).
    assert sorted(TERMS, key=readings.sort_key) == ["残疾人证", "曾用名变更", "单亲家庭补助", "低保", "Wi-Fi 申请",
                                                   "最低生活保障"]
    assert [readings.initial(t) for t in ["低保", "曾用名变更", "Wi-Fi 申请", "《条例》"]] == ["D", "C", "W", "#"]


def test_readings_kept_from_the_last_build_are_not_worked_out_again(tmp_path: Path, monkeypatch):
    path = tmp_path / "pinyin.json"
    first = pinyin.Readings(path)
    keys = [(first.sort_key(t), first.initial(t)) for t in TERMS]
    first.save()

    def unread(text):
        raise AssertionError(f"{text} read again")

    monkeypatch.setattr(pinyin, "syllables", unread)
    monkeypatch.setattr(pinyin, "_tones", unread)
    again = pinyin.Readings(path)
    assert [(again.sort_key(t), again.initial(t)) for t in TERMS] == keys
    with pytest.raises(AssertionError, match="新词 read again"):
        again.sort_key("新词")


def test_readings_of_another_pypinyin_are_read_again(tmp_path: Path, monkeypatch):
    path = tmp_path / "pinyin.json"
    cachefile.write(path, {"pypinyin": "0.0", "terms": {"低保": [["x"], ["x1"]]}})
    assert pinyin.Readings(path).initial("低保") == "D"


def test_many_terms_are_read_in_a_process_of_their_own_and_order_the_same(tmp_path: Path):
    """pypinyin's dictionaries take 56 MB: a build's parent reading a street office's index
    held them to its end, while both workers rendered the plates."""
    import json
    import subprocess
    import sys

    terms = [f"{term}{n}" for n in range(40) for term in TERMS]  # 240: more than _IN_PROCESS
    script = ("import json, sys\nfrom pathlib import Path\nfrom booklet import pinyin\nterms = json.loads(sys.argv[1])\n"
              "readings = pinyin.Readings(Path(sys.argv[2]))\nreadings.read_all(terms)\n"
              "keys = [[readings.sort_key(t), readings.initial(t)] for t in terms]\nreadings.save()\n"
              "print(json.dumps([keys, 'pypinyin' in sys.modules], ensure_ascii=False))")
    run = subprocess.run([sys.executable, "-c", script, json.dumps(terms), str(tmp_path / "pinyin.json")],
                         capture_output=True, check=True, text=True)
    keys, loaded = json.loads(run.stdout)
    assert not loaded
    here = pinyin.Readings()
    assert keys == [[list(here.sort_key(t)), here.initial(t)] for t in terms]
    assert sorted(cachefile.read(tmp_path / "pinyin.json")["terms"]) == sorted(terms)
