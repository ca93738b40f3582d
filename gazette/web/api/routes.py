"""The JSON API: today the sources and their health."""

from __future__ import annotations

from fastapi import APIRouter

from gazette.sources.registry import list_sources, source_status
from gazette.web.dependencies import ReadSession

router = APIRouter(prefix="/api")


@router.get("/sources", name="api_sources")
def sources(session: ReadSession) -> list[dict]:
    """Every source with its settings and health, as `gazette sources list --json` shows."""
    return [source_status(source) for source in list_sources(session)]
