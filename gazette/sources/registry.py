"""Adding, listing and removing sources. The CLI and (later) the admin pages call these."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from gazette.db.models import Source
from gazette.errors import InputError, NotFound
from gazette.urls import location_to_url

SOURCE_KINDS = ("feed", "page")


def add_source(
    session: Session, location: str, kind: str = "feed", name: str | None = None
) -> Source:
    """Register a feed or page by URL or local path; adding a known one again is an error."""
    if kind not in SOURCE_KINDS:
        raise InputError(f"unknown source kind {kind!r}: use one of {', '.join(SOURCE_KINDS)}")
    url = location_to_url(location)
    existing = session.scalar(select(Source).where(Source.url == url))
    if existing is not None:
        raise InputError(f"source already added (id {existing.id}): {url}")
    source = Source(url=url, kind=kind, name=name)
    session.add(source)
    session.flush()
    return source


def list_sources(session: Session) -> list[Source]:
    return list(session.scalars(select(Source).order_by(Source.id)))


def find_source(session: Session, id_or_url: str) -> Source:
    if id_or_url.isdigit():
        source = session.get(Source, int(id_or_url))
    else:
        source = session.scalar(select(Source).where(Source.url == id_or_url.strip()))
    if source is None:
        raise NotFound(f"no source with id or URL {id_or_url!r}")
    return source


def remove_source(session: Session, id_or_url: str) -> Source:
    """Stop following a source. Articles already stored from it stay, and so do their stories."""
    source = find_source(session, id_or_url)
    session.delete(source)
    session.flush()
    return source
