"""The GraphQL endpoint: bearer authentication, orjson, no IDE outside debug, no batching."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.requests import HTTPConnection, Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLRequestData
from strawberry.http.async_base_view import AsyncHTTPRequestAdapter
from strawberry.schema import BaseSchema
from strawberry.types import ExecutionResult

from api.context import Context
from api.persisted import PersistedQueries
from domain.collaborators import Collaborators
from domain.identity import services
from domain.identity.models import TokenKind


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


class GraphQLApp(GraphQL[Context, None]):
    def __init__(self, schema: BaseSchema, debug: bool) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql" if debug else None,
            allow_queries_via_get=True,
            multipart_uploads_enabled=False,
            max_subscriptions_per_connection=5,
        )
        self.persisted = PersistedQueries()

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        collaborators: Collaborators = request.app.state.collaborators
        found = await services.authenticate(collaborators, bearer_token(request), TokenKind.ACCESS)
        member, token = found if found else (None, None)
        return Context(
            request=request,
            collaborators=collaborators,
            member=member,
            token=token,
            client_ip=client_ip(request, collaborators.settings.trusted_proxy_count),
        )

    async def on_ws_connect(self, context: Context) -> None:
        """graphql-transport-ws: the token comes in ``connection_init``'s payload as
        ``{"authorization": "Bearer …"}``; none means signed out, a bad one is refused."""
        raw = (context.connection_params or {}).get("authorization")
        if raw is None:
            return None
        scheme, _, token = str(raw).partition(" ")
        found = None
        if scheme.lower() == "bearer" and token.strip():
            found = await services.authenticate(
                context.collaborators, token.strip(), TokenKind.ACCESS
            )
        if found is None:
            raise ConnectionRejectionError({"code": "UNAUTHENTICATED"})
        context.member, context.token = found
        return None

    async def get_root_value(self, request: Any) -> None:
        return None

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        """Automatic persisted queries first (``api/persisted.py``), then the operation."""
        resolved = await self.persisted.resolve(context.collaborators.redis, request_data)
        if isinstance(resolved, ExecutionResult):
            return resolved
        return await super().execute_single(
            request=request,
            request_adapter=request_adapter,
            sub_response=sub_response,
            context=context,
            root_value=root_value,
            request_data=resolved,
        )
