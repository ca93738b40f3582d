"""The search page: stories matching a reader's words, best first, with the passages that
match highlighted, a page at a time (gazette/db/search.py does the searching)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup, escape

from gazette.db.search import Hit
from gazette.web.dependencies import ReadSession
from gazette.web.public import listings, queries
from gazette.web.templating import render

RESULTS_PER_PAGE = 10
MAX_QUERY_LENGTH = 200
MAX_PAGE = 1_000

router = APIRouter()


def highlighted(hit: Hit) -> Markup:
    """A result's snippet, escaped, with its matching words in `<mark>`."""
    return Markup("").join(
        Markup("<mark>{}</mark>").format(text) if marked else escape(text)
        for text, marked in hit.snippet
    )


@router.get("/search", name="search", response_class=HTMLResponse)
def search_page(
    request: Request,
    session: ReadSession,
    q: Annotated[str, Query(max_length=MAX_QUERY_LENGTH)] = "",
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
) -> Response:
    query = q.strip()
    terms, total, found = listings.search_page(
        session, query, RESULTS_PER_PAGE, (page - 1) * RESULTS_PER_PAGE
    )
    pages = -(-total // RESULTS_PER_PAGE)
    context = {
        "query": query,
        "terms": terms,
        "total": total,
        "results": [(item.card, highlighted(item.hit)) for item in found],
        "page": page,
        "pages": pages,
        **queries.page_frame(session),
    }
    return render(request, "public/search.html", context)
