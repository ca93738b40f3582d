"""Every error Gazette raises on purpose, in one hierarchy.

Names say what happened, so a message can be shown to the user as it is. Every class knows how
its failure surfaces: `exit_code` is the command line's exit status (2 for bad usage,
configuration or input, 1 for a failure of the work itself), and `http_status` what the website
or the API answers when the error reaches a request (4xx when the request was at fault, 502,
503 or 504 when a server Gazette relies on was, 500 when Gazette's own set-up is).

`TransientError` marks the failures that may pass if the same request is made again later: a
connection that failed, an answer 429 or 5xx (500, 502, 503, 504), a language model endpoint
that is down. The retry loops of `gazette.retry` retry exactly these, waiting as long as the
server asked (`retry_after`) when it did; every other error would only happen again. A fetch
that timed out is not transient: it has already used up the whole time limit, so it is left to
the next run instead of holding up the batch.

The tree, with each class's exit code and HTTP status (the transient ones are marked; they
inherit from `TransientError` as well as from the class above them):

    GazetteError                      exit 1  HTTP 500
      ConfigError                     exit 2  HTTP 500
        DatabaseUnavailable           exit 2  HTTP 500
          DatabaseLocked              exit 2  HTTP 503  transient
      InputError                      exit 2  HTTP 400
        NothingToWrite                exit 2  HTTP 400
        CommentRefused                exit 2  HTTP 400
      NotFound                        exit 2  HTTP 404
      TransientError                  exit 1  HTTP 503
      SourceError                     exit 1  HTTP 502
        FeedParseError                exit 1  HTTP 422
        FetchError                    exit 1  HTTP 502
          FetchBlocked                exit 1  HTTP 403
          FetchTooLarge               exit 1  HTTP 502
          FetchTimedOut               exit 1  HTTP 504
          RedirectLimitExceeded       exit 1  HTTP 502
          ConnectionFailed            exit 1  HTTP 502  transient
          BadHTTPStatus               exit 1  HTTP 502
            TransientHTTPStatus       exit 1  HTTP 503  transient
      ExtractionEmpty                 exit 1  HTTP 422
      LLMError                        exit 1  HTTP 502
        LLMUnavailable                exit 1  HTTP 503  transient
        LLMRejected                   exit 1  HTTP 502
      InvalidStoryMove                exit 1  HTTP 500
"""

import traceback
from pathlib import Path
from typing import ClassVar

__all__ = [
    "BadHTTPStatus",
    "CommentRefused",
    "ConfigError",
    "ConnectionFailed",
    "DatabaseLocked",
    "DatabaseUnavailable",
    "ExtractionEmpty",
    "FeedParseError",
    "FetchBlocked",
    "FetchError",
    "FetchTimedOut",
    "FetchTooLarge",
    "GazetteError",
    "InputError",
    "InvalidStoryMove",
    "LLMError",
    "LLMRejected",
    "LLMUnavailable",
    "NotFound",
    "NothingToWrite",
    "RedirectLimitExceeded",
    "SourceError",
    "TransientError",
    "TransientHTTPStatus",
]

PACKAGE = Path(__file__).resolve().parent


class GazetteError(Exception):
    """Base class: an expected failure with a message fit for the user."""

    exit_code: ClassVar[int] = 1
    http_status: ClassVar[int] = 500


class ConfigError(GazetteError):
    """The configuration file or an environment variable is missing or invalid."""

    exit_code = 2
    http_status = 500


class InputError(GazetteError):
    """A file, URL or record given on the command line cannot be used."""

    exit_code = 2
    http_status = 400


class NothingToWrite(InputError):
    """A story's sources hold no sentence or title an article can be written from. In the
    pipeline the story waits for a report that does (`StoryState.UNWRITTEN`): not a failure."""


class CommentRefused(InputError):
    """A reader's comment that was not taken, and why, in words for the reader.

    `status` is the HTTP status of the answer (400, or 403 for a blocked address or closed
    comments, 429 past the rate limit); `keep_draft` says whether the form may offer the text
    back for another try; `retry_after` is the wait in seconds, for a rate limit.
    """

    def __init__(
        self,
        message: str,
        status: int = 400,
        keep_draft: bool = True,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.keep_draft = keep_draft
        self.retry_after = retry_after


class NotFound(GazetteError):
    """A story, source or tag that does not exist was asked for."""

    exit_code = 2
    http_status = 404


class TransientError(GazetteError):
    """The same request may succeed later; retries key on this class.

    `retry_after` is the wait in seconds the server asked for (Retry-After), when it named one;
    `attempts` is how often the request was made before this error ended it.
    """

    exit_code = 1
    http_status = 503

    def __init__(self, *args: object, retry_after: float | None = None) -> None:
        super().__init__(*args)
        self.retry_after = retry_after
        self.attempts = 1


class DatabaseUnavailable(ConfigError):
    """The configured database cannot be used: the file is missing, is not a database, or it
    (or its folder) cannot be written."""


class DatabaseLocked(DatabaseUnavailable, TransientError):
    """Another process holds the database's write lock for longer than Gazette waits for it (on
    SQLite, one writer at a time). Nothing was changed; the same command later will do its work,
    so it is not a failure of that work (exit 2, like the other unusable databases)."""

    http_status = 503


class SourceError(GazetteError):
    """A source could not be read; recorded on the source, the run goes on."""

    exit_code = 1
    http_status = 502


class FeedParseError(SourceError):
    """The document is not a feed that can be read (malformed XML, HTML instead of a feed)."""

    http_status = 422


class FetchError(SourceError):
    """A URL could not be downloaded."""

    http_status = 502


class FetchBlocked(FetchError):
    """The URL is not allowed: a scheme other than http(s), a private or local address, or a
    path robots.txt disallows."""

    http_status = 403


class FetchTooLarge(FetchError):
    """The response body is larger than `fetch.max_bytes`."""

    http_status = 502


class FetchTimedOut(FetchError):
    """No complete answer came within the time limits (`fetch.*timeout_seconds`)."""

    http_status = 504


class RedirectLimitExceeded(FetchError):
    """The redirect chain is longer than `fetch.max_redirects`."""

    http_status = 502


class ConnectionFailed(FetchError, TransientError):
    """The connection could not be made, or broke before the answer was complete."""

    http_status = 502


class BadHTTPStatus(FetchError):
    """The server answered with an error status that asking again is not expected to change: a
    4xx other than 429, or a 5xx other than those of `TransientHTTPStatus`."""

    http_status = 502

    def __init__(self, url: str, status: int, note: str = "") -> None:
        super().__init__(f"{url}: HTTP {status}{note}")
        self.url, self.status = url, status


class TransientHTTPStatus(BadHTTPStatus, TransientError):
    """The server is overloaded or failing: it answered 429, 500, 502, 503 or 504."""

    http_status = 503

    def __init__(
        self, url: str, status: int, note: str = "", retry_after: float | None = None
    ) -> None:
        super().__init__(url, status, note)
        self.retry_after = retry_after


class ExtractionEmpty(GazetteError):
    """No article text could be found on the page."""

    exit_code = 1
    http_status = 422


class LLMError(GazetteError):
    """The language model endpoint gave no usable answer; the story is written without it."""

    exit_code = 1
    http_status = 502


class LLMUnavailable(LLMError, TransientError):
    """The endpoint timed out, could not be reached, answered 429 or 5xx, or answered something
    other than the JSON object asked for; or it did so on every retry and is marked down."""

    http_status = 503


class LLMRejected(LLMError):
    """The endpoint refused the request (a wrong key, model name or address): retrying will not
    help."""

    http_status = 502


class InvalidStoryMove(GazetteError):
    """A story was to move between two states that are not linked (gazette/db/states.py): a bug
    in the stage that tried, stopped before it corrupts the story."""

    exit_code = 1
    http_status = 500


def describe(exc: BaseException) -> str:
    """A one-line message: Gazette's own errors as they are; anything else is a bug or an input
    nobody foresaw, so it says its type and the line of Gazette's code it came from, what a
    developer needs first ("unexpected KeyError at gazette/write/facts.py:88: 'x'")."""
    if isinstance(exc, GazetteError):
        return str(exc)
    where = ""
    for frame in traceback.extract_tb(exc.__traceback__):
        path = Path(frame.filename)
        if PACKAGE in path.parents:
            where = f" at {path.relative_to(PACKAGE.parent)}:{frame.lineno}"
    return f"unexpected {type(exc).__name__}{where}: {exc}"
