"""A client for any OpenAI-compatible chat-completions endpoint, asked for JSON answers.

Given the JSON schema of the answer, the client asks for output constrained to it, which lets
small local models (whose free JSON often has the wrong shape) answer in the right one. Endpoints
spell this differently: OpenAI, vLLM, Ollama and llama.cpp's own server take OpenAI's
`json_schema` form, llama-cpp-python's server a `schema` inside `json_object`, and some only
plain `json_object`. The client tries them in that order; a form an endpoint refuses (see
`_refuses_format`) is not asked again for the client's lifetime.

Everything that can go wrong with a remote model is handled here, so the writer only sees an
answer or an `LLMError`: timeouts, network errors, 429 and 5xx answers (retried by
`gazette.retry` with doubling backoff, or after the server's Retry-After), answers that are not
the JSON object asked for (retried: sampling may do better next time; all of these are
`LLMUnavailable`, a transient error), a request the endpoint refuses (`LLMRejected`, not
retried), a client-side rate limit, and an endpoint that keeps failing (after every retry failed,
the client does not try again for `down_seconds`, so a run over many stories falls back at once
instead of waiting out the retries for each).

The endpoint is the operator's own choice in the config, so it may be on loopback or a private
network (a local Ollama is the usual case); the address rules of `gazette.http` are for the open
web.
"""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass
from typing import Any

import httpx

from gazette.config import LLMSettings
from gazette.errors import LLMError, LLMRejected, LLMUnavailable
from gazette.retry import Backoff, retry
from gazette.times import parse_retry_after

FENCED = re.compile(r"^\s*```(?:json)?\s*(?P<body>.*?)\s*```\s*$", re.DOTALL)


class _FormatRefused(Exception):
    """The endpoint does not take this way of asking for JSON."""


@dataclass(frozen=True)
class ChatAnswer:
    data: dict[str, Any]
    model: str  # as the endpoint names it
    attempts: int


def response_formats(schema: dict[str, Any] | None) -> list[tuple[str, dict[str, Any]]]:
    """The ways to ask for a JSON answer, most precise first, each with a name."""
    plain = ("json_object", {"type": "json_object"})
    if schema is None:
        return [plain]
    return [
        (
            "json_schema",
            {"type": "json_schema", "json_schema": {"name": "answer", "schema": schema}},
        ),
        ("json_object_schema", {"type": "json_object", "schema": schema}),
        plain,
    ]


def _refuses_format(response: httpx.Response) -> bool:
    """Whether an error answer refuses the way JSON was asked for: a 400 or 422, or any error
    that names `response_format` (llama-cpp-python's server answers its validation errors with
    a 500)."""
    if response.status_code in (400, 422):
        return True
    return response.status_code >= 400 and "response_format" in response.text


def completions_url(url: str) -> str:
    """The chat-completions address from an API root ("…/v1") or the full address."""
    url = url.rstrip("/")
    return url if url.endswith("/chat/completions") else url + "/chat/completions"


def parse_json_object(content: str) -> dict[str, Any]:
    """The JSON object of an answer, also when the model wrapped it in a ``` fence."""
    fenced = FENCED.match(content)
    text = fenced.group("body") if fenced else content.strip()
    try:
        # Models put raw line breaks and tabs inside strings; JSON forbids them, but the meaning
        # is clear, and refusing them would throw away an otherwise good answer.
        data = json.loads(text, strict=False)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON ({exc.msg} at character {exc.pos})") from exc
    if not isinstance(data, dict):
        raise ValueError(f"a JSON {type(data).__name__}, not an object")
    return data


class ChatClient:
    def __init__(self, settings: LLMSettings, transport: httpx.BaseTransport | None = None) -> None:
        if not settings.enabled:
            raise ValueError("no LLM endpoint configured (write.llm.url)")
        self.settings = settings
        self.url = completions_url(settings.url)
        self.backoff = Backoff(
            settings.retries,
            settings.retry_backoff_seconds,
            settings.max_retry_delay_seconds,
            jitter=(0.5, 1.0),
            cap_requested_wait=True,
        )
        headers = {"Content-Type": "application/json"}
        key = settings.api_key.get_secret_value()
        if key:
            headers["Authorization"] = f"Bearer {key}"
        self._http = httpx.Client(
            headers=headers,
            timeout=httpx.Timeout(
                settings.timeout_seconds, connect=min(10.0, settings.timeout_seconds)
            ),
            transport=transport,
            trust_env=False,
        )
        self._lock = threading.Lock()
        self._next_request = 0.0
        self._down_until = 0.0
        self._down_reason = ""
        self._down_error: type[LLMError] = LLMUnavailable
        self._refused_formats: set[str] = set()

    def close(self) -> None:
        self._http.close()

    def complete_json(
        self, messages: list[dict[str, str]], schema: dict[str, Any] | None = None
    ) -> ChatAnswer:
        """The model's answer to `messages` as a JSON object (constrained to `schema` where the
        endpoint can), or an LLMError."""
        if time.monotonic() < self._down_until:
            raise self._down_error(f"endpoint {self.url} marked down: {self._down_reason}")
        payload = {
            "model": self.settings.model,
            "messages": messages,
            "temperature": self.settings.temperature,
            "max_tokens": self.settings.max_tokens,
        }

        def attempt(number: int) -> ChatAnswer:
            data, model = self._ask_in_a_taken_format(payload, schema)
            return ChatAnswer(data, model, number)

        try:
            return retry(attempt, self.backoff)
        except LLMUnavailable as last:
            self._mark_down(str(last))
            tries = last.attempts
            raise LLMUnavailable(
                f"{self.url}: {last} ({tries} attempt{'s' * (tries > 1)})"
            ) from last

    def _ask_in_a_taken_format(
        self, payload: dict[str, Any], schema: dict[str, Any] | None
    ) -> tuple[dict[str, Any], str]:
        """`_ask` in the most precise JSON format the endpoint has not refused; a refusal moves
        on to the next format at once (it is not a failure of the endpoint)."""
        *precise, (_, plain) = [
            f for f in response_formats(schema) if f[0] not in self._refused_formats
        ]
        for name, response_format in precise:
            self._respect_rate_limit()
            try:
                return self._ask({**payload, "response_format": response_format}, can_refuse=True)
            except _FormatRefused:
                self._refused_formats.add(name)
        self._respect_rate_limit()
        return self._ask({**payload, "response_format": plain}, can_refuse=False)

    def _ask(self, payload: dict[str, Any], can_refuse: bool) -> tuple[dict[str, Any], str]:
        try:
            response = self._http.post(self.url, json=payload)
        except httpx.TimeoutException as exc:
            raise LLMUnavailable(f"timed out ({type(exc).__name__})") from exc
        except httpx.TransportError as exc:
            message = f"cannot reach the endpoint ({type(exc).__name__}: {exc})"
            raise LLMUnavailable(message) from exc
        if can_refuse and _refuses_format(response):
            raise _FormatRefused(response.text[:200])
        if response.status_code == 429 or response.status_code >= 500:
            wait = parse_retry_after(response.headers.get("retry-after"))
            raise LLMUnavailable(f"HTTP {response.status_code}", retry_after=wait)
        if response.status_code != 200:
            # A wrong key, model name or address: retrying will not help.
            self._mark_down(f"HTTP {response.status_code}", LLMRejected)
            raise LLMRejected(
                f"{self.url}: HTTP {response.status_code}: {response.text[:200].strip()}"
            )
        try:
            body = response.json()
            content = body["choices"][0]["message"]["content"]
            return parse_json_object(content or ""), str(body.get("model") or payload["model"])
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise LLMUnavailable(f"answer unusable: {exc}") from exc

    def _mark_down(self, reason: str, error: type[LLMError] = LLMUnavailable) -> None:
        """No request is made for `down_seconds`: stories are written without the model, and
        each request fails at once with `error`, the kind of the failure that marked it down."""
        self._down_until = time.monotonic() + self.settings.down_seconds
        self._down_reason = reason
        self._down_error = error

    def _respect_rate_limit(self) -> None:
        per_minute = self.settings.requests_per_minute
        if not per_minute:
            return
        with self._lock:
            now = time.monotonic()
            wait = self._next_request - now
            self._next_request = max(now, self._next_request) + 60.0 / per_minute
        if wait > 0:
            time.sleep(wait)
