"""The address a request came from, believing a proxy's X-Forwarded-For only when the
request reached the app through a proxy named in TRUSTED_PROXIES. Sign-in lockouts are by
user name and this address (django-axes calls `client_address`).

Each proxy appends the address it received the request from to X-Forwarded-For. Reading
from the right, the addresses of trusted proxies are skipped; the first other address is
the client's. Anything further left was written by the client itself and is never
believed. A request from an address that is not a trusted proxy (someone reaching the app
directly) is judged by that address, whatever its headers say.
"""

from __future__ import annotations

import ipaddress
from functools import cache

from django.conf import settings


@cache
def _networks(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _address(text: str):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address, networks) -> bool:
    return address is not None and any(address in network for network in networks)


def client_address(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    address = _address(remote)
    if not _trusted(address, networks):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    for text in reversed(forwarded):
        hop = _address(text)
        if hop is None:
            break  # a hop no proxy of ours wrote: go no further left than what we trust
        address = hop
        if not _trusted(hop, networks):
            break
    return str(address)
