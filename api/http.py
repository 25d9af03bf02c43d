"""The GraphQL endpoint: bearer authentication, orjson, no IDE outside debug, no batching.

Every answer is in the contract's shape: a body that is not a JSON object is a 400 with a GraphQL
error body (never a plain-text 500), a failure before execution (the token lookup while the
database is down) is the masked "Unexpected error." with its request id, and WebSocket messages
are text frames (graphql-transport-ws and WeChat's socket expect text)."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketDisconnect
from strawberry.asgi import ASGIWebSocketAdapter, GraphQL
from strawberry.exceptions import ConnectionRejectionError, MissingQueryError
from strawberry.http import GraphQLRequestData
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.schema import BaseSchema
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from api.compiled import CompiledOperations
from api.compiled.sql import Database
from api.context import Context
from api.errors import masked_error, request_error_body
from api.over_http import (
    GRAPHQL_RESPONSE_JSON,
    JSON,
    is_request_error,
    negotiate,
    request_error_status,
)
from api.persisted import PersistedQueries
from api.ws_session import SignedInSessionHandler, connection_token
from domain.collaborators import Collaborators
from domain.identity import services
from domain.identity.models import TokenKind
from domain.stores import as_busy
from web.connection import bearer_token, client_ip

log = logging.getLogger("linli.graphql")


# Control characters other than tab, line feed and carriage return, DEL and the C1 block.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# The same characters written as escapes inside the document's own string literals.
_ESCAPED_CONTROL = re.compile(r"\\u00(?:0[0-8bBcCeEfF]|1[0-9a-fA-F]|7[fF]|[89][0-9a-fA-F])")


def refuse_bad_strings(data: GraphQLRequestData, max_chars: int) -> GraphQLError | None:
    """Every string a request carries, in its variables (walked without recursion, so a deep
    value cannot exhaust the stack) and in its document's literals: no NUL or other control
    character, none longer than ``max_chars``. A top-level BAD_USER_INPUT error, else None."""
    if data.query is not None and _ESCAPED_CONTROL.search(data.query):
        return GraphQLError("字符串含有不允许的控制字符", extensions={"code": "BAD_USER_INPUT"})
    pending: list[object] = [data.variables or {}]
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            pending.extend(value.values())
            pending.extend(value.keys())
        elif isinstance(value, list):
            pending.extend(value)
        elif isinstance(value, str):
            if len(value) > max_chars:
                return GraphQLError(
                    f"字符串过长（最多 {max_chars} 个字符）", extensions={"code": "BAD_USER_INPUT"}
                )
            if _CONTROL.search(value):
                return GraphQLError(
                    "字符串含有不允许的控制字符", extensions={"code": "BAD_USER_INPUT"}
                )
    return None


def _negotiated(response: Response, media_type: str, request_error: list[Any] | None) -> None:
    """The answer in the negotiated media type; a request error (only ever marked for clients
    that accept ``application/graphql-response+json``) gets its 4xx/5xx and, when rate limited,
    the Retry-After its error names. The IDE's page (debug only) is left as it is."""
    if not response.headers.get("content-type", "").startswith(JSON):
        return
    response.headers["content-type"] = media_type
    if request_error is None:
        return
    response.status_code = request_error_status(request_error)
    for error in request_error:
        retry_after = (error.get("extensions") or {}).get("retryAfter")
        if response.status_code == 429 and isinstance(retry_after, int):
            response.headers["retry-after"] = str(retry_after)
            break


_PLAIN_KEYS = frozenset({"query", "variables", "operationName", "extensions"})
_TYPES: dict[str, type | tuple[type, ...]] = {
    "query": (str, type(None)),
    "variables": (dict, type(None)),
    "operationName": (str, type(None)),
    "extensions": (dict, type(None)),
}


async def _plain_post(request: Request, view: GraphQLApp) -> GraphQLRequestData | None:
    """The request as GraphQL data when it is the common case only: a POST of one JSON object
    with well-typed members, no streaming asked for. Else None: strawberry's handling decides
    (and refuses) everything unusual. The body stays cached on ``request`` for it."""
    if request.method != "POST":
        return None
    content_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    accept = request.headers.get("accept", "")
    if content_type != JSON or "multipart" in accept or "event-stream" in accept:
        return None
    try:
        decoded = view.parse_json(await request.body())
    except HTTPException:
        return None
    if not isinstance(decoded, dict) or not decoded.keys() <= _PLAIN_KEYS:
        return None
    if any(not isinstance(decoded.get(key), kind) for key, kind in _TYPES.items()):
        return None
    return GraphQLRequestData(
        query=decoded.get("query"),
        variables=decoded.get("variables"),
        operation_name=decoded.get("operationName"),
        extensions=decoded.get("extensions"),
        protocol="http",
    )


async def _authenticate(
    context: Context, request: Request | WebSocket, db: Database | None, id_only: bool = False
) -> None:
    """Sets the request's signed-in member and token on ``context`` (or, ``id_only``, the
    member's id alone), read on ``db``'s connection when given (held from here to the compiled
    plan's end). A failure (the database is down) is kept on the context, to be answered as the
    masked error, not raised past the error masking."""
    collaborators = context.collaborators
    try:
        read = None
        if db is not None:
            await db.hold()
            read = db.rows if db.connection is not None else None
        token = bearer_token(request)
        if id_only:
            context.member_id_only = await services.authenticated_id(
                collaborators, token, TokenKind.ACCESS, read
            )
            return
        found = await services.authenticate(collaborators, token, TokenKind.ACCESS, read)
    except Exception as error:
        if as_busy(error) is not None:
            log.warning("authentication waited on a busy store: %r", error)
        else:
            log.error("authentication failed before execution", exc_info=error)
        context.failure = error
        return
    context.member_id_only = None
    if found:
        context.member, context.token = found


class TextFrameWebSocketAdapter(ASGIWebSocketAdapter):
    """Sends every graphql-transport-ws message as a text frame (orjson gives bytes)."""

    async def send_json(self, message: Mapping[str, object]) -> None:
        try:
            await self.ws.send_text(orjson.dumps(message).decode())
        except WebSocketDisconnect as exc:
            raise WebSocketDisconnected from exc


# Plain HTTP serves queries (GET too) and mutations; subscriptions go over the WebSocket, where
# the contract's clients follow them (strawberry would otherwise run one as a plain field).
_HTTP_OPERATIONS = {
    "GET": {OperationType.QUERY},
    "POST": {OperationType.QUERY, OperationType.MUTATION},
}
SUBSCRIPTIONS_OVER_WEBSOCKET = "订阅请通过 WebSocket（graphql-transport-ws）连接 /graphql"


class GraphQLApp(GraphQL[Context, None]):
    websocket_adapter_class = TextFrameWebSocketAdapter
    graphql_transport_ws_handler_class = SignedInSessionHandler

    def __init__(self, schema: BaseSchema, debug: bool) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql" if debug else None,
            allow_queries_via_get=True,
            multipart_uploads_enabled=False,
            max_subscriptions_per_connection=5,
            # Only the protocol whose sessions re-check the member (the legacy graphql-ws one
            # would keep the member of its connection_init for the socket's life).
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
        )
        self.persisted = PersistedQueries(schema)
        self.compiled = CompiledOperations(schema)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope=scope, receive=receive)
        media_type = negotiate(request.headers.get("accept"))
        try:
            response = await self.answer(request)
        except HTTPException as refused:  # a request that is not GraphQL over HTTP
            response = Response(
                orjson.dumps(request_error_body(refused.reason)),
                status_code=refused.status_code,
                media_type=media_type,
            )
        else:
            _negotiated(response, media_type, getattr(request.state, "request_error", None))
        await response(scope, receive, send)

    async def answer(self, request: Request) -> Response:
        """A plain POST of a registered operation that a compiled plan covers is answered here,
        before strawberry's request handling (most hot requests); anything else, or anything the
        plan does not cover, goes the general way with the same context and the same resolved
        document, so nothing is counted or registered twice. A request a plan may answer
        authenticates on the pooled connection its plan then reads on (or gives back before its
        domain reads, which take their own), reading only the member's id when the plan needs no
        more (most reads: the models of the token and member cost more than the page's SQL); one
        such request that the plan leaves to the general path reads the member's row for it."""
        data = await _plain_post(request, self)
        if data is None:
            return await self.run(request)
        resolved = await self._resolved(request, data)
        db = None
        id_only = False
        if isinstance(resolved, GraphQLRequestData):
            request.state.resolved = resolved
            settings = request.app.state.collaborators.settings
            plan = self.compiled.plan_for(resolved, "POST", settings)
            db = Database() if plan is not None else None
            id_only = plan is not None and not plan.member_read
        try:
            context = await self.get_context(request, Response(), db, id_only)
            if context.failure is None:
                if isinstance(resolved, ExecutionResult):
                    result: ExecutionResult | None = resolved
                else:
                    result = await self.compiled.execute(resolved, context, "POST", db)
                if result is not None:
                    processed = await self.process_result(request, result)
                    return Response(self.encode_json(processed), media_type=JSON)
            if context.member_unread:  # the general path's resolvers read the member's row
                await _authenticate(context, request, db)
        finally:
            if db is not None:
                await db.release()  # a plan that ran gave it back already
        return await self.run(request, context=context)

    async def _resolved(
        self, request: Request, data: GraphQLRequestData
    ) -> GraphQLRequestData | ExecutionResult:
        """The request's document (a persisted one looked up), or the error to answer with:
        what ``execute_single`` would find before the general execution."""
        collaborators: Collaborators = request.app.state.collaborators
        settings = collaborators.settings
        ip = client_ip(request, settings.trusted_proxy_count)
        resolved = await self.persisted.resolve(collaborators.redis, data, ip, settings)
        if isinstance(resolved, ExecutionResult):
            return resolved
        refused = refuse_bad_strings(resolved, settings.graphql_max_string_chars)
        if refused is not None:
            return ExecutionResult(data=None, errors=[refused])
        return resolved

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    def decode_json(self, data: str | bytes) -> object:
        return orjson.loads(data)

    def parse_json(self, data: str | bytes) -> Any:
        """orjson refuses invalid UTF-8 and nesting past 1,024 levels cleanly; a body that is
        not an object (a bare string, number or null) is not a GraphQL request either."""
        try:
            decoded = orjson.loads(data)
        except orjson.JSONDecodeError as error:
            raise HTTPException(400, "Unable to parse request body as JSON") from error
        if not isinstance(decoded, (dict, list)):
            raise HTTPException(400, "The request body must be a JSON object")
        return decoded

    async def process_result(self, request: Request, result: ExecutionResult) -> Any:
        """Every error the client sees carries a code, a document that does not parse too."""
        for error in result.errors or ():
            if not (error.extensions or {}).get("code"):
                code = (
                    "GRAPHQL_PARSE_FAILED"
                    if error.message.startswith("Syntax Error")
                    else ("GRAPHQL_VALIDATION_FAILED")
                )
                error.extensions = {**(error.extensions or {}), "code": code}
        processed = await super().process_result(request, result)
        if negotiate(request.headers.get("accept")) == GRAPHQL_RESPONSE_JSON and (
            is_request_error(result.data, result.errors)
        ):
            # The spec's request error: no data entry, and a status that is not 200.
            processed.pop("data", None)
            request.state.request_error = processed.get("errors") or []
        return processed

    async def get_context(
        self,
        request: Request | WebSocket,
        response: Response | WebSocket,
        db: Database | None = None,
        id_only: bool = False,
    ) -> Context:
        """The context with the signed-in member read before execution (``_authenticate``;
        with ``id_only`` the member's id alone, for a plan that needs no more)."""
        collaborators: Collaborators = request.app.state.collaborators
        context = Context(
            request=request,
            collaborators=collaborators,
            member=None,
            token=None,
            client_ip=client_ip(request, collaborators.settings.trusted_proxy_count),
        )
        await _authenticate(context, request, db, id_only)
        return context

    async def on_ws_connect(self, context: Context) -> None:
        """graphql-transport-ws: the token comes in ``connection_init``'s payload as
        ``{"authorization": "Bearer …"}``; none means signed out, a bad one is refused. Each
        operation looks the token up again (``api/ws_session.py``)."""
        if context.failure is not None:
            raise ConnectionRejectionError({"code": "INTERNAL_SERVER_ERROR"})
        token = connection_token(context.connection_params)
        if token is None:
            return None
        found = None
        if token:
            found = await services.authenticate(context.collaborators, token, TokenKind.ACCESS)
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
        """Automatic persisted queries first (``api/persisted.py``), then the strings of the
        variables (``api/input_checks.py``), then the operation."""
        if context.failure is not None:
            return ExecutionResult(data=None, errors=[masked_error(context.failure)])
        resolved = getattr(request.state, "resolved", None)
        if resolved is None:  # not seen by ``answer``'s compiled plans yet
            found = await self._resolved(request, request_data)
            if isinstance(found, ExecutionResult):
                return found
            if compiled := await self.compiled.execute(found, context, request_adapter.method):
                return compiled
            resolved = found
        allowed = _HTTP_OPERATIONS.get(request_adapter.method, set())
        try:
            return await self.schema.execute(
                resolved.query,
                root_value=root_value,
                variable_values=resolved.variables,
                context_value=context,
                operation_name=resolved.operation_name,
                allowed_operation_types=allowed,
                operation_extensions=resolved.extensions,
            )
        except InvalidOperationTypeError as error:
            if OperationType.SUBSCRIPTION not in allowed and request_adapter.method == "POST":
                raise HTTPException(400, SUBSCRIPTIONS_OVER_WEBSOCKET) from error
            raise HTTPException(400, error.as_http_error_reason(request_adapter.method)) from error
        except CannotGetOperationTypeError as error:
            raise HTTPException(400, error.as_http_error_reason()) from error
        except MissingQueryError as error:
            raise HTTPException(400, "请求中没有 GraphQL 查询") from error
