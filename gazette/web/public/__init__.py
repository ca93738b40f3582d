"""The readers' site: routes in `routes.py`, the read queries behind them in `queries.py`, the
records the templates get in `views.py`, the templates in `templates/` (named `public/...`)."""

from pathlib import Path

from gazette.web.public.routes import router

TEMPLATES = Path(__file__).resolve().parent / "templates"

__all__ = ["TEMPLATES", "router"]
