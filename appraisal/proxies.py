"""Forwarded headers are believed only from the configured reverse proxies (TRUSTED_PROXIES).

Django trusts ``X-Forwarded-Proto`` blindly once ``SECURE_PROXY_SSL_HEADER`` is set, and the
audit log would record whatever ``X-Forwarded-For`` a client sends. ``ForwardedHeadersMiddleware``
(first in the chain) drops both headers unless the connection comes from a trusted proxy;
``client_ip`` walks X-Forwarded-For from the right and stops at the first address that is not
a trusted proxy: the client as our own proxy saw it, whatever the client wrote to the left.
"""
from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings

FORWARDED = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST", "HTTP_X_FORWARDED_PORT",
             "HTTP_X_REAL_IP", "HTTP_FORWARDED")


@lru_cache(maxsize=8)
def _networks(spec: tuple[str, ...]):
    return tuple(ipaddress.ip_network(item, strict=False) for item in spec)


def _parse(address: str):
    try:
        return ipaddress.ip_address(address.strip())
    except ValueError:
        return None


def is_trusted_proxy(address: str | None) -> bool:
    parsed = _parse(address or "")
    if parsed is None:
        return False
    return any(parsed in network for network in _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ()))))


def client_ip(request) -> str | None:
    remote = request.META.get("REMOTE_ADDR") or None
    if not is_trusted_proxy(remote):
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        if _parse(hop) is None:
            return remote  # a malformed chain: record the proxy, not the garbage
        if not is_trusted_proxy(hop):
            return hop
    return remote


class ForwardedHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_trusted_proxy(request.META.get("REMOTE_ADDR")):
            for key in FORWARDED:
                request.META.pop(key, None)
        return self.get_response(request)
