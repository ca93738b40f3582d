"""The newsroom's desk, for editors and admins: logging in and out (`login.py`), the desk's
pages under /desk (`routes.py`, all behind a login), the review page of a story and the
editor's actions on it (`review.py`, `review_queries.py`), moderating comments (`comments.py`),
the sources (`sources.py`), the tags (`tags.py`), the read queries behind them
(`queries.py`), the records the templates get (`views.py`), the templates in `templates/`
(named `desk/...`, all extending `desk/layout.html`); fixing the clustering (`regroup.py`); the
question asked before a change a click cannot undo (`questions.py`, `templates/question.html`)."""

from pathlib import Path

from fastapi import APIRouter, FastAPI

from gazette.web.auth import LoginNeeded
from gazette.web.csrf import TokenRefused
from gazette.web.desk import ads, comments, login, regroup, review, routes, sources, tags

TEMPLATES = Path(__file__).resolve().parent / "templates"

router = APIRouter()
router.include_router(login.router)
router.include_router(routes.router)
router.include_router(review.router)
router.include_router(regroup.router)
router.include_router(comments.router)
router.include_router(sources.router)
router.include_router(tags.router)
router.include_router(ads.router)


def install(app: FastAPI) -> None:
    """What the desk needs of the app beside its routes: a desk form sent without a good login
    (or, from a browser with none, refused for its token) is answered by the login page,
    whichever route it was sent to."""
    app.add_exception_handler(LoginNeeded, login.login_needed)
    app.add_exception_handler(TokenRefused, login.token_refused)


__all__ = ["TEMPLATES", "install", "router"]
