"""Adding, listing, changing and removing sources; OPML in and out. The CLI calls these."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import listparser
import lxml.etree
from sqlalchemy import select
from sqlalchemy.orm import Session

from gazette.db.engine import fits_in_id
from gazette.db.models import Source, utcnow
from gazette.errors import InputError, NotFound
from gazette.urls import location_to_url

SOURCE_KINDS = ("feed", "sitemap", "page")
LANGUAGE = re.compile(r"^[a-z]{2,3}$")
# The longest polling interval a source may have: a year. A source read less often is paused.
MAX_INTERVAL_MINUTES = 365 * 24 * 60
# The longest name a source may have: its column's, and its reports' outlet's.
NAME_LENGTH = 300


def usable_interval(minutes: float | None) -> float | None:
    """A source's own polling interval, or None when it has none a run can use. Intervals are
    checked when set, but a database may hold one from before (infinite, NaN, not positive, or
    too long for a date to be computed): it counts as unset, and the default applies."""
    if minutes is None or not math.isfinite(minutes):
        return None
    return minutes if 0 < minutes <= MAX_INTERVAL_MINUTES else None


def check_settings(
    interval_minutes: float | None, language: str | None, name: str | None = None
) -> None:
    """InputError unless the interval, language and name given for a source are usable."""
    if name is not None and len(name) > NAME_LENGTH:  # PostgreSQL refuses it, SQLite not
        raise InputError(f"the name is longer than {NAME_LENGTH} characters")
    if interval_minutes is not None and usable_interval(interval_minutes) is None:
        raise InputError(
            "the interval must be a finite number of minutes above 0 and at most "
            f"{MAX_INTERVAL_MINUTES} (a year), not {interval_minutes}"
        )
    if language is not None and not LANGUAGE.match(language):
        raise InputError(f"language must be a two- or three-letter ISO 639 code, not {language!r}")


def add_source(
    session: Session,
    location: str,
    kind: str = "feed",
    name: str | None = None,
    interval_minutes: float | None = None,
    language: str | None = None,
) -> Source:
    """Register a feed, sitemap or page by URL or local path; a known one again is an error."""
    if kind not in SOURCE_KINDS:
        raise InputError(f"unknown source kind {kind!r}: use one of {', '.join(SOURCE_KINDS)}")
    check_settings(interval_minutes, language, name)
    url = location_to_url(location)
    existing = session.scalar(select(Source).where(Source.url == url))
    if existing is not None:
        raise InputError(f"source already added (id {existing.id}): {url}")
    source = Source(
        url=url, kind=kind, name=name, interval_minutes=interval_minutes, language=language
    )
    session.add(source)
    session.flush()
    return source


def list_sources(session: Session) -> list[Source]:
    return list(session.scalars(select(Source).order_by(Source.id)))


def source_status(source: Source) -> dict:
    """A source's settings and health, as `gazette sources list --json` and the API show it."""

    def iso(moment):  # type: ignore[no-untyped-def]
        return moment.isoformat() if moment else None

    interval = usable_interval(source.interval_minutes)
    unusable = source.interval_minutes is not None and interval is None
    return {
        "id": source.id,
        "kind": source.kind,
        "url": source.url,
        "name": source.name,
        "enabled": source.enabled,
        "interval_minutes": interval,
        # an interval stored before they were checked, ignored (as text: JSON has no NaN)
        "ignored_interval": str(source.interval_minutes) if unusable else None,
        "language": source.language,
        "last_fetched": iso(source.last_fetched_at),
        "last_success": iso(source.last_success_at),
        "last_error": source.last_error,
        "last_error_at": iso(source.last_error_at),
        "last_warning": source.last_warning,
        "consecutive_failures": source.consecutive_failures,
        "items_seen": source.items_seen,
    }


def find_source(session: Session, id_or_url: str) -> Source:
    if id_or_url.isascii() and id_or_url.isdigit():
        number = int(id_or_url)
        source = session.get(Source, number) if fits_in_id(number) else None
    else:
        source = session.scalar(select(Source).where(Source.url == id_or_url.strip()))
    if source is None:
        raise NotFound(f"no source with id or URL {id_or_url!r}")
    return source


def update_source(
    session: Session,
    id_or_url: str,
    *,
    name: str | None = None,
    interval_minutes: float | None = None,
    language: str | None = None,
    enabled: bool | None = None,
) -> Source:
    """Change a source's settings; arguments left at None keep their value."""
    check_settings(interval_minutes, language, name)
    source = find_source(session, id_or_url)
    if name is not None:
        source.name = name
    if interval_minutes is not None:
        source.interval_minutes = interval_minutes
        if source.last_fetched_at is not None:  # next due one new interval after its last poll
            source.next_poll_at = source.last_fetched_at + timedelta(minutes=interval_minutes)
    if language is not None:
        source.language = language
    if enabled is not None:
        source.enabled = enabled
    session.flush()
    return source


def remove_source(session: Session, id_or_url: str) -> Source:
    """Stop following a source. Articles already stored from it stay, and so do their stories."""
    source = find_source(session, id_or_url)
    session.delete(source)
    session.flush()
    return source


def import_opml(session: Session, content: bytes) -> tuple[list[Source], list[str]]:
    """Add every feed of an OPML subscription list; returns (added, URLs already followed)."""
    try:  # listparser recovers from broken XML without saying so: check it is well-formed
        lxml.etree.fromstring(
            content, lxml.etree.XMLParser(resolve_entities=False, no_network=True)
        )
    except lxml.etree.XMLSyntaxError as exc:
        raise InputError(f"not a readable OPML file: {exc}") from exc
    parsed = listparser.parse(content)
    if not parsed.get("version", "").startswith("opml"):
        raise InputError("not an OPML file (no <opml> document element)")
    added, known = [], []
    for feed in parsed.feeds:
        if session.scalar(select(Source).where(Source.url == feed.url)) is not None:
            known.append(feed.url)
            continue
        try:
            added.append(add_source(session, feed.url, "feed", name=feed.title or None))
        except InputError as exc:
            raise InputError(f"OPML entry {feed.url!r}: {exc}") from exc
    return added, known


def export_opml(sources: list[Source], title: str) -> bytes:
    """An OPML 2.0 subscription list of the sources (pages included, as type="link")."""
    opml = ET.Element("opml", version="2.0")
    head = ET.SubElement(opml, "head")
    ET.SubElement(head, "title").text = title
    ET.SubElement(head, "dateCreated").text = utcnow().strftime("%a, %d %b %Y %H:%M:%S GMT")
    body = ET.SubElement(opml, "body")
    for source in sources:
        text = source.name or source.url
        if source.kind == "page":
            ET.SubElement(body, "outline", text=text, type="link", url=source.url)
        else:
            ET.SubElement(body, "outline", text=text, title=text, type="rss", xmlUrl=source.url)
    ET.indent(opml)
    return ET.tostring(opml, encoding="utf-8", xml_declaration=True) + b"\n"
