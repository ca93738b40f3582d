"""The API's OpenAPI document (/api/openapi.json) and its documentation page (/api/docs).

The document is built from the API's routes and pydantic models alone: the site's pages are no
part of it. FastAPI's own documentation pages load their script from a CDN, which an offline
site cannot reach and the Content-Security-Policy forbids; /api/docs is instead a plain page,
rendered on the server from the same document, with no script at all.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from fastapi import APIRouter, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, JSONResponse, Response

from gazette.web.api import routes
from gazette.web.templating import render

VERSION = "1.0"
DESCRIPTION = (
    "Read-only access to the stories a Gazette site publishes: every sentence with the "
    "numbers of the references it cites. Errors are JSON, with the HTTP status and a message: "
    '{"error": {"status": 404, "message": "There is no published story 42."}}.'
)

router = APIRouter(prefix="/api", include_in_schema=False)


@cache
def _document(title: str) -> dict[str, Any]:
    document = get_openapi(
        title=f"{title} API",
        version=VERSION,
        description=DESCRIPTION,
        routes=routes.router.routes,
    )
    # Bad parameters are answered 400 with an Error (error_pages.py), never FastAPI's 422.
    for operation in (op for path in document["paths"].values() for op in path.values()):
        operation["responses"].pop("422", None)
    schemas = document.get("components", {}).get("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    return document


def openapi_document(request: Request) -> dict[str, Any]:
    return _document(request.app.state.settings.site.title)


@router.get("/openapi.json", name="api_openapi")
def openapi(request: Request) -> Response:
    return JSONResponse(openapi_document(request))


def _type(schema: dict[str, Any]) -> str:
    """A schema in a few words: `integer`, `list of Tag`, `string or null`."""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " or ".join(_type(option) for option in schema["anyOf"])
    if schema.get("type") == "array":
        return f"list of {_type(schema.get('items', {}))}"
    if "enum" in schema:
        return " | ".join(map(str, schema["enum"]))
    kind = schema.get("type", "any")
    return f"{kind} ({schema['format']})" if "format" in schema else kind


@router.get("/docs", name="api_docs", response_class=HTMLResponse)
def docs(request: Request) -> Response:
    document = openapi_document(request)
    operations = []
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            parameters = [
                {
                    "name": p["name"],
                    "where": p["in"],
                    "required": p.get("required", False),
                    "type": _type(p.get("schema", {})),
                    "default": p.get("schema", {}).get("default"),
                    "description": p.get("description")
                    or p.get("schema", {}).get("description", ""),
                }
                for p in operation.get("parameters", [])
            ]
            responses = [
                {
                    "status": status,
                    "description": answer.get("description", ""),
                    "type": _type(answer["content"]["application/json"].get("schema", {}))
                    if "content" in answer
                    else "none",
                }
                for status, answer in operation["responses"].items()
            ]
            operations.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": parameters,
                    "responses": responses,
                }
            )
    schemas = [
        {
            "name": name,
            "fields": [
                {
                    "name": field,
                    "type": _type(spec),
                    "required": field in schema.get("required", []),
                    "description": spec.get("description", ""),
                }
                for field, spec in schema.get("properties", {}).items()
            ],
        }
        for name, schema in document.get("components", {}).get("schemas", {}).items()
    ]
    context = {"api": document, "operations": operations, "schemas": schemas}
    return render(request, "api/docs.html", context)
