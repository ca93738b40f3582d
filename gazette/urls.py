"""URL canonicalisation: one article, one URL, however a feed or a page spells it.

Feeds add campaign parameters, share buttons add fragments, hosts differ in case, and the same
page is reachable with and without a trailing slash. `canonical_url` folds these variants so that
exact duplicates are recognised before anything is downloaded twice.
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
DEFAULT_PORTS = {"http": 80, "https": 443}


def is_tracking_parameter(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMETERS or lowered.startswith(TRACKING_PREFIXES)


def canonical_url(url: str) -> str:
    """The canonical form of an http(s) URL; other schemes are returned with only the fragment cut.

    Lower-cases scheme and host, drops default ports, fragments, tracking parameters and a
    trailing slash (except the root), and sorts the remaining query parameters.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))
    host = (parts.hostname or "").lower().rstrip(".")
    host_part = f"[{host}]" if ":" in host else host  # IPv6 literal
    port = parts.port
    netloc = host_part if port in (None, DEFAULT_PORTS[scheme]) else f"{host_part}:{port}"
    path = quote(unquote(parts.path), safe="/%:@!$&'()*+,;=-._~") or "/"
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    query = urlencode(
        sorted(
            (key, value)
            for key, value in parse_qsl(parts.query, keep_blank_values=True)
            if not is_tracking_parameter(key)
        )
    )
    return urlunsplit((scheme, netloc, path, query, ""))


def domain_of(url: str) -> str:
    """The host of a URL without a leading "www."; empty for URLs without a host."""
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def location_to_url(location: str) -> str:
    """An http(s) URL as given, or a local file path turned into a file:// URL.

    Raises InputError for a path that does not exist or a scheme Gazette cannot read.
    """
    text = location.strip()
    scheme = urlsplit(text).scheme.lower()
    if scheme in ("http", "https"):
        if not urlsplit(text).hostname:
            raise InputError(f"not a valid URL (no host): {location!r}")
        return text
    if scheme == "file":
        path = Path(unquote(urlsplit(text).path))
    elif scheme and len(scheme) > 1:  # "c:" on Windows is a drive, not a scheme
        raise InputError(
            f"unsupported URL scheme {scheme!r} in {location!r}: use http(s) or a file"
        )
    else:
        path = Path(text).expanduser()
    if not path.is_file():
        raise InputError(f"no such file: {path}")
    return path.resolve().as_uri()
