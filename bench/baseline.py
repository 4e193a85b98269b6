"""The baseline `make bench` measures the build against: the same booklet as one WeasyPrint
document, rendered in one process, as a user of WeasyPrint would write it without this project.

    .venv/bin/python bench/baseline.py DATA OUT.pdf

The same parts as the build's (household/parts.py), from the same templates and CSS, put in
one HTML document in the order they are bound: the page numbers are WeasyPrint's own (a
counter in the page's margin box), the running headers its named strings, and the numbers of
the contents and the index `target-counter()`s. Every item flows on from where it starts (the
build keeps the ones that fit on a page whole, which takes it more layout, not less). Prints
the number of pages.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

from markupsafe import escape

from booklet import pinyin
from booklet.data.checks import check_data
from booklet.household.flow import Block
from booklet.household.geometry import STANDARD
from booklet.household.parts import BLOCKS, plan
from booklet.pdf.render import render_pdf
from booklet.pdf.templating import render_macro, render_template
from booklet.view import ServiceView, material_count

# What the build stamps over its parts afterwards, WeasyPrint's own way.
_FOLIO_CSS = """
@page { @top-center { content: string(header); font-size: 8pt; color: #555; }
        @bottom-center { content: counter(page); font-size: 9pt; } }
.page .slot { visibility: visible; }
.slot::before { content: target-counter(attr(data-target url), page); }
"""
_BODY = re.compile(r"<body>(.*)</body>", re.S)
# An entry of the contents or the index: its link, and the number box that shows its page.
_ENTRY = re.compile(r'(<a class="(?:toc|index)-entry[^"]*" id="[^"]*" href=")booklet:#([^"]+)(">.*?)'
                    r'<span class="slot" id="([^"]+)">888</span>', re.S)


def _body(html: str) -> str:
    return _BODY.search(html).group(1)


def one_document(data: Path) -> str:
    project = check_data(data)
    if not project.ok:
        raise SystemExit("数据有错误：请先运行 booklet check")
    book = plan(project, STANDARD, pinyin.Readings())

    def item(view: ServiceView) -> Block:
        return Block(view.anchor, render_macro(BLOCKS, "service", view=view, short=False, material_count=material_count))

    flows = {flow.key: flow for flow in book.flows(item)}
    sections = []
    for part in [*book.order, book.notes, book.back]:
        html = render_template(part.template, **part.context) if part.template else flows[part.key].html()
        header = f' style="string-set: header {_css_string(part.header)}"' if part.header else ""
        sections.append(f'<div class="baseline-part" id="part-{part.key}"{header}>{_body(html)}</div>')
    body = _ENTRY.sub(lambda m: f'{m[1]}#{m[2]}{m[3]}<span class="slot" id="{m[4]}" data-target="#{m[2]}"></span>',
                      "\n".join(sections))
    body = body.replace('href="booklet:#', 'href="#')
    head = render_template(book.order[0].template, **book.order[0].context).split("<body>")[0]
    return head.replace("</head>", f"<style>{_FOLIO_CSS}.baseline-part + .baseline-part {{ break-before: page; }}"
                                   "</style></head>") + f"<body>{body}</body></html>"


def _css_string(text: str) -> str:
    """`text` as a CSS string in an HTML attribute."""
    quoted = '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return str(escape(quoted))


def main() -> None:
    data, out = Path(sys.argv[1]), Path(sys.argv[2])
    html = one_document(data)
    result = render_pdf(html, data, what="一本通（基准：单个文档）")
    out.write_bytes(result.pdf)
    print(result.pages)


if __name__ == "__main__":
    main()
