"""Every error Gazette raises on purpose, in one hierarchy.

Names say what happened, so a message can be shown to the user as it is. The command line maps
`GazetteError.exit_code` to the process exit status: 2 for bad usage or configuration, 1 for a
failure of the work itself.
"""


class GazetteError(Exception):
    """Base class: an expected failure with a message fit for the user."""

    exit_code = 1


class ConfigError(GazetteError):
    """The configuration file or an environment variable is missing or invalid."""

    exit_code = 2


class InputError(GazetteError):
    """A file, URL or record given on the command line cannot be used."""

    exit_code = 2


class NotFound(GazetteError):
    """A story, source or tag that does not exist was asked for."""

    exit_code = 2


class SourceError(GazetteError):
    """A source could not be read; recorded on the source, the run goes on."""


class FeedParseError(SourceError):
    """The document is not a feed that can be read (malformed XML, HTML instead of a feed)."""


class FetchError(SourceError):
    """A URL could not be downloaded."""


class FetchBlocked(FetchError):
    """The URL is not allowed: a scheme other than http(s), or a private or local address."""


class FetchTooLarge(FetchError):
    """The response body is larger than `fetch.max_bytes`."""


class TooManyRedirects(FetchError):
    """The redirect chain is longer than `fetch.max_redirects`."""


class HTTPStatusError(FetchError):
    """The server answered with an error status."""

    def __init__(self, url: str, status: int, note: str = "") -> None:
        super().__init__(f"{url}: HTTP {status}{note}")
        self.url, self.status = url, status


class ExtractionEmpty(GazetteError):
    """No article text could be found on the page."""
