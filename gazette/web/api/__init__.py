"""The JSON API, under /api: routes in `routes.py`."""

from gazette.web.api.routes import router

__all__ = ["router"]
