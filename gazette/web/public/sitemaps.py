"""What search engines and ad exchanges read: `sitemap.xml`, the Google News sitemap,
`robots.txt` and `ads.txt`.

A sitemap holds at most 50,000 addresses (sitemaps.org). Below that, `/sitemap.xml` lists the
home page, every tag page and every story; above, it becomes a sitemap index naming parts of at
most that many: `/sitemaps/pages-N.xml` (the home page and tag pages) and
`/sitemaps/stories-N.xml`. The news sitemap lists the stories first published in the last two
days (at most 1,000, Google's limit), newest first.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree
from xml.etree.ElementTree import Element

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException

from gazette.config import Settings
from gazette.db.models import utcnow
from gazette.web.dependencies import AppSettings, ReadSession
from gazette.web.public import listings
from gazette.web.public.feeds import absolute_url, http_date

URLS_PER_SITEMAP = 50_000
NEWS_WINDOW = timedelta(days=2)
NEWS_LIMIT = 1_000
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
PART = re.compile(r"(pages|stories)-([1-9]\d{0,5})")
XML = "application/xml; charset=utf-8"
# Paths that are no pages for a search engine: the staff's, machines' and search results.
NOT_FOR_CRAWLERS = ("/desk", "/login", "/api/", "/metrics", "/search")

router = APIRouter()


def _w3c(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _xml(root: Element) -> Response:
    body = ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)
    return Response(body, media_type=XML)


def _url(parent: Element, loc: str, changed: datetime | None) -> None:
    url = ElementTree.SubElement(parent, "url")
    ElementTree.SubElement(url, "loc").text = loc
    if changed is not None:
        ElementTree.SubElement(url, "lastmod").text = _w3c(changed)


def _urlset() -> Element:
    return ElementTree.Element("urlset", xmlns=SITEMAP_NS)


def _pages(
    request: Request, session: Session, settings: Settings, urlset: Element, limit: int, offset: int
) -> None:
    """The home page (on the first part) and tag pages, `limit` of them from `offset`."""
    if offset == 0:
        _url(urlset, absolute_url(request, settings, "home"), None)
        limit -= 1
    else:
        offset -= 1
    for page in listings.tag_pages(session, limit, offset):
        _url(urlset, absolute_url(request, settings, "tag", slug=page.slug), page.changed_at)


def _stories(
    request: Request, session: Session, settings: Settings, urlset: Element, limit: int, offset: int
) -> None:
    for link in listings.story_links(session, limit, offset):
        loc = absolute_url(request, settings, "story", story_id=link.id, slug=link.slug)
        _url(urlset, loc, link.changed_at)


def _parts(count: int) -> int:
    return max(1, -(-count // URLS_PER_SITEMAP))


@router.get("/sitemap.xml", name="sitemap")
def sitemap(request: Request, session: ReadSession, settings: AppSettings) -> Response:
    pages = 1 + listings.tag_page_count(session)
    stories = listings.story_count(session)
    if pages + stories <= URLS_PER_SITEMAP:
        urlset = _urlset()
        _pages(request, session, settings, urlset, pages, 0)
        _stories(request, session, settings, urlset, stories, 0)
        return _xml(urlset)
    index = ElementTree.Element("sitemapindex", xmlns=SITEMAP_NS)
    for kind, count in (("pages", pages), ("stories", stories)):
        for number in range(1, _parts(count) + 1):
            entry = ElementTree.SubElement(index, "sitemap")
            loc = absolute_url(request, settings, "sitemap_part", part=f"{kind}-{number}")
            ElementTree.SubElement(entry, "loc").text = loc
    return _xml(index)


@router.get("/sitemaps/{part}.xml", name="sitemap_part")
def sitemap_part(
    request: Request, session: ReadSession, settings: AppSettings, part: str
) -> Response:
    match = PART.fullmatch(part)
    if match is None:
        raise HTTPException(404, f"There is no sitemap {part!r}.")
    kind, number = match.group(1), int(match.group(2))
    count = (
        1 + listings.tag_page_count(session) if kind == "pages" else listings.story_count(session)
    )
    if number > _parts(count):
        raise HTTPException(404, f"There is no sitemap {part!r}.")
    urlset = _urlset()
    fill = _pages if kind == "pages" else _stories
    fill(request, session, settings, urlset, URLS_PER_SITEMAP, (number - 1) * URLS_PER_SITEMAP)
    return _xml(urlset)


@router.get("/news-sitemap.xml", name="news_sitemap")
def news_sitemap(request: Request, session: ReadSession, settings: AppSettings) -> Response:
    ElementTree.register_namespace("news", NEWS_NS)
    urlset = _urlset()
    links = listings.story_links(session, NEWS_LIMIT, since=utcnow() - NEWS_WINDOW)
    for link in links:
        url = ElementTree.SubElement(urlset, "url")
        loc = absolute_url(request, settings, "story", story_id=link.id, slug=link.slug)
        ElementTree.SubElement(url, "loc").text = loc
        news = ElementTree.SubElement(url, f"{{{NEWS_NS}}}news")
        publication = ElementTree.SubElement(news, f"{{{NEWS_NS}}}publication")
        ElementTree.SubElement(publication, f"{{{NEWS_NS}}}name").text = settings.site.title
        ElementTree.SubElement(
            publication, f"{{{NEWS_NS}}}language"
        ).text = settings.cluster.language
        ElementTree.SubElement(news, f"{{{NEWS_NS}}}publication_date").text = _w3c(
            link.published_at
        )
        ElementTree.SubElement(news, f"{{{NEWS_NS}}}title").text = link.headline
    response = _xml(urlset)
    if links:
        response.headers["Last-Modified"] = http_date(max(link.changed_at for link in links))
    return response


@router.get("/robots.txt", name="robots", response_class=PlainTextResponse)
def robots(request: Request, settings: AppSettings) -> str:
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in NOT_FOR_CRAWLERS), ""]
    for name in ("sitemap", "news_sitemap"):
        lines.append(f"Sitemap: {absolute_url(request, settings, name)}")
    return "\n".join(lines) + "\n"


@router.get("/ads.txt", name="ads_txt", response_class=PlainTextResponse)
def ads_txt(settings: AppSettings) -> str:
    """The sellers the publisher authorises (IAB ads.txt), as `site.ads_txt` lists them."""
    if not settings.site.ads_txt:
        raise HTTPException(404, "This site publishes no ads.txt.")
    return "\n".join(settings.site.ads_txt) + "\n"
