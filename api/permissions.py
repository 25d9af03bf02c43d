"""Field permissions and the per-member mutation limit. Refusals are top-level errors with
``extensions.code`` (or the mutation's own ``RateLimited`` member) and change nothing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from strawberry.extensions import FieldExtension
from strawberry.permission import BasePermission
from strawberry.types import Info
from strawberry.types.base import StrawberryObjectDefinition
from strawberry.types.field import StrawberryField
from strawberry.types.union import StrawberryUnion

from api.context import Context
from api.errors import ClientError, Forbidden, RateLimited, Unauthenticated, suspension_refusal
from domain.errors import RateLimitedError
from domain.identity.errors import AccountSuspendedError
from domain.identity.models import Member, Role
from domain.identity.suspensions import is_suspended
from domain.ratelimit import hit_member_mutations

# ``strawberry.mutation(..., metadata=COUNTS_MUTATION_LIMIT_ITSELF)``: the mutation calls
# ``hit_mutation_limit`` itself, at the point its rules allow (redeemReward answers a replayed
# idempotency key from its record before any limit is counted).
SELF_COUNTED = "counts_mutation_limit_itself"
COUNTS_MUTATION_LIMIT_ITSELF = {SELF_COUNTED: True}


def logged_in(info: Info[Context, Any]) -> Member:
    member = info.context.member
    if member is None:
        raise Unauthenticated("请先登录")
    return member


class IsAuthenticated(BasePermission):
    message = "请先登录"
    error_extensions = {"code": "UNAUTHENTICATED"}

    def has_permission(self, source: Any, info: Info[Context, Any], **kwargs: Any) -> bool:
        return info.context.member is not None


def require_role(info: Info[Context, Any], *roles: Role) -> Member:
    member = logged_in(info)
    if not any(member.has_role(role) for role in roles):
        raise Forbidden("没有权限")
    return member


async def hit_mutation_limit(context: Context) -> None:
    """Count one mutation by the signed-in member (signed-out mutations have their per-IP
    limits); ``RateLimitedError`` past ``mutations_per_minute``, shared by every worker. Counted
    by the member's id, however much of the member the request read."""
    member_id = context.viewer_id
    if member_id is None:
        return
    counted, context.counted_mutation = context.counted_mutation, None
    if isinstance(counted, RateLimitedError):
        raise counted
    if counted:
        return
    settings = context.collaborators.settings
    await hit_member_mutations(
        context.collaborators.redis, member_id, settings.mutations_per_minute
    )


async def count_once(context: Context) -> None:
    """``hit_mutation_limit`` for the compiled path, remembering the outcome on the context so
    the general path, should the request go on there, takes this count instead of a second."""
    try:
        await hit_mutation_limit(context)
    except RateLimitedError as refused:
        context.counted_mutation = refused
        raise
    context.counted_mutation = context.viewer_id is not None


def _union_has_rate_limited(field: StrawberryField) -> bool:
    kind = field.type
    return isinstance(kind, StrawberryUnion) and RateLimited in kind.types


class MutationRateLimit(FieldExtension):
    """Counts the mutation against the member's limit before its resolver runs. Past the limit
    nothing runs: the answer is the result union's ``RateLimited`` member where it has one,
    else a top-level error with code RATE_LIMITED and ``retryAfter`` (seconds)."""

    def apply(self, field: StrawberryField) -> None:
        self.typed = _union_has_rate_limited(field)

    async def resolve_async(
        self,
        next_: Callable[..., Awaitable[Any]],
        source: Any,
        info: Info[Context, Any],
        **kwargs: Any,
    ) -> Any:
        try:
            await hit_mutation_limit(info.context)
        except RateLimitedError as error:
            if self.typed:
                return RateLimited(
                    code=error.code,
                    message=error.message,
                    retry_after_seconds=error.retry_after_seconds,
                )
            refused = ClientError(error.message, code=error.code)
            refused.extensions["retryAfter"] = error.retry_after_seconds
            raise refused from error
        return await next_(source, info, **kwargs)


# The mutations a suspended member may still send (by field name): signing out, and those that
# act without a viewer (signing in, registering, rotating a token: the service refuses that one),
# and the member's rights over their own data (a copy of it, deleting the account, consenting
# to a new privacy policy, as the portal's sign-in lets them).
OPEN_TO_SUSPENDED = frozenset(
    {
        "logout",
        "login",
        "register",
        "wechat_login",
        "refresh_token",
        "request_data_export",
        "request_account_deletion",
        "accept_privacy_policy",
    }
)


class RefuseSuspendedMembers(FieldExtension):
    """A signed-in member under a suspension changes nothing: the mutation is refused before its
    resolver runs (and before the rate limit counts it) with a top-level ACCOUNT_SUSPENDED error
    that says until when. On every mutation, so one added later is covered without a line."""

    async def resolve_async(
        self,
        next_: Callable[..., Awaitable[Any]],
        source: Any,
        info: Info[Context, Any],
        **kwargs: Any,
    ) -> Any:
        member = info.context.member
        if member is not None and is_suspended(member, info.context.collaborators.clock.now()):
            raise suspension_refusal(AccountSuspendedError(member.suspended_until))
        return await next_(source, info, **kwargs)


def limit_every_mutation(mutation_type: type) -> None:
    """Puts ``MutationRateLimit`` on every field of ``mutation_type`` that does not count the
    limit itself, and ``RefuseSuspendedMembers`` around it on every field but those in
    ``OPEN_TO_SUSPENDED``; once per field, however often the schema is built."""
    definition: StrawberryObjectDefinition = mutation_type.__strawberry_definition__  # type: ignore[attr-defined]
    for field in definition.fields:
        extensions = field.extensions
        # The last extension listed wraps the others: the suspension check goes on last.
        if not field.metadata.get(SELF_COUNTED) and not any(
            isinstance(e, MutationRateLimit) for e in extensions
        ):
            extensions.append(MutationRateLimit())
        if field.python_name not in OPEN_TO_SUSPENDED and not any(
            isinstance(e, RefuseSuspendedMembers) for e in extensions
        ):
            extensions.append(RefuseSuspendedMembers())
