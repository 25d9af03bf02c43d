"""Persisted queries backed by Redis, in one of two modes (``PERSISTED_QUERIES``).

``open`` — Apollo's automatic persisted queries. A client sends
``extensions.persistedQuery = {"version": 1, "sha256Hash": h}``:
- with no ``query``: the document registered under ``h`` runs; when there is none, the answer is
  the ``PersistedQueryNotFound`` error (code ``PERSISTED_QUERY_NOT_FOUND``) and the client sends
  the document again with its hash;
- with ``query``: the document runs and is registered under ``h`` once its SHA-256 is ``h``, it is
  at most ``persisted_query_max_bytes`` long, it parses and validates against the schema, and the
  client IP is within ``persisted_registrations_per_minute``; otherwise nothing is stored (codes
  ``PERSISTED_QUERY_HASH_MISMATCH``, ``PERSISTED_QUERY_TOO_LARGE``, the validation errors,
  ``RATE_LIMITED`` with ``retryAfter``).

In both modes every operation of ``api/contract/*.graphql`` (the shared contract's documents
and the project's own) is registered when the app starts: a client may send its hash alone from
the first request on.

``allowlist`` — only the operations of ``api/contract/*.graphql`` run, by hash or by text; every
other document is refused (``PERSISTED_QUERY_NOT_ALLOWED``) and nothing is ever registered. An
operation's hash is the SHA-256 (hex) of the UTF-8 of graphql-core's ``print_ast`` of a document
holding that operation followed by the fragments it uses, sorted by name: the text the clients
send (see ``contract_documents``).

Documents are immutable under their hash, so each process also keeps the ones it has seen.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    OperationDefinitionNode,
    parse,
    print_ast,
    validate,
    visit,
)
from graphql.language import Visitor
from redis.asyncio import Redis
from strawberry.http import GraphQLRequestData
from strawberry.schema import BaseSchema
from strawberry.types import ExecutionResult

from domain.errors import RateLimitedError
from domain.ratelimit import Limit, hit
from settings import Settings

KEY_PREFIX = "apq:"
TTL_SECONDS = 30 * 24 * 3600  # re-registered by any client that misses after expiry
LOCAL_DOCUMENTS = 512
CONTRACT_DIR = Path(__file__).resolve().parent / "contract"

NOT_FOUND = "PersistedQueryNotFound"
NOT_FOUND_CODE = "PERSISTED_QUERY_NOT_FOUND"
MISMATCH_CODE = "PERSISTED_QUERY_HASH_MISMATCH"
UNSUPPORTED_CODE = "PERSISTED_QUERY_NOT_SUPPORTED"
TOO_LARGE_CODE = "PERSISTED_QUERY_TOO_LARGE"
NOT_ALLOWED_CODE = "PERSISTED_QUERY_NOT_ALLOWED"


def document_hash(query: str) -> str:
    return hashlib.sha256(query.encode()).hexdigest()


def refusal(message: str, code: str, **extensions: Any) -> ExecutionResult:
    return ExecutionResult(
        data=None, errors=[GraphQLError(message, extensions={"code": code, **extensions})]
    )


def _fragments_used(node: Any, fragments: dict[str, FragmentDefinitionNode]) -> set[str]:
    found: set[str] = set()

    class Spreads(Visitor):
        def enter_fragment_spread(self, spread: FragmentSpreadNode, *_: object) -> None:
            found.add(spread.name.value)

    visit(node, Spreads())
    for name in list(found):
        found |= _fragments_used(fragments[name], fragments)
    return found


def contract_documents(directory: Path = CONTRACT_DIR) -> dict[str, str]:
    """Each named operation of the contract as the text a client sends: the operation and the
    fragments it uses (sorted by name), printed by graphql-core."""
    result: dict[str, str] = {}
    for path in sorted(directory.glob("*.graphql")):
        document = parse(path.read_text(encoding="utf-8"))
        fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        for definition in document.definitions:
            if isinstance(definition, OperationDefinitionNode) and definition.name:
                used = sorted(_fragments_used(definition, fragments))
                single = DocumentNode(definitions=(definition, *(fragments[f] for f in used)))
                result[definition.name.value] = print_ast(single)
    return result


@cache
def contract_allowlist() -> dict[str, str]:
    """Hash → document of every contract operation."""
    return {document_hash(text): text for text in contract_documents().values()}


def _digest(extension: object) -> str | ExecutionResult:
    """The document's SHA-256 the extension names (lower-cased), or the refusal to answer with."""
    if not isinstance(extension, dict) or extension.get("version") != 1:
        return refusal("Unsupported persisted query version", UNSUPPORTED_CODE)
    digest = extension.get("sha256Hash")
    if not isinstance(digest, str) or len(digest) != 64:
        return refusal("persistedQuery.sha256Hash must be a SHA-256 hex digest", MISMATCH_CODE)
    return digest.lower()


class PersistedQueries:
    """Resolves a request's persisted-query extension into its document (or a refusal)."""

    def __init__(self, schema: BaseSchema | None = None, size: int = LOCAL_DOCUMENTS) -> None:
        self._local: OrderedDict[str, str] = OrderedDict()
        self._size = size
        self._schema = schema
        contract_allowlist()  # the contract's operations are registered when the app starts

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
        self,
        redis: Redis,
        data: GraphQLRequestData,
        client_ip: str = "unknown",
        settings: Settings | None = None,
    ) -> GraphQLRequestData | ExecutionResult:
        """``data`` with its document, or the error to answer with. Requests without the
        extension pass through unchanged (in allow-list mode only a contract document)."""
        allowlist_only = settings is not None and settings.persisted_queries == "allowlist"
        extension: Any = (data.extensions or {}).get("persistedQuery")
        if extension is None:
            if allowlist_only and document_hash(data.query or "") not in contract_allowlist():
                return _not_allowed()
            return data
        digest = _digest(extension)
        if isinstance(digest, ExecutionResult):
            return digest
        if allowlist_only:
            return self._from_allowlist(data, digest)
        return await self._from_store(redis, data, digest, client_ip, settings)

    async def _from_store(
        self,
        redis: Redis,
        data: GraphQLRequestData,
        digest: str,
        client_ip: str,
        settings: Settings | None,
    ) -> GraphQLRequestData | ExecutionResult:
        """A hash alone is looked up; a hash with its document registers the document once."""
        if data.query is None:
            query = contract_allowlist().get(digest) or await self._lookup(redis, digest)
            if query is None:
                return refusal(NOT_FOUND, NOT_FOUND_CODE)
            return replace(data, query=query)
        if document_hash(data.query) != digest:
            return refusal("provided sha does not match query", MISMATCH_CODE)
        if digest not in self._local:
            refused = await self._register(redis, digest, data.query, client_ip, settings)
            if refused is not None:
                return refused
        return data

    def _from_allowlist(
        self, data: GraphQLRequestData, digest: str
    ) -> GraphQLRequestData | ExecutionResult:
        document = contract_allowlist().get(digest)
        if document is None:
            return _not_allowed()
        if data.query is not None and data.query != document:
            return refusal("provided sha does not match query", MISMATCH_CODE)
        return replace(data, query=document)

    async def _register(
        self, redis: Redis, digest: str, query: str, client_ip: str, settings: Settings | None
    ) -> ExecutionResult | None:
        """Stores a new document once it is small, valid and within the IP's registrations."""
        if await redis.exists(KEY_PREFIX + digest):
            self._remember(digest, query)
            return None
        max_bytes = settings.persisted_query_max_bytes if settings else 16 * 1024
        if len(query.encode()) > max_bytes:
            return refusal(f"Persisted queries are limited to {max_bytes} bytes", TOO_LARGE_CODE)
        errors = self._validation_errors(query)
        if errors:
            return ExecutionResult(data=None, errors=errors)
        try:
            per_minute = settings.persisted_registrations_per_minute if settings else 20
            await hit(redis, Limit("apq-register", per_minute, 60), client_ip)
        except RateLimitedError as error:
            return refusal(error.message, "RATE_LIMITED", retryAfter=error.retry_after_seconds)
        await redis.set(KEY_PREFIX + digest, query, ex=TTL_SECONDS)
        self._remember(digest, query)
        return None

    def _validation_errors(self, query: str) -> list[GraphQLError]:
        try:
            document = parse(query)
        except GraphQLError as error:
            return [error]
        if self._schema is None:
            return []
        return list(validate(self._schema._schema, document))  # type: ignore[attr-defined]


def _not_allowed() -> ExecutionResult:
    return refusal("Only the operations of the published contract are served", NOT_ALLOWED_CODE)
