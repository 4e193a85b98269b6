"""The YAML reader: every scalar is the text written, and every node knows its line."""
from __future__ import annotations

import string

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from booklet.data.yamlsource import read_yaml

_TEXT = st.text(
    alphabet=st.sampled_from(string.ascii_letters + string.digits + " :-.#'\"&*!%@`|>{}[],?~" + "张三民政办。，（）"),
    min_size=1, max_size=30,
).filter(lambda s: s.strip() == s and s not in {"~", "null", "Null", "NULL"})


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(["name", "phone", "hours", "post"]), _TEXT, min_size=1))
def test_every_value_reads_back_as_the_text_written(tmp_path_factory, record):
    path = tmp_path_factory.mktemp("y") / "a.yaml"
    path.write_text(yaml.safe_dump({"cadres": [record]}, allow_unicode=True), encoding="utf-8")
    doc, problems = read_yaml(path, "a.yaml")
    assert problems == []
    assert doc.value == {"cadres": [record]}


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(["0571", "0123", "8:30", "1:2:3", "no", "yes", "on", "off", "1e3", "0x1F",
                        "0o17", "1_000", ".5", "2026-11-01", "13800138000", "+86", "true", "False"]))
def test_yaml_1_1_look_alikes_stay_text(tmp_path_factory, plain):
    path = tmp_path_factory.mktemp("y") / "a.yaml"
    path.write_text(f"value: {plain}\n", encoding="utf-8")
    doc, _ = read_yaml(path, "a.yaml")
    assert doc.value == {"value": plain}


def test_problems_point_at_the_node(tmp_path):
    path = tmp_path / "a.yaml"
    path.write_text("cadres:\n  - name: 张三\n    materials:\n      - copies: x\n", encoding="utf-8")
    doc, _ = read_yaml(path, "data/a.yaml")
    problem = doc.problem(("cadres", 0, "materials", 0, "copies"), "坏了")
    assert str(problem) == "data/a.yaml:4:17: 坏了"
    # A missing field points at the record that lacks it.
    assert str(doc.problem(("cadres", 0, "post"), "缺")) == "data/a.yaml:2:5: 缺"
    assert str(doc.problem(("cadres", 0, "materials"), "键", at_key=True)) == "data/a.yaml:3:5: 键"


def test_a_quote_never_closed_is_reported_where_it_opens_not_at_the_end(tmp_path):
    path = tmp_path / "a.yaml"
    for text, where, quote in [
        ("cadres:\n  - id: a\n    name: \"张三\n    post: x\n" + "    duties: y\n" * 40, "3:11", '"'),
        ("cadres:\n  - id: a\n    name: '张三\n    post: x\n", "3:11", "'"),
        ("a: 1\nb: [\"x, y]\nc: 2\n", "2:5", '"'),
    ]:
        path.write_text(text, encoding="utf-8")
        doc, problems = read_yaml(path, "data/a.yaml")
        assert doc is None
        assert [str(p) for p in problems] == [(
            f"data/a.yaml:{where}: YAML 格式错误：这里的引号「{quote}」没有配对的结束引号，"
            f"从这里到文件末尾都被当成了一个值：请在这个值的末尾补上「{quote}」")]
