"""A real OpenAI-compatible chat-completions server on 127.0.0.1 that gives scripted answers.

Each request to POST /v1/chat/completions takes the next `Reply` of the script (the last one
repeats); the server records every request body and its headers, so tests can check what the
client sent as well as what the writer did with the answers.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from webserver import listening, send

from gazette.write.llm_prompt import BODY_FACTS

FACT_LINE = re.compile(r"^F(\d+) \(sources ([\d, ]+)\)[^:]*: (.*)$", re.MULTILINE)
QUOTE_LINE = re.compile(r'^\(source (\d+)\) (.+?): "(.*)"$', re.MULTILINE)


def parrot(request: dict[str, Any]) -> dict[str, Any]:
    """The answer of a model that follows the prompt to the letter: every fact restated as
    given, cited to the sources the prompt lists for it, and the first quote."""
    prompt = request["messages"][-1]["content"]
    facts = FACT_LINE.findall(prompt)
    body = [
        {
            "text": text,
            "facts": [int(number)],
            "sources": [int(s) for s in sources.split(",")],
            "paragraph": index // 2,
        }
        for index, (number, sources, text) in enumerate(facts)
    ]
    quotes = QUOTE_LINE.findall(prompt)
    summarised = len(FACT_LINE.findall(prompt.split(BODY_FACTS)[0]))
    return {
        "headline": " ".join(facts[0][2].rstrip(".").split()[:12]) if facts else "",
        "summary": body[:summarised],
        "body": body[summarised:] or body,
        "quote": (
            {"text": quotes[0][2], "speaker": quotes[0][1], "source": int(quotes[0][0])}
            if quotes
            else None
        ),
    }


Content = str | dict | Callable[[dict[str, Any]], str | dict] | None


@dataclass
class Reply:
    # The assistant message: text, a dict sent as JSON text, or a function of the request.
    content: Content = None
    status: int = 200
    delay: float = 0.0  # seconds before answering
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None  # the whole response body, instead of a completion


@dataclass
class Received:
    body: dict[str, Any]
    headers: dict[str, str]
    at: float  # time.monotonic() on arrival


@dataclass
class ChatLog:
    requests: list[Received] = field(default_factory=list)


def completion(content: str, model: str) -> bytes:
    return json.dumps(
        {
            "id": "chatcmpl-scripted",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content},
                    "finish_reason": "stop",
                }
            ],
        }
    ).encode()


@contextmanager
def scripted_llm(script: list[Reply]) -> Iterator[tuple[str, ChatLog]]:
    """Serve the script; yields the API root ("http://127.0.0.1:PORT/v1") and the log."""
    log = ChatLog()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length) or b"{}")
            with lock:
                log.requests.append(Received(body, dict(self.headers), time.monotonic()))
                reply = script[min(len(log.requests), len(script)) - 1]
            if self.path != "/v1/chat/completions":
                send(self, 404, b'{"error": "not found"}', Content_Type="application/json")
                return
            time.sleep(reply.delay)
            content = reply.content(body) if callable(reply.content) else reply.content
            if isinstance(content, dict):
                content = json.dumps(content)
            payload = (
                reply.raw
                if reply.raw is not None
                else completion(content or "", body.get("model", ""))
            )
            with suppress(BrokenPipeError, ConnectionResetError):
                send(self, reply.status, payload, Content_Type="application/json", **reply.headers)

    with listening(Handler) as url:
        yield f"{url}/v1", log
