"""Error pages: a readable page for every status, rendered without the database (so that they
work when the database is what failed) and without ads. Under /api the same errors are JSON:
`{"error": {"status": 404, "message": "..."}}`, with the problems of a bad request listed; so
are a refused form's and a missing login's to a script (gazette/web/csrf.py, desk/login.py)."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse, Response

from gazette.web.security import SECURITY_HEADERS
from gazette.web.templating import render

NOT_FOUND = "There is no page at this address."
SERVER_ERROR = "Something went wrong on our side. Please try again in a moment."


API_PREFIX = "/api/"
JSON_TYPES = ("application/json", "application/problem+json")
HTML_TYPES = ("text/html", "application/xhtml+xml")


def _quality(params: list[str]) -> float:
    """The `q` of one media range of an Accept header (1 when it says none)."""
    for param in params:
        name, _, value = param.partition("=")
        if name.strip() == "q":
            try:
                quality = float(value)
            except ValueError:
                return 0.0
            return quality if 0.0 <= quality <= 1.0 else 0.0  # NaN included
    return 1.0


def prefers_json(request: Request) -> bool:
    """Whether the client asks for JSON rather than a page: its Accept header gives JSON a
    higher quality than HTML, or the same and names it first. Browsers name text/html, or
    only `*/*`, which asks for nothing in particular: they get pages."""
    offers = []
    for position, media_range in enumerate(request.headers.get("accept", "").split(",")):
        media, *params = (piece.strip().lower() for piece in media_range.split(";"))
        json = media in JSON_TYPES or media.endswith("+json")
        if json or media in HTML_TYPES:
            offers.append((_quality(params), -position, json))
    if not offers:
        return False
    quality, _, json = max(offers)
    return json and quality > 0


def json_error(status: int, message: str, **details: object) -> JSONResponse:
    """An error as JSON: `{"error": {"status": ..., "message": ..., **details}}`."""
    return JSONResponse({"error": {"status": status, "message": message, **details}}, status)


def _error_page(
    request: Request, status: int, message: str, problems: list[str] | None = None
) -> Response:
    if request.url.path.startswith(API_PREFIX):
        return json_error(status, message, **({"problems": problems} if problems else {}))
    return render(request, "error.html", {"status": status, "message": message}, status)


def http_error(request: Request, exc: HTTPException) -> Response:
    generic = exc.status_code == 404 and exc.detail == "Not Found"
    response = _error_page(request, exc.status_code, NOT_FOUND if generic else exc.detail)
    response.headers.update(exc.headers or {})
    return response


# Where a value came from, in a reader's words.
PLACES = {"query": "in the address", "path": "in the address", "body": "in the form"}


def _problem(error: dict) -> str:
    """One thing wrong with a request, as a reader can read it: "“page” in the address should
    be a valid integer" (the value itself is never repeated)."""
    place, *rest = error["loc"] or ("request",)
    name = rest[-1] if rest else place
    where = PLACES.get(str(place), "in the request")
    message = str(error["msg"]).removeprefix("Input ").removeprefix("Value error, ")
    return f"“{name}” {where} {message}"


def bad_request(request: Request, exc: RequestValidationError) -> Response:
    """A reader is told in words which value is wrong and where; an API client gets the
    locations as pydantic names them, one problem each."""
    if request.url.path.startswith(API_PREFIX):
        problems = [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]
        return _error_page(request, 400, "; ".join(problems), problems)
    return _error_page(request, 400, "; ".join(_problem(e) for e in exc.errors()[:5]) + ".")


def server_error(request: Request, exc: Exception) -> Response:
    """The page for a bug or an outage. It leaves the outermost middleware, so it carries the
    security headers itself."""
    response = _error_page(request, 500, SERVER_ERROR)
    response.headers.update(SECURITY_HEADERS)
    return response


def install_error_pages(app: FastAPI) -> None:
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(RequestValidationError, bad_request)
    app.add_exception_handler(Exception, server_error)
