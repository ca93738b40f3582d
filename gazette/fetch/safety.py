"""Which URLs Gazette may fetch: http(s) only, and never private, loopback or link-local hosts.

A feed is untrusted input: a link to http://127.0.0.1:6379/ or to a cloud metadata address
(169.254.169.254) must not make Gazette talk to machines it was never meant to reach. Every
address a host name resolves to is checked, before each request and after every redirect.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from gazette.errors import FetchBlocked

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], list[str]]


def resolve_host(host: str, port: int) -> list[str]:
    """All addresses `host` resolves to (the system resolver)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise FetchBlocked(f"cannot resolve host {host!r}: {exc.strerror}") from exc
    return sorted({str(info[4][0]) for info in infos})


def is_public_address(address: IPAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


def parse_networks(networks: Iterable[str]) -> list[IPNetwork]:
    return [ipaddress.ip_network(n, strict=False) for n in networks]


def check_url(
    url: str,
    allowed_networks: list[IPNetwork],
    resolver: Resolver = resolve_host,
) -> None:
    """Raise FetchBlocked unless `url` is http(s) and every address of its host may be reached."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise FetchBlocked(f"{url}: scheme {parts.scheme!r} is not allowed (only http and https)")
    host = parts.hostname
    if not host:
        raise FetchBlocked(f"{url}: no host in URL")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise FetchBlocked(f"{url}: invalid port") from exc
    for text in resolver(host, port):
        address = ipaddress.ip_address(text.split("%")[0])
        if is_public_address(address):
            continue
        if any(address in network for network in allowed_networks):
            continue
        raise FetchBlocked(
            f"{url}: host {host} resolves to {address}, a private, loopback or link-local "
            "address; add its network to fetch.allow_networks to allow it"
        )
