"""The readers' site: routes in `routes.py`, the read queries behind them in `queries.py`, the
records the templates get in `views.py`, the templates in `templates/` (named `public/...`);
corrections and withdrawn stories in `corrections.py`."""

from pathlib import Path

from fastapi import APIRouter

from gazette.web.public import corrections, routes

router = APIRouter()
router.include_router(routes.router)
router.include_router(corrections.router)

TEMPLATES = Path(__file__).resolve().parent / "templates"

__all__ = ["TEMPLATES", "router"]
