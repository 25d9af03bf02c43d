"""The search page's parameters: the query, its filters and the page cursor from the URL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.search.backends import SearchKey

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def search_cursor(key: SearchKey) -> str:
    """The next page's cursor, as it goes into a URL."""
    score, published_at, post_id = key
    if published_at.tzinfo is None:
        published_at = published_at.replace(tzinfo=UTC)
    micros = (published_at - EPOCH) // timedelta(microseconds=1)
    return f"{score}-{micros}-{post_id}"


def search_key(raw: str | None) -> SearchKey | None:
    """A cursor back into a key; anything else starts from the top."""
    parts = (raw or "").split("-")
    if len(parts) != 3 or not all(p.isdigit() and len(p) <= 18 for p in parts):
        return None
    score, micros, post_id = (int(p) for p in parts)
    return score, EPOCH + timedelta(microseconds=micros), post_id
