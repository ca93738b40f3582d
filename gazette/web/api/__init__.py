"""The JSON API, under /api: routes in `routes.py`, the answers' models in `models.py`, its
read queries in `queries.py`, the OpenAPI document and the documentation page in `openapi.py`
(template in `templates/`, named `api/...`)."""

from pathlib import Path

from fastapi import APIRouter

from gazette.web.api import openapi, routes

TEMPLATES = Path(__file__).resolve().parent / "templates"

router = APIRouter()
router.include_router(routes.router)
router.include_router(openapi.router)

__all__ = ["TEMPLATES", "router"]
