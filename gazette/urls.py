"""URL canonicalisation: one article, one URL, however a feed or a page spells it.

Feeds add campaign parameters, share buttons add fragments, hosts differ in case, the same
page is reachable with and without a trailing slash, and many sites serve mobile (`m.`) and AMP
copies of every article. `canonical_url` folds these variants so that exact duplicates are
recognised before anything is downloaded twice. (The page itself usually names its canonical
URL too; extraction prefers that one.)
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from gazette.errors import InputError

# Query parameters that identify a campaign or a click, never the content.
TRACKING_PARAMETERS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "mc_cid",
        "mc_eid",
        "igshid",
        "cmpid",
        "ocid",
        "ncid",
        "sr_share",
        "smid",
        "rss",
        "ref",
        "ref_src",
        "cid",
        "_ga",
        "_gl",
        "soc_src",
        "soc_trk",
        "share",
        "taid",
        "at_medium",
        "at_campaign",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "itm_", "__twitter")
# Host labels of mobile and AMP copies: m.example.com and amp.example.com are example.com.
VARIANT_HOST_LABELS = ("m.", "mobile.", "amp.")
# Query flags that ask for the AMP copy of a page.
AMP_PARAMETERS = frozenset({"amp", "outputtype", "amp_js_v", "usqp"})
DEFAULT_PORTS = {"http": 80, "https": 443}
# The longest URL the database keeps (its URL columns, gazette/db/models.py); PostgreSQL refuses
# a longer one where SQLite would take it.
MAX_URL_LENGTH = 2048
MAX_HOST_LENGTH = 253


def is_tracking_parameter(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMETERS or lowered.startswith(TRACKING_PREFIXES)


def _main_host(host: str) -> str:
    """The host without a mobile or AMP label, when what remains is still a domain."""
    for label in VARIANT_HOST_LABELS:
        rest = host.removeprefix(label)
        if rest != host and rest.count(".") >= 1:
            return rest
    return host


def _main_path(path: str) -> str:
    """The path without AMP markers: /story/amp, /amp/story, /story.amp, /story.amp.html."""
    segments = [s for s in path.split("/") if s.lower() != "amp"]
    if segments and segments[-1].lower().endswith(".amp"):
        segments[-1] = segments[-1][:-4]
    elif segments and segments[-1].lower().endswith(".amp.html"):
        segments[-1] = segments[-1][:-9] + ".html"
    return "/".join(segments) or "/"


def local_root(url: str) -> Path | None:
    """The folder a local (file://) source may read from: the one holding the source file."""
    if not url.startswith("file:"):
        return None
    return Path(unquote(urlsplit(url).path)).parent


def canonical_url(url: str) -> str:
    """The canonical form of an http(s) URL; other schemes are returned with only the fragment cut.

    Lower-cases scheme and host, drops `m.`/`mobile.`/`amp.` host labels, AMP path markers and
    flags, default ports, fragments, tracking parameters and a trailing slash (except the
    root), and sorts the remaining query parameters.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))
    host = _main_host((parts.hostname or "").lower().rstrip("."))
    host_part = f"[{host}]" if ":" in host else host  # IPv6 literal
    port = parts.port
    netloc = host_part if port in (None, DEFAULT_PORTS[scheme]) else f"{host_part}:{port}"
    path = quote(_main_path(unquote(parts.path)), safe="/%:@!$&'()*+,;=-._~") or "/"
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    query = urlencode(
        sorted(
            (key, value)
            for key, value in parse_qsl(parts.query, keep_blank_values=True)
            if not is_tracking_parameter(key) and key.lower() not in AMP_PARAMETERS
        )
    )
    return urlunsplit((scheme, netloc, path, query, ""))


def is_web_url(url: str) -> bool:
    """Whether `url` is an http(s) address with a host, one that parses (a port in range, an
    IPv6 literal closed): a page may be read and cited from it. A feed's or a page's link is
    untrusted input: `javascript:` or `http://[::1` must neither be followed nor stop the work."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        return False
    host = parts.hostname or ""
    if any(ord(character) < 32 or ord(character) == 127 for character in url):
        return False  # a NUL, which PostgreSQL refuses, or another control character
    # scheme lower-cased by urlsplit; a DNS name is at most 253 characters (the host column 255)
    return parts.scheme in ("http", "https") and 0 < len(host) <= MAX_HOST_LENGTH


def domain_of(url: str) -> str:
    """The host of a URL without a leading "www."; empty for URLs without a host."""
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def location_to_url(location: str) -> str:
    """An http(s) URL as given, or a local file path turned into a file:// URL.

    Raises InputError for a path that does not exist or a scheme Gazette cannot read.
    """
    text = location.strip()
    if not text:
        raise InputError("no address or file given")
    if len(text) > MAX_URL_LENGTH:
        raise InputError(f"the address is longer than {MAX_URL_LENGTH} characters")
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError as exc:
        raise InputError(f"not a valid URL: {location!r} ({exc})") from exc
    scheme = parts.scheme.lower()
    if scheme in ("http", "https"):
        if not parts.hostname:
            raise InputError(f"not a valid URL (no host): {location!r}")
        return text
    if scheme == "file":
        path = Path(unquote(parts.path))
    elif scheme and len(scheme) > 1:  # "c:" on Windows is a drive, not a scheme
        raise InputError(
            f"unsupported URL scheme {scheme!r} in {location!r}: use http(s) or a file"
        )
    else:
        path = Path(text).expanduser()
    if not path.is_file():
        raise InputError(f"no such file: {path}")
    return path.resolve().as_uri()
