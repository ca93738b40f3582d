"""The newsroom's desk, for editors and admins: logging in and out (`login.py`), the desk's
pages under /desk (`routes.py`, all behind a login), the read queries behind them
(`queries.py`), the records the templates get (`views.py`), the templates in `templates/`
(named `desk/...`, all extending `desk/layout.html`); fixing the clustering (`regroup.py`)."""

from pathlib import Path

from fastapi import APIRouter

from gazette.web.desk import login, regroup, routes

TEMPLATES = Path(__file__).resolve().parent / "templates"

router = APIRouter()
router.include_router(login.router)
router.include_router(routes.router)
router.include_router(regroup.router)

__all__ = ["TEMPLATES", "router"]
