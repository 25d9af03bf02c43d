"""How a delivery is signed: HMAC-SHA256 of ``"{timestamp}.{body}"`` with the endpoint's secret,
sent as ``X-Linli-Signature: sha256=<hex>`` beside ``X-Linli-Timestamp`` (Unix seconds). A
receiver recomputes it over the raw body, compares in constant time and refuses a timestamp
older than a few minutes (a replayed request). ``verify`` is that check, as the README shows."""

from __future__ import annotations

import hashlib
import hmac

TOLERANCE_SECONDS = 300


def signature(secret: str, timestamp: int, body: bytes) -> str:
    message = str(timestamp).encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def verify(secret: str, timestamp: str, body: bytes, signed: str, now: int) -> bool:
    """What a receiver does with a delivery's headers."""
    if not timestamp.isdigit() or abs(now - int(timestamp)) > TOLERANCE_SECONDS:
        return False
    return hmac.compare_digest(signature(secret, int(timestamp), body), signed)
