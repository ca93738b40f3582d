"""Which addresses Gazette may connect to: never private, loopback, link-local and the like.

A feed is untrusted input: a link to http://127.0.0.1:6379/ or to a cloud metadata address
(169.254.169.254) must not make Gazette talk to machines it was never meant to reach. The check
happens where the connection is made (`network.GuardedBackend`): the host is resolved, every
address is checked, and the connection goes to a checked address. A redirect is a new
connection and is checked again; a DNS answer that changes between a check and a connection
cannot slip through, because there is no second lookup. A client keeps a host's answer for a
minute, for its next connections there; each of them checks the addresses again before it
connects.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from urllib.parse import urlsplit

import httpx

from gazette.errors import FetchBlocked, FetchError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def is_public_address(address: IPAddress) -> bool:
    """Whether `address` is one of the internet's. `is_global` leaves out the shared address
    space 100.64.0.0/10 (RFC 6598), which `is_private` does not: carrier-grade NAT, the
    machines of a Tailscale network and a cloud's metadata service (100.100.100.200) live
    there."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_global and not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


class AddressPolicy:
    """Public addresses, plus the networks the configuration explicitly allows."""

    def __init__(self, allowed_networks: Iterable[str] = ()) -> None:
        self.allowed = [ipaddress.ip_network(n, strict=False) for n in allowed_networks]

    def allows(self, address: str) -> bool:
        ip = ipaddress.ip_address(address.split("%")[0])
        return is_public_address(ip) or any(ip in network for network in self.allowed)

    def check(self, host: str, addresses: list[str]) -> None:
        """Raise FetchBlocked unless every address of `host` may be reached."""
        if not addresses:
            raise FetchBlocked(f"host {host} has no address")
        for address in addresses:
            if not self.allows(address):
                raise FetchBlocked(
                    f"host {host} resolves to {address}, a private, loopback or link-local "
                    "address; add its network to fetch.allow_networks to allow it"
                )


def check_scheme(url: str) -> None:
    """Raise FetchBlocked unless `url` is an http(s) URL with a host, and FetchError when it is
    no address at all (`http://[::1`, `http://0177.0.0.1/`), before httpx fails on it with an
    error that reads as Gazette's bug."""
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise FetchError(f"{url}: not a valid address: {exc}") from exc
    if parts.scheme not in ("http", "https"):
        raise FetchBlocked(f"{url}: scheme {parts.scheme!r} is not allowed (only http and https)")
    if not parts.hostname:
        raise FetchBlocked(f"{url}: no host in URL")
    try:
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError as exc:
        raise FetchBlocked(f"{url}: invalid port") from exc
    try:
        httpx.URL(url).host  # noqa: B018 - the host is decoded from IDNA as a request does
    except (httpx.InvalidURL, UnicodeError) as exc:  # an IDNA host name httpx cannot read
        raise FetchError(f"{url}: not a valid address: {exc}") from exc
