"""A graphql-transport-ws session asks who is there again before every operation it starts.

``connection_init`` signs the socket in once; a socket can stay open for hours, and in that time
the member may be suspended (every token revoked), sign out elsewhere, or see the access token
expire. So each ``subscribe`` message (a query, a mutation or a subscription) looks the
connection's token (``connection_init``'s, else the upgrade request's header) up again, with the
same single statement the HTTP path runs per request:

- a token no longer live ends the session: the socket closes with 4401 Unauthorized, which
  graphql-ws clients do not retry with the same token, and every operation still running on it
  (a subscription) is cancelled as the session shuts down;
- a live token refreshes the member the operations see (and starts fresh loaders), so a member
  suspended while keeping a live token is refused ACCOUNT_SUSPENDED on mutations as over HTTP;
- a lookup that fails (the database is down) answers that operation with the masked error and
  runs nothing.

A socket that connected signed out has no token to look up and costs nothing more."""

from __future__ import annotations

import logging

from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import SubscribeMessage

from api.context import Context, Loaders
from api.errors import masked_error
from domain.identity import services
from domain.identity.models import TokenKind
from domain.stores import as_busy
from web.connection import bearer_token

log = logging.getLogger("linli.graphql")

UNAUTHORIZED = 4401


def connection_token(params: dict[str, object] | None) -> str | None:
    """The access token of ``connection_init``'s ``{"authorization": "Bearer …"}``; "" when one
    is given but is not a bearer token, None when none is given (signed out)."""
    raw = (params or {}).get("authorization")
    if raw is None:
        return None
    scheme, _, token = str(raw).partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


class SignedInSessionHandler(BaseGraphQLTransportWSHandler[Context, None]):
    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        if self.connection_acknowledged:
            if not await self._still_signed_in(message["id"]):
                return
            # Per operation, as per request over HTTP: loaders kept for the socket's life would
            # answer later operations from what the first ones read.
            self.context.loaders = Loaders()
        await super().handle_subscribe(message)

    async def _still_signed_in(self, operation_id: str) -> bool:
        """Whether the operation may start; the context's member is the current one if so."""
        context = self.context
        if context.token is None:
            return True
        raw = connection_token(context.connection_params)
        if raw is None:  # signed in by the upgrade request's header (see ``get_context``)
            raw = bearer_token(context.request)
        try:
            found = await services.authenticate(context.collaborators, raw, TokenKind.ACCESS)
        except Exception as error:
            if as_busy(error) is not None:
                log.warning("re-authentication waited on a busy store: %r", error)
            else:
                log.error("re-authentication failed before an operation", exc_info=error)
            payload = [masked_error(error).formatted]
            await self.send_message({"id": operation_id, "type": "error", "payload": payload})
            return False
        if found is None:
            context.member = context.token = None
            await self.websocket.close(code=UNAUTHORIZED, reason="Unauthorized")
            return False
        context.member, context.token = found
        return True
