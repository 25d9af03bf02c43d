"""Registered mutations on the compiled path: the change is the general path's own domain service;
what is compiled is everything around it (strawberry's execution of the result union) and the
payload: for the likes, a read of only the columns the document asks for instead of a whole
post card; for a redemption, the resolver's own outcome shaped as a value.

A write is served here only where a repeat of it is what the general path would answer anyway:
its service makes a second call a no-op or a replay (one like per member, taking back a like
that is not there, a redemption's idempotency key). So whatever the plan does not cover falls
through, before or after the change, and the general path's run is that repeat: no viewer, a
suspended one, an id of another type, a like the service refuses (the union's typed members are
the resolver's to build), a payload the post's rule hides. The mutation is counted against the
member's limit once: the general path takes the count this plan made
(``api/permissions.py::count_once``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLObjectType, GraphQLUnionType

from api.compiled.roots import published_post
from api.compiled.shape import (
    Builder,
    Constant,
    Getter,
    Selected,
    TableScope,
    Value,
    ValueScope,
    dict_builder,
)
from api.compiled.sql import Fallthrough, Run, Statement, Unsupported
from api.errors import as_user_error
from api.permissions import count_once
from api.rewards.mutations.redeem_reward import RedeemRewardResult, redeemed
from domain.collaborators import Collaborators
from domain.errors import DomainError, RateLimitedError
from domain.identity.models import Member
from domain.identity.suspensions import is_suspended
from domain.posts import services
from domain.posts.models import Post
from web.ids import pk_of

Act = Callable[[Collaborators, Member, int], Awaitable[None]]


@dataclass(frozen=True)
class PostWrite:
    """``likePost``/``unlikePost(input: {postId})``: the service, then its success member with
    ``post`` read as ``post(id:)``'s plan reads a published post."""

    success: str  # the result union's success member
    act: Act

    def compile(self, builder: Builder, field: Selected) -> tuple[Any, Getter]:
        success = builder.schema.get_type(self.success)
        if not isinstance(success, GraphQLObjectType):
            raise Unsupported(self.success)
        statement = Statement(Post)
        shape = _success_shape(builder, success, field, statement)
        arguments = field.arguments()
        builder.domain_reads = True  # the service takes its own connections
        builder.member_read = True  # the acting member's row
        act = self.act

        async def fetch(run: Run) -> dict[str, Any]:
            member = _acting_member(run)
            post_id = pk_of(_input(arguments(run)).get("postId"), "Post")
            if post_id is None:
                raise Fallthrough("not a post's id")
            try:
                await count_once(run.context)
                await act(run.context.collaborators, member, post_id)
            except (RateLimitedError, DomainError) as refused:
                raise Fallthrough(refused.code) from refused
            return await published_post(statement, run, post_id)

        return fetch, shape


def _success_shape(
    builder: Builder, success: GraphQLObjectType, field: Selected, statement: Statement
) -> Getter:
    """The success member's selection (through the union's fragments): ``__typename`` and
    ``post``, shaped from the post's row."""
    parts: list[tuple[str, Getter]] = []
    for selected in builder.collect(success, field.nodes):
        if selected.name == "__typename":
            parts.append((selected.key, Constant(success.name)))
        elif selected.name == "post":
            post = builder.object(
                selected.object_type(), selected.nodes, TableScope(statement, "t0", Post)
            )
            parts.append((selected.key, post))
        else:
            raise Unsupported(f"{success.name}.{selected.name}")
    return dict_builder(parts)


def _acting_member(run: Run) -> Member:
    """The signed-in member who may change things; anyone else is the general path's to refuse."""
    member: Member | None = run.member
    if member is None:
        raise Fallthrough("signed out")
    if is_suspended(member, run.context.collaborators.clock.now()):
        raise Fallthrough("suspended")
    return member


def _input(values: dict[str, Any]) -> dict[str, Any]:
    given = values.get("input")
    if not isinstance(given, dict):
        raise Fallthrough("no input")
    return given


Outcome = Callable[[Run, Member, dict[str, Any]], Awaitable[Any]]


@dataclass(frozen=True)
class ResultWrite:
    """A write whose outcome the resolver builds as a strawberry object, its success member or
    a typed refusal: the same function builds it here, and it is shaped as a value for its
    runtime type (the document's fragments on the union's members). A refusal is answered here,
    not left to the general path: the service may have counted limits of its own before it
    refused, and a second run would count them again. What the function returns after its
    change (an unexpected error) falls through, and the general path's run replays the change
    by its idempotency key."""

    outcome: Outcome
    union: Any  # the result's annotated union, for ``as_user_error``

    def compile(self, builder: Builder, field: Selected) -> tuple[Any, Getter]:
        union = field.named_type
        if not isinstance(union, GraphQLUnionType):
            raise Unsupported(f"{field.name} is not a result union")
        shapes: dict[str, tuple[ValueScope, Getter]] = {}
        for kind in builder.schema.get_possible_types(union):
            scope = ValueScope([])
            shapes[kind.name] = (scope, builder.object(kind, field.nodes, scope))
        arguments = field.arguments()
        builder.domain_reads = True
        builder.member_read = True  # the acting member's row
        outcome_of, result = self.outcome, self.union

        async def fetch(run: Run) -> dict[str, Any]:
            member = _acting_member(run)
            given = _input(arguments(run))
            try:
                outcome = await outcome_of(run, member, given)
            except DomainError as refused:
                outcome = as_user_error(refused, result)
            scope, shape = shapes[outcome.__strawberry_definition__.name]
            value = Value(outcome, run.viewer_id, {})
            await scope.fill(run, value)
            shaped: dict[str, Any] = shape(value)
            return shaped

        return fetch, _as_is


def _as_is(shaped: Any) -> Any:
    return shaped


async def _redeem(run: Run, member: Member, given: dict[str, Any]) -> Any:
    reward_id = pk_of(given.get("rewardId"), "Reward")
    if reward_id is None:  # the resolver's field error, before anything is counted
        raise Fallthrough("not a reward's id")
    asked = (reward_id, given["quantity"], given["idempotencyKey"])
    return await redeemed(run.context.collaborators, member, asked, lambda: count_once(run.context))


WRITES: dict[str, PostWrite | ResultWrite] = {
    "likePost": PostWrite("LikePostSuccess", services.like_post),
    "unlikePost": PostWrite("UnlikePostSuccess", services.unlike_post),
    "redeemReward": ResultWrite(_redeem, RedeemRewardResult),
}
