"""The change notice (变更告知单): one page listing what a household must correct in its booklet."""
from __future__ import annotations

import datetime
import os

from booklet.data.load import Project
from booklet.editions import Changes
from booklet.outputs import Output
from booklet.pdf.render import RenderError, render_pdf
from booklet.pdf.templating import render_template

FILENAME = "变更告知单.pdf"


# Type sizes tried, largest first: few changes are printed large enough to fill the page.
SIZES = (20, 17, 14, 12, 10.5)


def render_notice(project: Project, changes: Changes, date: datetime.date | None = None) -> Output:
    """The notice in the largest type that fits it on one page, dated `date` (today, or the
    day SOURCE_DATE_EPOCH names, for a build that must give the same bytes)."""
    date = date or issued()
    for size in SIZES:
        html = render_template("notice/notice.html", org=project.org, since=changes.since, lines=changes.notice,
                               size=size, date=date)
        result = render_pdf(html, project.data_dir, what=FILENAME)
        if result.pages == 1:
            return Output(FILENAME, result.pdf, result.pages)
    raise RenderError(f"{FILENAME} 有 {result.pages} 页：变化太多，请出新版一本通")


def issued() -> datetime.date:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), datetime.UTC).date()
    return datetime.date.today()
