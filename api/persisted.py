"""Automatic persisted queries (Apollo's protocol) backed by Redis.

A client sends ``extensions.persistedQuery = {"version": 1, "sha256Hash": h}``:
- with no ``query``: the document registered under ``h`` runs; when there is none, the answer is
  the ``PersistedQueryNotFound`` error (code ``PERSISTED_QUERY_NOT_FOUND``) and the client sends
  the document again with its hash;
- with ``query``: the document runs and is registered under ``h`` once its SHA-256 is ``h``; a
  hash that is not the document's is refused (``PERSISTED_QUERY_HASH_MISMATCH``), nothing stored.
Documents are immutable under their hash, so each process also keeps the ones it has seen.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import replace
from typing import Any

from graphql import GraphQLError
from redis.asyncio import Redis
from strawberry.http import GraphQLRequestData
from strawberry.types import ExecutionResult

KEY_PREFIX = "apq:"
TTL_SECONDS = 30 * 24 * 3600  # re-registered by any client that misses after expiry
LOCAL_DOCUMENTS = 512

NOT_FOUND = "PersistedQueryNotFound"
NOT_FOUND_CODE = "PERSISTED_QUERY_NOT_FOUND"
MISMATCH_CODE = "PERSISTED_QUERY_HASH_MISMATCH"
UNSUPPORTED_CODE = "PERSISTED_QUERY_NOT_SUPPORTED"


def document_hash(query: str) -> str:
    return hashlib.sha256(query.encode()).hexdigest()


def refusal(message: str, code: str) -> ExecutionResult:
    return ExecutionResult(data=None, errors=[GraphQLError(message, extensions={"code": code})])


class PersistedQueries:
    """Resolves a request's persisted-query extension into its document (or a refusal)."""

    def __init__(self, size: int = LOCAL_DOCUMENTS) -> None:
        self._local: OrderedDict[str, str] = OrderedDict()
        self._size = size

    def _remember(self, digest: str, query: str) -> None:
        self._local[digest] = query
        self._local.move_to_end(digest)
        while len(self._local) > self._size:
            self._local.popitem(last=False)

    async def _lookup(self, redis: Redis, digest: str) -> str | None:
        query = self._local.get(digest)
        if query is None:
            stored = await redis.get(KEY_PREFIX + digest)
            query = stored.decode() if isinstance(stored, bytes) else stored
            if query is not None:
                self._remember(digest, query)
        return query

    async def resolve(
        self, redis: Redis, data: GraphQLRequestData
    ) -> GraphQLRequestData | ExecutionResult:
        """``data`` with its document, or the error to answer with. Requests without the
        extension pass through unchanged."""
        extension: Any = (data.extensions or {}).get("persistedQuery")
        if extension is None:
            return data
        if not isinstance(extension, dict) or extension.get("version") != 1:
            return refusal("Unsupported persisted query version", UNSUPPORTED_CODE)
        digest = extension.get("sha256Hash")
        if not isinstance(digest, str) or len(digest) != 64:
            return refusal("persistedQuery.sha256Hash must be a SHA-256 hex digest", MISMATCH_CODE)
        digest = digest.lower()
        if data.query is None:
            query = await self._lookup(redis, digest)
            if query is None:
                return refusal(NOT_FOUND, NOT_FOUND_CODE)
            return replace(data, query=query)
        if document_hash(data.query) != digest:
            return refusal("provided sha does not match query", MISMATCH_CODE)
        if digest not in self._local:
            await redis.set(KEY_PREFIX + digest, data.query, ex=TTL_SECONDS)
            self._remember(digest, data.query)
        return data
