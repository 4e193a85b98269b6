"""The phone edition (手机版): the booklet's content as static pages in `网页版/`, which work
opened from a folder (`file://`) or served by any web server, and ask nothing of any other
host.

Every page is rendered on each build (HTML costs milliseconds); the build writes only those
whose bytes changed, so a phone change rewrites the pages that show that phone.
"""
from __future__ import annotations

import hashlib

from booklet import view
from booklet.data.load import Project
from booklet.outputs import Output
from booklet.paths import TEMPLATES
from booklet.pdf.templating import render_template
from booklet.web import search

FOLDER = "网页版"
# Copied as they are: the design (style.css) and the search (search.js) are the templates'.
ASSETS = ("style.css", "search.js")


def pages(project: Project) -> list[Output]:
    chapters = view.chapters(project)
    events = view.life_events(project, chapters)
    offices = view.offices(project)
    context = {"org": project.org, "chapters": chapters, "events": events, "offices": offices,
               "edition": project.org.edition, "material_count": view.material_count}
    result = [_page("index.html", "web/index.html", root="", **context)]
    for chapter in chapters:
        for item in chapter.services:
            result.append(_page(f"items/{item.service.id}.html", "web/item.html", root="../", item=item,
                                chapter=chapter, **context))
    result.append(_page("offices.html", "web/offices.html", root="", **context))
    result.append(_page("staff.html", "web/staff.html", root="", **context))
    result.append(_page("supervision.html", "web/supervision.html", root="", **context))
    result.append(Output(f"{FOLDER}/search-index.js", search.script(chapters), 1))
    for name in ASSETS:
        result.append(Output(f"{FOLDER}/{name}", (TEMPLATES / "web" / name).read_bytes(), 1))
    return result + [_service_worker(result)]


def _service_worker(files: list[Output]) -> Output:
    """`sw.js`: the site's files, kept for use with no network, under a version that is the
    digest of them all."""
    names = sorted(f.filename.removeprefix(FOLDER + "/") for f in files)
    version = hashlib.sha256(b"".join(f.filename.encode() + f.pdf for f in sorted(files, key=lambda f: f.filename)))
    script = render_template("web/sw.js", files=["./", *names], version="booklet-" + version.hexdigest()[:16])
    return Output(f"{FOLDER}/sw.js", script.encode("utf-8"), 1)


def _page(filename: str, template: str, **context) -> Output:
    html = render_template(template, page=filename, **context)
    return Output(f"{FOLDER}/{filename}", html.encode("utf-8"), 1)
