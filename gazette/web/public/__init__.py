"""The readers' site: the pages in `routes.py`, the feeds in `feeds.py`, sitemaps, robots.txt
and ads.txt in `sitemaps.py`, the search page in `search.py`, corrections and withdrawn stories
in `corrections.py`; the read queries behind them in `queries.py` and `listings.py`, the
records the templates get in `views.py`, the templates in `templates/` (named `public/...`)."""

from pathlib import Path

from fastapi import APIRouter

from gazette.web.public import corrections, feeds, routes, search, sitemaps
from gazette.web.public.feeds import feed_links

TEMPLATES = Path(__file__).resolve().parent / "templates"

router = APIRouter()
for part in (routes, corrections, feeds, sitemaps, search):
    router.include_router(part.router)

__all__ = ["TEMPLATES", "feed_links", "router"]
