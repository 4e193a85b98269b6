"""The change notice (变更告知单): one page listing what a household must correct in its booklet."""
from __future__ import annotations

from booklet.data.load import Project
from booklet.editions import Changes
from booklet.outputs import Output
from booklet.pdf.render import RenderError, render_pdf
from booklet.pdf.templating import render_template

FILENAME = "变更告知单.pdf"


def render_notice(project: Project, changes: Changes) -> Output:
    html = render_template("notice/notice.html", org=project.org, since=changes.since, lines=changes.notice)
    result = render_pdf(html, project.data_dir, what=FILENAME)
    if result.pages != 1:
        raise RenderError(f"{FILENAME} 有 {result.pages} 页：变化太多，请出新版一本通")
    return Output(FILENAME, result.pdf, result.pages)
