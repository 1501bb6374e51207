"""Where batch callbacks may go: public http(s) addresses only, unless configured otherwise.

A callback URL is checked when the batch is created (422 naming the reason) and again just
before each POST (the name may resolve elsewhere by then); redirects are never followed.
Refused: schemes other than http and https, user:password in the URL, and any host that
resolves to a loopback, private, link-local, multicast, reserved or unspecified address (the
cloud metadata service at 169.254.169.254 among them), or does not resolve at all.

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


def _public(address: IPAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return not (address.is_loopback or address.is_private or address.is_link_local
                or address.is_multicast or address.is_reserved or address.is_unspecified
                or not address.is_global)


def check_callback_url(url: str, config: Mapping[str, Any],
                       resolve: Resolver = socket.getaddrinfo) -> None:
    """Raise CallbackRefused unless `url` may receive a callback under `config`."""
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
    if _truthy(config.get("CALLBACK_ALLOW_PRIVATE", False)):
        return
    try:
        infos = resolve(host, port, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError, ValueError):
        raise CallbackRefused(f"The callback host {host!r} does not resolve.") from None
    addresses = {ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos}
    if not addresses:
        raise CallbackRefused(f"The callback host {host!r} does not resolve.")
    networks = allowed_networks(config)
    for address in addresses:
        if not _public(address) and not any(address in net for net in networks):
            raise CallbackRefused(
                f"The callback host {host!r} is a loopback, private, link-local or multicast "
                "address; callbacks go to public addresses (or CALLBACK_ALLOWED_NETWORKS).")
