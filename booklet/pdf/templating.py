"""The one Jinja environment: autoescaped, strict about undefined names, filters in one place."""
from __future__ import annotations

from functools import cache

import jinja2
from markupsafe import Markup

from booklet.paths import TEMPLATES
from booklet.pdf import qr
from booklet.pdf.linebreaks import keep_together


def _qr_tel(phone) -> str:
    """`{{ cadre.mobile | qr_tel }}`: the image of a QR code that dials the number."""
    return qr.url(phone.tel)


def _qr_url(address: str) -> str:
    """`{{ service.online_url | qr_url }}`: the image of a QR code that opens the address."""
    return qr.url(address)


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["qr_tel"] = _qr_tel
    env.filters["qr_url"] = _qr_url
    env.filters["keep"] = keep_together
    return env


def render_template(name: str, **context) -> str:
    return environment().get_template(name).render(**context)


def render_macro(name: str, macro: str, **arguments) -> Markup:
    """A macro of a template, called from Python: markup, escaped as the template escapes."""
    return getattr(environment().get_template(name).module, macro)(**arguments)
