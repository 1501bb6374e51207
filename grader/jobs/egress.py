"""Where batch callbacks may go: public http(s) addresses only, unless configured otherwise.

A callback URL is checked when the batch is created (422 naming the reason) and again just
before each POST (the name may resolve elsewhere by then); the POST then goes to the very
addresses that check passed (grader.jobs.callbacks connects to them, never resolving the name
again: no DNS rebinding), and redirects are never followed.
Refused: schemes other than http and https, user:password in the URL, and any host that
resolves to a loopback, private, link-local, multicast, reserved or unspecified address (the
cloud metadata service at 169.254.169.254 among them), or does not resolve at all. IPv6 forms
that carry an IPv4 address are judged by that address: IPv4-mapped and -compatible, 6to4
(2002::/16), Teredo (2001::/32, server and client) and NAT64 (64:ff9b::/96, 64:ff9b:1::/48).

CALLBACK_ALLOW_PRIVATE=true lifts the address rule (tests, on-premise LMSs);
CALLBACK_ALLOWED_NETWORKS="10.1.0.0/16,192.168.5.7" allows those networks as well.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

Resolver = Callable[..., list[tuple[Any, ...]]]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class CallbackRefused(ValueError):
    """The callback URL may not be used; the message says why."""


def _truthy(value: object) -> bool:
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def allowed_networks(config: Mapping[str, Any]) -> list[ipaddress.IPv4Network |
                                                          ipaddress.IPv6Network]:
    raw = config.get("CALLBACK_ALLOWED_NETWORKS") or ""
    items: Iterable[str] = raw.split(",") if isinstance(raw, str) else raw
    return [ipaddress.ip_network(item.strip(), strict=False) for item in items if item.strip()]


_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


def embedded_ipv4(address: IPAddress) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address carries (mapped, compatible, 6to4, Teredo, NAT64):
    a packet to it ends up at them, so they are what the address rule judges."""
    if isinstance(address, ipaddress.IPv4Address):
        return []
    if address.ipv4_mapped is not None:
        return [address.ipv4_mapped]
    if address.sixtofour is not None:
        return [address.sixtofour]
    if address.teredo is not None:
        return list(address.teredo)
    low32 = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if any(address in net for net in _NAT64):
        return [low32]
    if address in _IPV4_COMPATIBLE and int(address) > 1:  # not :: or ::1 (judged as such)
        return [low32]
    return []


def _plainly_public(address: IPAddress) -> bool:
    return not (address.is_loopback or address.is_private or address.is_link_local
                or address.is_multicast or address.is_reserved or address.is_unspecified
                or not address.is_global)


def _allowed(address: IPAddress, networks: list[ipaddress.IPv4Network |
                                                ipaddress.IPv6Network]) -> bool:
    """Public (judged by the IPv4 it carries, if any) or inside CALLBACK_ALLOWED_NETWORKS."""
    if any(address in net for net in networks):
        return True
    inner = embedded_ipv4(address)
    if inner:
        return all(_plainly_public(v4) or any(v4 in net for net in networks) for v4 in inner)
    return _plainly_public(address)


def check_callback_url(url: str, config: Mapping[str, Any],
                       resolve: Resolver | None = None) -> list[IPAddress]:
    """Raise CallbackRefused unless `url` may receive a callback under `config`; else the
    addresses its host resolved to (in the resolver's order), all of them allowed: connect to
    these and to nothing else (grader.jobs.callbacks.post_once does)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise CallbackRefused("Only http and https callback URLs are allowed.")
    if parts.username or parts.password:
        raise CallbackRefused("Put no user name or password in the callback URL.")
    host = parts.hostname
    if not host:
        raise CallbackRefused("The callback URL has no host.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise CallbackRefused("The callback URL's port is not a number.") from None
    resolve = resolve or socket.getaddrinfo  # looked up now, so a test can inject one
    any_address = _truthy(config.get("CALLBACK_ALLOW_PRIVATE", False))
    try:
        infos = resolve(host, port, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError, ValueError):
        if any_address:  # no rule to apply: the POST will fail if it still does not resolve
            return []
        raise CallbackRefused(f"The callback host {host!r} does not resolve.") from None
    addresses = list(dict.fromkeys(ipaddress.ip_address(info[4][0].split("%")[0])
                                   for info in infos))
    if any_address:
        return addresses
    if not addresses:
        raise CallbackRefused(f"The callback host {host!r} does not resolve.")
    networks = allowed_networks(config)
    for address in addresses:
        if not _allowed(address, networks):
            raise CallbackRefused(
                f"The callback host {host!r} is a loopback, private, link-local or multicast "
                "address; callbacks go to public addresses (or CALLBACK_ALLOWED_NETWORKS).")
    return addresses
