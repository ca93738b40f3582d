"""Sending the site's forms as a browser does: with the token that the page showing the form
carries (and the cookie it came with, which the test client keeps)."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response

TOKEN = re.compile(r'<input type="hidden" name="csrf_token" value="([^"]+)">')


def token_in(html: str) -> str:
    found = TOKEN.search(html)
    assert found, "the page has no form token"
    return found.group(1)


def form_token(client: TestClient, page: str = "/login") -> str:
    """The token of the form on `page` (any page with a form gives a token good for them all)."""
    return token_in(client.get(page).text)


def post_form(
    client: TestClient, action: str, data: dict[str, str], page: str = "/login", **options: Any
) -> Response:
    """Post `data` to `action` with the token of the form on `page`."""
    return client.post(action, data={**data, "csrf_token": form_token(client, page)}, **options)
