"""Who is on the other end of a connection, as its headers tell: the client's address behind
trusted proxies, and the bearer token the mini-program sends."""

from __future__ import annotations

from starlette.requests import HTTPConnection


def client_ip(connection: HTTPConnection, trusted_proxies: int) -> str:
    """The peer address, or the address ``trusted_proxies`` hops back in X-Forwarded-For."""
    if trusted_proxies > 0:
        hops = [h.strip() for h in connection.headers.get("x-forwarded-for", "").split(",") if h]
        if len(hops) >= trusted_proxies:
            return hops[-trusted_proxies]
    return connection.client.host if connection.client else "unknown"


def bearer_token(connection: HTTPConnection) -> str | None:
    scheme, _, token = connection.headers.get("authorization", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None
