"""The error tree: its shape as drawn in gazette/errors.py, what each error tells the command line
and the website, and that the transient errors are exactly the ones the clients retry (seen from
real servers that count the requests)."""

from __future__ import annotations

import asyncio
import importlib
import inspect
import pkgutil
import re
import time
from pathlib import Path

import pytest
from llmserver import Reply, scripted_llm
from typer.testing import CliRunner
from webserver import send, serve

import gazette
import gazette.errors as errors
from gazette.cli import app
from gazette.config import FetchSettings, LLMSettings
from gazette.errors import (
    BadHTTPStatus,
    ConfigError,
    ConnectionFailed,
    FetchTimedOut,
    GazetteError,
    InputError,
    LLMError,
    LLMRejected,
    LLMUnavailable,
    NotFound,
    TransientError,
    TransientHTTPStatus,
)
from gazette.http import FetchRequest, fetch_all
from gazette.llm import ChatClient
from gazette.retry import Backoff, retry, retry_async

TREE_LINE = re.compile(
    r"^    (?P<indent> *)(?P<name>\w+) +exit (?P<exit>\d) +HTTP (?P<http>\d{3})"
    r"(?P<transient> +transient)?$"
)


def public_errors() -> list[type[GazetteError]]:
    return [getattr(errors, name) for name in errors.__all__]


def modules_of_gazette() -> list[str]:
    names = [
        info.name
        for info in pkgutil.walk_packages(gazette.__path__, "gazette.")
        if ".migrations" not in info.name and info.name != "gazette.__main__"
    ]
    assert len(names) > 40  # the walk found the package
    return names


def test_every_error_class_of_gazette_is_in_the_tree() -> None:
    declared = {
        name
        for name, value in vars(errors).items()
        if inspect.isclass(value) and issubclass(value, BaseException)
    }
    assert set(errors.__all__) == declared
    assert all(issubclass(error, GazetteError) for error in public_errors())
    elsewhere = []
    for name in modules_of_gazette():
        module = importlib.import_module(name)
        for value in vars(module).values():
            defined_here = inspect.isclass(value) and value.__module__ == name
            if defined_here and issubclass(value, BaseException) and name != "gazette.errors":
                elsewhere.append(f"{name}.{value.__name__}")
    # Only control flow lives outside the tree: a format the LLM endpoint refuses, the desk's
    # page asked for without a login (answered by a redirect), a desk form sent without one or
    # refused for its origin or its token (HTTP errors answered with the login page, the 403
    # page or JSON), a change rehearsed before the editor confirms it (rolled back), and the
    # worker's second stop signal.
    assert sorted(elsewhere) == [
        "gazette.llm._FormatRefused",
        "gazette.web.auth.LoginNeeded",
        "gazette.web.auth._LoginRequired",
        "gazette.web.csrf.ForeignOrigin",
        "gazette.web.csrf.FormRefused",
        "gazette.web.csrf.TokenRefused",
        "gazette.web.desk.questions.NotConfirmed",
        "gazette.worker._StopNow",
    ]


def test_the_tree_in_the_docstring_is_the_tree_in_the_code() -> None:
    drawn = [m for m in map(TREE_LINE.match, (errors.__doc__ or "").splitlines()) if m]
    assert drawn[0]["name"] == "GazetteError" and len(drawn) == len(errors.__all__)
    assert {m["name"] for m in drawn} == set(errors.__all__)
    parents: dict[int, type] = {}
    for row in drawn:
        error = getattr(errors, row["name"])
        depth = len(row["indent"]) // 2
        parents[depth] = error
        if depth:
            assert error.__bases__[0] is parents[depth - 1], row["name"]
        assert (error.exit_code, error.http_status) == (int(row["exit"]), int(row["http"]))
        marked = row["transient"] is not None
        assert marked == (issubclass(error, TransientError) and error is not TransientError)


def test_bad_usage_configuration_and_input_exit_2_and_failed_work_exits_1() -> None:
    for error in public_errors():
        caller_at_fault = issubclass(error, (ConfigError, InputError, NotFound))
        assert error.exit_code == (2 if caller_at_fault else 1), error.__name__


def test_http_statuses_say_whose_fault_it_was() -> None:
    assert (InputError.http_status, NotFound.http_status) == (400, 404)
    assert GazetteError.http_status == ConfigError.http_status == 500  # Gazette's own set-up
    assert FetchTimedOut.http_status == 504 and BadHTTPStatus.http_status == 502
    for error in public_errors():
        assert 400 <= error.http_status <= 599, error.__name__
        if issubclass(error, TransientError):  # someone else's trouble, for now
            assert error.http_status in (502, 503, 504), error.__name__
    assert TransientHTTPStatus.http_status == LLMUnavailable.http_status == 503


# --- the transient errors are the retried ones ---------------------------------------------

FETCH_STATUSES = [400, 403, 404, 410, 429, 500, 501, 502, 503, 504, 505]


def hang_up(handler) -> None:  # type: ignore[no-untyped-def]
    handler.close_connection = True  # closes the connection without an answer


def stall(handler) -> None:  # type: ignore[no-untyped-def]
    time.sleep(1.0)
    send(handler, 200, b"late")


def answer_with(status: int):  # type: ignore[no-untyped-def]
    return lambda handler: send(handler, status, b"no")


def test_the_http_client_retries_exactly_the_transient_errors() -> None:
    routes = {f"/{status}": answer_with(status) for status in FETCH_STATUSES}
    routes |= {"/hang-up": hang_up, "/stall": stall}
    settings = FetchSettings(
        allow_networks=["127.0.0.0/8"],
        timeout_seconds=0.3,
        total_timeout_seconds=0.6,
        per_host_delay_seconds=0.0,
        retries=1,
        retry_backoff_seconds=0.01,
    )
    with serve(routes) as (base, log):
        outcomes = fetch_all(settings, [FetchRequest(f"{base}{path}") for path in routes])
    transient = set()
    for path, outcome in zip(routes, outcomes, strict=True):
        assert isinstance(outcome.error, GazetteError), path
        tried = log.count(path)
        assert isinstance(outcome.error, TransientError) == (tried == 2), path
        if isinstance(outcome.error, TransientError):
            transient.add(path)
            assert outcome.error.attempts == 2 and "after 2 attempts" in str(outcome.error)
    assert transient == {"/429", "/500", "/502", "/503", "/504", "/hang-up"}
    errors_by_path = dict(zip(routes, (o.error for o in outcomes), strict=True))
    assert type(errors_by_path["/hang-up"]) is ConnectionFailed
    assert type(errors_by_path["/503"]) is TransientHTTPStatus
    assert type(errors_by_path["/404"]) is BadHTTPStatus
    assert type(errors_by_path["/stall"]) is FetchTimedOut


@pytest.mark.parametrize(
    ("reply", "error", "requests"),
    [
        (Reply(status=503), LLMUnavailable, 3),
        (Reply(status=429), LLMUnavailable, 3),
        (Reply("not json {"), LLMUnavailable, 3),
        (Reply(status=401, raw=b'{"error": "invalid api key"}'), LLMRejected, 1),
        (Reply(status=404, raw=b'{"error": "no such model"}'), LLMRejected, 1),
    ],
    ids=["503", "429", "unusable", "401", "404"],
)
def test_the_llm_client_retries_exactly_the_transient_errors(
    reply: Reply, error: type[LLMError], requests: int
) -> None:
    with scripted_llm([reply]) as (url, log):
        settings = {"url": url, "model": "m", "retries": 2, "retry_backoff_seconds": 0.0}
        client = ChatClient(LLMSettings.model_validate(settings))
        try:
            with pytest.raises(LLMError) as first:
                client.complete_json([{"role": "user", "content": "hi"}])
            with pytest.raises(LLMError) as marked_down:  # at once, and of the same kind
                client.complete_json([{"role": "user", "content": "again"}])
        finally:
            client.close()
    assert type(first.value) is error and type(marked_down.value) is error
    assert isinstance(first.value, TransientError) == (requests > 1)
    assert "marked down" in str(marked_down.value)
    assert len(log.requests) == requests


# --- gazette.retry on its own --------------------------------------------------------------


def test_backoff_doubles_with_jitter_up_to_the_limit() -> None:
    backoff = Backoff(retries=5, base_seconds=1.0, max_seconds=6.0)
    for number in range(3):
        for _ in range(20):
            assert 0.5 * 2**number <= backoff.delay(number) <= 1.5 * 2**number  # type: ignore[operator]
    assert backoff.delay(10) == 6.0
    narrow = Backoff(retries=5, base_seconds=1.0, max_seconds=60.0, jitter=(0.5, 1.0))
    assert all(0.5 <= narrow.delay(0) <= 1.0 for _ in range(20))  # type: ignore[operator]


def test_a_requested_wait_is_kept_refused_or_cut_to_the_limit() -> None:
    refusing = Backoff(retries=3, base_seconds=1.0, max_seconds=60.0)
    capping = Backoff(retries=3, base_seconds=1.0, max_seconds=60.0, cap_requested_wait=True)
    assert refusing.delay(2, requested=5.0) == capping.delay(2, requested=5.0) == 5.0
    assert refusing.delay(0, requested=3600.0) is None and refusing.refuses(3600.0)
    assert capping.delay(0, requested=3600.0) == 60.0 and not capping.refuses(3600.0)
    assert not refusing.refuses(None)


def test_retry_goes_on_only_after_transient_errors() -> None:
    calls: list[int] = []

    def flaky(number: int) -> int:
        calls.append(number)
        if number < 3:
            raise ConnectionFailed("connection reset")
        return number

    assert retry(flaky, Backoff(retries=3, base_seconds=0.0, max_seconds=0.0)) == 3

    def overloaded(number: int) -> int:
        calls.append(number)
        raise TransientHTTPStatus("http://x.example/", 503)

    calls.clear()
    with pytest.raises(TransientHTTPStatus) as spent:
        retry(overloaded, Backoff(retries=2, base_seconds=0.0, max_seconds=0.0))
    assert calls == [1, 2, 3] and spent.value.attempts == 3

    def gone(number: int) -> int:
        calls.append(number)
        raise BadHTTPStatus("http://x.example/", 410)

    calls.clear()
    with pytest.raises(BadHTTPStatus):
        retry(gone, Backoff(retries=2, base_seconds=0.0, max_seconds=0.0))
    assert calls == [1]


def test_retry_async_waits_as_asked_and_stops_when_asked_too_much() -> None:
    calls: list[int] = []

    async def limited(number: int) -> str:
        calls.append(number)
        if number == 1:
            raise TransientHTTPStatus("http://x.example/", 429, retry_after=0.3)
        return "ok"

    async def for_an_hour(number: int) -> str:
        calls.append(number)
        raise TransientHTTPStatus("http://x.example/", 429, retry_after=3600.0)

    backoff = Backoff(retries=3, base_seconds=0.0, max_seconds=10.0)
    started = time.monotonic()
    assert asyncio.run(retry_async(limited, backoff)) == "ok"
    assert time.monotonic() - started >= 0.3 and calls == [1, 2]
    calls.clear()
    with pytest.raises(TransientHTTPStatus):
        asyncio.run(retry_async(for_an_hour, backoff))
    assert calls == [1]


# --- the command line -----------------------------------------------------------------------


def test_the_command_line_exits_with_the_code_of_the_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in [n for n in __import__("os").environ if n.startswith("GAZETTE_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("GAZETTE_FETCH__ALLOW_NETWORKS", '["127.0.0.0/8"]')
    monkeypatch.setenv("GAZETTE_FETCH__RETRIES", "0")
    runner = CliRunner()
    assert runner.invoke(app, ["init"]).exit_code == 0
    with serve({"/busy": answer_with(503)}) as (base, _):
        busy = runner.invoke(app, ["sources", "add", f"{base}/busy"])
    unknown = runner.invoke(app, ["sources", "remove", "99"])
    assert busy.exit_code == TransientHTTPStatus.exit_code == 1
    assert f"error: {base}/busy: HTTP 503" in busy.stderr
    assert unknown.exit_code == NotFound.exit_code == 2
