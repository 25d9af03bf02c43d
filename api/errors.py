"""Expected failures as data (union members implementing ``UserError``), and the client errors
that stay top-level (auth, bad cursors); everything else is masked with a request id."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, TypeVar, get_args, get_origin, overload

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaskErrors
from strawberry.relay.types import InvalidGlobalIDError
from typing_extensions import TypeForm, TypeIs

from api.ids import MalformedIdError
from domain.campaigns import errors as campaigns
from domain.errors import DomainError, InvalidInputError, NotFoundError, RateLimitedError
from domain.events import errors as events
from domain.groups import errors as groups
from domain.honours import errors as honours
from domain.identity import errors as identity
from domain.points import errors as points
from domain.posts import errors as posts
from domain.privacy import deletion, export
from domain.products import errors as products
from domain.programme import errors as programme
from domain.rewards import errors as rewards
from domain.safety import errors as safety
from domain.stores import as_busy
from logs import request_id_var
from web.ids import encode_id

log = logging.getLogger("linli.graphql")


class ClientError(Exception):
    """A top-level error the client caused; shown as is, with ``extensions.code``."""

    code = "BAD_USER_INPUT"

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        if code:
            self.code = code
        self.extensions: dict[str, object] = {"code": self.code}


class Unauthenticated(ClientError):
    code = "UNAUTHENTICATED"


class Forbidden(ClientError):
    code = "FORBIDDEN"


@strawberry.interface(description="A failure the client should show or act on.")
class UserError:
    code: str = strawberry.field(description="Stable code programs switch on, e.g. `RATE_LIMITED`.")
    message: str = strawberry.field(description="What went wrong, in Chinese, for people.")


@strawberry.type(description="One invalid input field.")
class FieldError:
    field: str = strawberry.field(description="The input path, e.g. `recipe.steps.2`.")
    message: str = strawberry.field(description="What is wrong with it, in Chinese.")


@strawberry.type(description="The input was refused; nothing changed.")
class InvalidInput(UserError):
    field_errors: list[FieldError] = strawberry.field(description="Each invalid field.")


@strawberry.type(description="Too many attempts; try again after `retryAfterSeconds`.")
class RateLimited(UserError):
    retry_after_seconds: int = strawberry.field(description="Seconds until a retry may succeed.")


@strawberry.type(description="The object does not exist or is not yours.")
class NotFound(UserError):
    pass


@strawberry.type(description="Phone number or password is wrong.")
class InvalidCredentials(UserError):
    pass


@strawberry.type(description="A member with this phone number already exists.")
class PhoneTaken(UserError):
    pass


@strawberry.type(description="No member has this invite code.")
class InvalidInviteCode(UserError):
    pass


@strawberry.type(description="A member cannot invite themselves.")
class SelfReferral(UserError):
    pass


@strawberry.type(description="The token is unknown, expired or revoked; log in again.")
class InvalidToken(UserError):
    pass


@strawberry.type(description="WeChat refused the login code or could not be reached.")
class WechatLoginFailed(UserError):
    pass


@strawberry.type(
    description="Not enough points: `balance` is what the member has, `cost` what it takes."
)
class InsufficientPoints(UserError):
    balance: int = strawberry.field(description="The member's spendable points now.")
    cost: int = strawberry.field(description="The points the action needed.")


@strawberry.type(description="The member has already checked in today (Shanghai calendar day).")
class AlreadyCheckedIn(UserError):
    pass


@strawberry.type(description="The idempotency key was used before for a different request.")
class IdempotencyMismatch(UserError):
    pass


@strawberry.type(
    description="The adjustment is above 1,000 points and waits for a second admin's approval; "
    "nothing changed yet."
)
class AdjustmentPendingApproval(UserError):
    request_id: strawberry.ID = strawberry.field(description="The approval request's ID.")


@strawberry.type(description="The reward has too little stock left for the quantity asked for.")
class RewardSoldOut(UserError):
    pass


@strawberry.type(description="The member would go over the reward's per-member limit.")
class LimitReached(UserError):
    pass


@strawberry.type(description="The redemption was already picked up or cancelled.")
class NotCancellable(UserError):
    pass


@strawberry.type(
    description="The pickup code was already used: the item was handed over (code "
    "`ALREADY_FULFILLED`)."
)
class AlreadyFulfilled(UserError):
    pass


@strawberry.type(
    description="The member cancelled this redemption and got the points back: do not hand the "
    "item over (code `REDEMPTION_CANCELLED`); nothing changed."
)
class RedemptionCancelled(UserError):
    pass


def _plain(kind: type[UserError]) -> Callable[[DomainError], UserError]:
    return lambda error: kind(code=error.code, message=error.message)


@strawberry.type(description="The group is open only to another estate's residents.")
class NotEligible(UserError):
    pass


@strawberry.type(description="A host cannot leave the group they host.")
class HostCannotLeave(UserError):
    pass


@strawberry.type(
    description="The group is archived: readable, but it takes no joins, posts, comments, likes "
    "or events (code `GROUP_ARCHIVED`); nothing changed."
)
class GroupArchived(UserError):
    pass


@strawberry.type(
    description="Another group already has this slug (code `SLUG_TAKEN`); nothing changed."
)
class SlugTaken(UserError):
    pass


@strawberry.type(
    description="Another group already has this name (code `GROUP_NAME_TAKEN`); nothing changed."
)
class GroupNameTaken(UserError):
    pass


@strawberry.type(
    description="A group keeps at least one host: appoint the successor first (code "
    "`LAST_HOST`); nothing changed."
)
class LastHost(UserError):
    pass


@strawberry.type(
    description="The member still hosts groups; HOST is taken away once successors are appointed "
    "and they are removed as host (code `STILL_HOSTS_GROUPS`); nothing changed."
)
class StillHostsGroups(UserError):
    pass


@strawberry.type(
    description="The post's status does not allow this moderation action (code "
    "`INVALID_TRANSITION`); nothing changed."
)
class InvalidTransition(UserError):
    pass


@strawberry.type(
    description="The viewer has already reported this content (code `ALREADY_REPORTED`)."
)
class AlreadyReported(UserError):
    pass


@strawberry.type(
    description="The member already voted for this entry (code `ALREADY_VOTED`); nothing changed."
)
class AlreadyVoted(UserError):
    pass


@strawberry.type(
    description="The member already holds this badge (code `BADGE_ALREADY_HELD`); nothing changed."
)
class BadgeAlreadyHeld(UserError):
    pass


@strawberry.type(
    description="The member has no votes left in this campaign (code `NO_VOTES_LEFT`)."
)
class NoVotesLeft(UserError):
    pass


@strawberry.type(
    description="The campaign is not taking proposals or votes now (code `CAMPAIGN_NOT_OPEN`)."
)
class CampaignNotOpen(UserError):
    pass


@strawberry.type(
    description="Voting has started already or the campaign is closed (code "
    "`VOTING_ALREADY_OPEN`); nothing changed."
)
class VotingAlreadyOpen(UserError):
    pass


@strawberry.type(
    description="The viewer already holds a seat or a waitlist place at this event (code "
    "`ALREADY_REGISTERED`); nothing changed."
)
class AlreadyRegistered(UserError):
    pass


@strawberry.type(
    description="The event has started or ended, so registration is closed (code "
    "`REGISTRATION_CLOSED`)."
)
class RegistrationClosed(UserError):
    pass


@strawberry.type(
    description="The registration was already cancelled, checked in or marked a no-show, or the "
    "event has started (code `NOT_CANCELLABLE`)."
)
class RegistrationNotCancellable(UserError):
    pass


@strawberry.type(
    description="This check-in code was already used: the attendee is checked in and has their "
    "points (code `ALREADY_CHECKED_IN`)."
)
class AttendeeAlreadyCheckedIn(UserError):
    pass


@strawberry.type(
    description="Check-in is open from two hours before the event's start until its end (code "
    "`CHECK_IN_CLOSED`)."
)
class CheckInClosed(UserError):
    pass


@strawberry.type(
    description="Granting ADMIN waits for a second admin (neither the requester nor the member) "
    "to approve `requestId` (code `APPROVAL_REQUIRED`); the member's roles are unchanged yet."
)
class RoleGrantPendingApproval(UserError):
    request_id: strawberry.ID = strawberry.field(description="The `RoleGrantRequest` id.")


@strawberry.type(
    description="A grant is decided by another admin than the one who asked and the member it "
    "concerns (code `FORBIDDEN`); nothing changed."
)
class SecondAdminRequired(UserError):
    pass


@strawberry.type(
    description="Another interest tag already has this name (code `TAG_NAME_TAKEN`); nothing "
    "changed."
)
class TagNameTaken(UserError):
    pass


@strawberry.type(
    description="The reward was retired by the operators: no new redemptions, and it cannot be "
    "edited (code `REWARD_RETIRED`); nothing changed."
)
class RewardRetired(UserError):
    pass


@strawberry.type(
    description="Another product already has this SKU (code `DUPLICATE_SKU`); nothing changed."
)
class DuplicateSku(UserError):
    pass


@strawberry.type(
    description="Some SKUs are not in the catalogue or no longer offered (code `UNKNOWN_SKU`); "
    "nothing changed."
)
class UnknownProducts(UserError):
    skus: list[str] = strawberry.field(description="The SKUs refused, as sent (in capitals).")


@strawberry.type(
    description="A post carries at most 5 products (code `TOO_MANY_PRODUCTS`); nothing changed."
)
class TooManyProducts(UserError):
    pass


@strawberry.type(
    description="The interest tag is retired (or merged), so it cannot be merged or merged into "
    "(code `TAG_RETIRED`); nothing changed."
)
class TagRetired(UserError):
    pass


@strawberry.type(
    description="The estate is archived: its members keep it, but no one newly joins it (code "
    "`ESTATE_ARCHIVED`); nothing changed."
)
class EstateArchived(UserError):
    pass


@strawberry.type(
    description="Estate-only votes and events are for residents verified in the estate (code "
    "`ESTATE_UNVERIFIED`): an order picked up at its pickup point, a host's attestation, or an "
    "invite from a verified neighbour verifies them; nothing changed."
)
class EstateUnverified(UserError):
    pass


@strawberry.type(
    description="The member is verified in their estate already (code `ALREADY_VERIFIED`); "
    "nothing changed."
)
class AlreadyVerified(UserError):
    pass


@strawberry.type(
    description="The event was cancelled: no new registrations, and it cannot be edited (code "
    "`EVENT_CANCELLED`); nothing changed."
)
class EventCancelled(UserError):
    pass


@strawberry.type(
    description="Another admin saved a version of the earn rules since the one edited (code "
    "`RULES_CHANGED`); nothing was saved: read the rules again and redo the change."
)
class RulesChanged(UserError):
    pass


@strawberry.type(
    description="This privacy policy version label was published before (code `VERSION_TAKEN`); "
    "nothing was published."
)
class PolicyVersionTaken(UserError):
    pass


@strawberry.type(
    description="Another estate already has this name (code `ESTATE_NAME_TAKEN`); nothing changed."
)
class EstateNameTaken(UserError):
    pass


@strawberry.type(
    description="The event has ended: it can no longer be edited or cancelled (code "
    "`EVENT_OVER`); nothing changed."
)
class EventOver(UserError):
    pass


@strawberry.type(
    description="The interest tag was merged into another one: it can no longer be renamed or "
    "restored (code `TAG_MERGED`); nothing changed."
)
class TagMerged(UserError):
    pass


@strawberry.type(
    description="The text contains something that may not be published; nothing was stored. The "
    "message names no word: edit the text and try again."
)
class ContentBlocked(UserError):
    pass


@strawberry.type(description="The word is already in the sensitive-word list.")
class SensitiveWordTaken(UserError):
    pass


@strawberry.type(
    description="A private group is joined by a request its hosts decide (`requestToJoinGroup`); "
    "nothing changed."
)
class JoinByRequest(UserError):
    pass


@strawberry.type(description="The group is not private: join it with `joinGroup`.")
class NotPrivateGroup(UserError):
    pass


@strawberry.type(description="The member already belongs to the group; nothing changed.")
class AlreadyMember(UserError):
    pass


@strawberry.type(
    description="A data export is being built already; wait for it (`viewer.dataExport`)."
)
class ExportInProgress(UserError):
    pass


@strawberry.type(
    description="The hosts removed the member less than 30 days ago: no new request until then."
)
class RecentlyRemoved(UserError):
    pass


@strawberry.type(
    description="The join request was answered otherwise already, or expired; nothing changed."
)
class RequestNotPending(UserError):
    pass


@strawberry.type(description="A group's hosts cannot be removed from it; nothing changed.")
class CannotRemoveHost(UserError):
    pass


@strawberry.type(
    description="The account's deletion is already pending; signing in again before "
    "`erasesAt` cancels it."
)
class DeletionPending(UserError):
    erases_at: datetime = strawberry.field(description="When the account will be erased.")


# Each entry takes the error class it is keyed by, hence ``Any`` for its argument.
_TO_GRAPHQL: dict[type[DomainError], Callable[[Any], UserError]] = {
    groups.GroupNotOpenToEstateError: _plain(NotEligible),
    groups.HostCannotLeaveError: _plain(HostCannotLeave),
    groups.GroupArchivedError: _plain(GroupArchived),
    groups.SlugTakenError: _plain(SlugTaken),
    groups.GroupNameTakenError: _plain(GroupNameTaken),
    groups.LastHostError: _plain(LastHost),
    groups.JoinByRequestError: _plain(JoinByRequest),
    groups.NotPrivateGroupError: _plain(NotPrivateGroup),
    groups.AlreadyMemberError: _plain(AlreadyMember),
    groups.RecentlyRemovedError: _plain(RecentlyRemoved),
    groups.RequestNotPendingError: _plain(RequestNotPending),
    groups.CannotRemoveHostError: _plain(CannotRemoveHost),
    InvalidInputError: lambda e: InvalidInput(
        code=e.code,
        message=e.message,
        field_errors=[FieldError(field=f.field, message=f.message) for f in e.field_errors],
    ),
    RateLimitedError: lambda e: RateLimited(
        code=e.code, message=e.message, retry_after_seconds=e.retry_after_seconds
    ),
    NotFoundError: _plain(NotFound),
    identity.InvalidCredentialsError: _plain(InvalidCredentials),
    identity.PhoneTakenError: _plain(PhoneTaken),
    identity.InvalidInviteCodeError: _plain(InvalidInviteCode),
    identity.SelfReferralError: _plain(SelfReferral),
    identity.InvalidTokenError: _plain(InvalidToken),
    identity.WechatCodeError: _plain(WechatLoginFailed),
    identity.WechatUnavailableError: _plain(WechatLoginFailed),
    identity.EstateChangeDecidedError: _plain(InvalidTransition),
    identity.RoleGrantDecidedError: _plain(InvalidTransition),
    identity.SecondAdminRequiredError: _plain(SecondAdminRequired),
    identity.StillHostsGroupsError: _plain(StillHostsGroups),
    identity.RoleGrantPendingError: lambda e: RoleGrantPendingApproval(
        code=e.code,
        message=e.message,
        request_id=strawberry.ID(encode_id("RoleGrantRequest", e.request_id)),
    ),
    identity.EstateArchivedError: _plain(EstateArchived),
    identity.EstateUnverifiedError: _plain(EstateUnverified),
    identity.AlreadyVerifiedError: _plain(AlreadyVerified),
    identity.EstateNameTakenError: _plain(EstateNameTaken),
    points.InsufficientPointsError: lambda e: InsufficientPoints(
        code=e.code, message=e.message, balance=e.balance, cost=e.cost
    ),
    points.AlreadyCheckedInError: _plain(AlreadyCheckedIn),
    points.IdempotencyMismatchError: _plain(IdempotencyMismatch),
    points.ApprovalRequiredError: lambda e: AdjustmentPendingApproval(
        code=e.code,
        message=e.message,
        request_id=strawberry.ID(encode_id("AdjustmentRequest", e.request_id)),
    ),
    rewards.RewardSoldOutError: _plain(RewardSoldOut),
    rewards.LimitReachedError: _plain(LimitReached),
    rewards.NotCancellableError: _plain(NotCancellable),
    rewards.AlreadyFulfilledError: _plain(AlreadyFulfilled),
    rewards.RedemptionCancelledError: _plain(RedemptionCancelled),
    rewards.RewardRetiredError: _plain(RewardRetired),
    products.DuplicateSkuError: _plain(DuplicateSku),
    products.UnknownProductError: lambda e: UnknownProducts(
        code=e.code, message=e.message, skus=list(e.skus)
    ),
    products.TooManyProductsError: _plain(TooManyProducts),
    posts.InvalidTransitionError: _plain(InvalidTransition),
    posts.AlreadyReportedError: _plain(AlreadyReported),
    campaigns.AlreadyVotedError: _plain(AlreadyVoted),
    campaigns.NoVotesLeftError: _plain(NoVotesLeft),
    campaigns.NotEligibleError: _plain(NotEligible),
    campaigns.CampaignNotOpenError: _plain(CampaignNotOpen),
    campaigns.VotingAlreadyOpenError: _plain(VotingAlreadyOpen),
    campaigns.InvalidEntryTransitionError: _plain(InvalidTransition),
    events.AlreadyRegisteredError: _plain(AlreadyRegistered),
    events.RegistrationClosedError: _plain(RegistrationClosed),
    events.NotCancellableError: _plain(RegistrationNotCancellable),
    events.AttendeeAlreadyCheckedInError: _plain(AttendeeAlreadyCheckedIn),
    events.CheckInClosedError: _plain(CheckInClosed),
    events.NotCheckableError: _plain(NotEligible),
    programme.RulesChangedError: _plain(RulesChanged),
    programme.PolicyVersionTakenError: _plain(PolicyVersionTaken),
    events.EventCancelledError: _plain(EventCancelled),
    events.EventOverError: _plain(EventOver),
    identity.TagNameTakenError: _plain(TagNameTaken),
    identity.TagRetiredError: _plain(TagRetired),
    identity.TagMergedError: _plain(TagMerged),
    honours.BadgeAlreadyHeldError: _plain(BadgeAlreadyHeld),
    safety.ContentBlockedError: _plain(ContentBlocked),
    safety.SensitiveWordTakenError: _plain(SensitiveWordTaken),
    export.ExportInProgressError: _plain(ExportInProgress),
    deletion.DeletionAlreadyPendingError: lambda e: DeletionPending(
        code=e.code, message=e.message, erases_at=e.due_at
    ),
}


def suspension_refusal(error: identity.AccountSuspendedError) -> ClientError:
    """Top-level ACCOUNT_SUSPENDED, the end as ``suspendedUntil`` (ISO 8601; null only on an
    open-ended suspension from before end dates were required)."""
    refused = ClientError(error.message, code=error.code)
    refused.extensions["suspendedUntil"] = error.until.isoformat() if error.until else None
    return refused


Outcome = TypeVar("Outcome")


@overload
def as_user_error(error: DomainError, result: TypeForm[Outcome]) -> Outcome: ...
@overload
def as_user_error(error: DomainError) -> Any: ...
def as_user_error(error: DomainError, result: TypeForm[Outcome] | None = None) -> object:
    """The union member for a domain outcome, one of the mutation's ``result`` union: an error
    with no member, or whose member the union lacks, is a bug and is re-raised. A suspended
    member is refused top-level, as the mutation guard refuses them (api/permissions). Without
    ``result`` the member is not checked (the segments' mutations, until their restructuring)."""
    if isinstance(error, identity.AccountSuspendedError):
        raise suspension_refusal(error) from error
    outcome = _member_for(error)
    if result is None or _is_member(outcome, result):
        return outcome
    raise error


def _member_for(error: DomainError) -> UserError:
    for kind in type(error).__mro__:
        if kind in _TO_GRAPHQL:
            return _TO_GRAPHQL[kind](error)
    raise error


def _is_member(outcome: object, result: TypeForm[Outcome]) -> TypeIs[Outcome]:
    """Whether ``outcome`` is a member of ``result``: a strawberry union
    (``Annotated[A | B, strawberry.union(...)]``), a plain union or one type."""
    form: object = get_args(result)[0] if get_origin(result) is Annotated else result
    members: tuple[Any, ...] = get_args(form) or (form,)
    return isinstance(outcome, members)


_CLIENT_FAULTS = (ClientError, GraphQLError, InvalidGlobalIDError, MalformedIdError)


def _is_unexpected(error: GraphQLError) -> bool:
    original = error.original_error
    return original is not None and not isinstance(original, _CLIENT_FAULTS)


MASKED_MESSAGE = "Unexpected error."


def masked_error(error: BaseException | None = None) -> GraphQLError:
    """What a client sees of a failure outside a resolver: SERVICE_BUSY (retryable) when a store
    timed out or is away, else the masked message; both with the request id to quote."""
    busy = as_busy(error)
    if busy is not None:
        return GraphQLError(
            busy.message,
            extensions={"code": busy.code, "retryable": True, "requestId": request_id_var.get()},
        )
    return GraphQLError(
        MASKED_MESSAGE,
        extensions={"code": "INTERNAL_SERVER_ERROR", "requestId": request_id_var.get()},
    )


def request_error_body(message: str, code: str = "BAD_REQUEST") -> dict[str, Any]:
    """The GraphQL error body of a request refused before it is parsed as GraphQL."""
    return {"errors": [{"message": message, "extensions": {"code": code}}]}


def _refusal_code(error: GraphQLError) -> str:
    """Variables that do not fit their types are the client's input; anything else graphql-core
    refuses before execution is a document that does not validate against the schema."""
    if error.message.startswith("Variable '$"):
        return "BAD_USER_INPUT"
    return "GRAPHQL_VALIDATION_FAILED"


def log_errors(errors: list[GraphQLError]) -> None:
    """What the schema logs of an operation's errors: a refusal the client caused is routine
    (INFO, no traceback); an unexpected failure was already logged at ERROR when it was masked."""
    for error in errors:
        if not _is_unexpected(error):
            log.info("refused: %s (%s)", error.message, (error.extensions or {}).get("code"))


class MaskUnexpectedErrors(MaskErrors):
    """Masks only unexpected exceptions, logs them, and tells the client the request id."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=_is_unexpected, error_message=MASKED_MESSAGE)

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        for error in errors:
            if isinstance(error.original_error, InvalidGlobalIDError):
                error.extensions = {"code": "BAD_USER_INPUT"}
            elif not _is_unexpected(error) and not (error.extensions or {}).get("code"):
                # graphql-core's own refusals (a document that does not validate, a variable
                # of the wrong type) carry no code: every refusal a client sees has one.
                error.extensions = {**(error.extensions or {}), "code": _refusal_code(error)}
        return super()._process_errors(errors)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        request_id = request_id_var.get()
        busy = as_busy(error.original_error)
        if busy is not None:  # a store timed out or is away: typed, retryable, not a bug
            log.warning("store busy in %s: %r", ".".join(map(str, error.path or [])), error)
            masked = super().anonymise_error(error)
            masked.message = busy.message
            masked.extensions = {"code": busy.code, "retryable": True, "requestId": request_id}
            return masked
        log.error(
            "unexpected error in %s",
            ".".join(map(str, error.path or [])),
            exc_info=error.original_error,
        )
        masked = super().anonymise_error(error)
        masked.extensions = {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id}
        return masked
