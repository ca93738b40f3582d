"""The templates of every audience in one Jinja environment, and what every template may use.

Shared templates (the base layout, the error page) live in `gazette/web/templates/` and are
named plainly (`base.html`); an audience's own live in its package and are named after it
(`public/story.html` is `gazette/web/public/templates/story.html`). Templates link with
`url_for(route name, **parameters)` and `static_url(file name)`, never with written-out paths,
and receive view records only: never a database row.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader, pass_context
from markupsafe import Markup, escape
from starlette.responses import Response

from gazette.config import Settings
from gazette.web.static_files import HashedStaticFiles

SHARED_TEMPLATES = Path(__file__).resolve().parent / "templates"
# The characters RFC 3986 allows in a path unescaped (but "%", which a route's values never
# carry escaped: it is escaped as itself).
PATH_SAFE = "/-._~!$&'()*+,;=:@"
MARKER = re.compile(r"\[(\d+)\]")
# A group of markers as a disagreement writes them, after a space ("9,500 people [2][5]"): the
# space is left out, so that they sit against the word as every other sentence's markers do.
MARKERS = re.compile(r"\s*((?:\[\d+\])+)")
WORD_JOINER = "\u2060"


def format_time(moment: datetime | None) -> str:
    return moment.strftime("%d %b %Y, %H:%M UTC") if moment else ""


def _citation_link(number: str | int, anchor: str) -> str:
    link = f'<a class="cite" href="#{anchor}{number}" title="Source {number}">[{number}]</a>'
    return f"<sup>{link}</sup>"


def _keep_together(markers: str) -> str:
    """Markers that never break from the word before them: a word joiner (U+2060, no line
    break on either side) between that word and the markers, and the markers in a span that
    never breaks between them (`.cited` is `white-space: nowrap`). The sentence's own text
    stays as it was, for reading, copying and finding."""
    return f'{WORD_JOINER}<span class="cited">{markers}</span>'


def cited(sentence: Any, anchor: str = "ref-") -> Markup:
    """A sentence record (`text`, `citations`, `kind`), escaped, with its citation markers as
    links to the reference list, whose items' ids are `anchor` and the number (`ref-3` on the
    story page; `v2-ref-3`, version 2's, on the versions page, which lists each version's
    own), each group of markers held to the word before it; an editor's note marked as such."""

    def marker(number: str | int) -> str:
        return _citation_link(number, anchor)

    text = str(escape(sentence.text))
    if sentence.kind == "note":  # an editor's, which no source supports: marked, no markers
        return Markup(f'<span class="editor-note"><strong>Editor’s note:</strong> {text}</span>')
    if sentence.kind == "disagreement":  # markers are inline, after each side
        return Markup(
            MARKERS.sub(
                lambda m: _keep_together(MARKER.sub(lambda n: marker(n.group(1)), m.group(1))),
                text,
            )
        )
    markers = "".join(marker(n) for n in sentence.citations)
    return Markup(text + _keep_together(markers) if markers else text)


def path_for(request: Request, name: str, **params: object) -> str:
    """The path (no scheme or host) of the route called `name`: pages link within the site
    whatever address a proxy in front of it answers to."""
    return escaped_path(request.url_for(name, **params).path)


def escaped_path(path: str) -> str:
    """`path` percent-encoded: a story's slug may be in any script, and links, canonical
    addresses, feeds and sitemaps (whose protocol asks for escaped addresses) all give the one
    ASCII form of each address. The router matches it decoded, so either form reaches a page."""
    return quote(path, safe=PATH_SAFE)


@pass_context
def _url_for(context: Mapping[str, Any], name: str, /, **params: object) -> str:
    return path_for(context["request"], name, **params)


def build_templates(
    settings: Settings, static: HashedStaticFiles, audiences: Mapping[str, Path]
) -> Jinja2Templates:
    """One environment for the app: the shared folder, plus each audience's folder under the
    audience's name."""
    loader = ChoiceLoader(
        [
            FileSystemLoader(SHARED_TEMPLATES),
            PrefixLoader({name: FileSystemLoader(folder) for name, folder in audiences.items()}),
        ]
    )
    environment = Environment(loader=loader, autoescape=True)

    @pass_context
    def static_url(context: Mapping[str, Any], name: str) -> str:
        return path_for(context["request"], "static", path=static.url_name(name))

    environment.filters.update(when=format_time, cited=cited)
    environment.globals.update(
        url_for=_url_for,
        static_url=static_url,
        site=settings.site,
        development=settings.site.mode == "development",
    )
    return Jinja2Templates(env=environment)


def render(request: Request, name: str, context: Mapping[str, Any], status: int = 200) -> Response:
    """The template `name` filled with `context`, with the app's environment."""
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(request, name, dict(context), status_code=status)
