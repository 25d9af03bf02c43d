"""Points actions: the one way points appear (``award_points``), check-in, admin adjustments."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.exceptions import IntegrityError

from domain.aftercommit import after_commit, atomic
from domain.audit import record_change
from domain.collaborators import Collaborators
from domain.errors import FieldError, InvalidInputError, NotFoundError
from domain.facts import announce
from domain.identity.models import Member, Role
from domain.identity.policies import require_role
from domain.points import leaderboard
from domain.points.accounts import already_applied, credit, debit, lock_account
from domain.points.errors import (
    AlreadyCheckedInError,
    ApprovalRequiredError,
    IdempotencyMismatchError,
    SameAdminError,
)
from domain.points.facts import CheckedIn
from domain.points.ledger import (
    APPROVAL_THRESHOLD,
    RULES,
    capped_grant,
    next_streak,
    pending_days,
    rule_amount,
)
from domain.points.models import (
    AdjustmentRequest,
    CheckIn,
    DailyContribution,
    LedgerEntry,
    LedgerReason,
)
from domain.programme.queries import current_programme_rules
from domain.programme.rules import ProgrammeRuleSet


async def award_points(
    c: Collaborators,
    member_id: int,
    rule_name: str,
    ref: str,
    amount: int | None = None,
    rules: ProgrammeRuleSet | None = None,
) -> LedgerEntry | None:
    """Apply an earn rule once per (rule, member, ref); returns None when it was applied before.
    The amount, the daily cap and the expiry are those of the rule version in force now (read
    in this transaction, or ``rules`` when the caller read it in its own), and the entry names
    that version. Contribution rules share a daily cap: what does not fit is a 0-point entry."""
    rule = RULES[rule_name]
    key = f"{rule_name}:{member_id}:{ref}"
    now = c.clock.now()
    async with atomic():
        account = await lock_account(member_id, now)
        if await already_applied(key):
            return None
        if rules is None:
            rules = await current_programme_rules()
        points = rule_amount(rules, rule_name) if amount is None else amount
        description = rule.description
        if rule.capped:
            granted = await _within_daily_cap(c, member_id, points, rules.daily_contribution_cap)
            if granted < points:
                description = f"{rule.description}（今日贡献积分已达上限）"
            points = granted
        entry = await credit(
            account,
            points,
            rule.reason,
            description,
            key,
            now,
            rules,
            pending_days=pending_days(rules, rule_name),
        )
        _bump_leaderboard(c, member_id, points, entry)
    return entry


async def _within_daily_cap(c: Collaborators, member_id: int, points: int, cap: int) -> int:
    today = c.clock.today()
    await DailyContribution.bulk_create(
        [DailyContribution(member_id=member_id, day=today)], ignore_conflicts=True
    )
    daily = await DailyContribution.get(member_id=member_id, day=today)
    granted = capped_grant(daily.points, points, cap)
    if granted:
        daily.points += granted
        await daily.save(update_fields=["points"])
    return granted


def _bump_leaderboard(c: Collaborators, member_id: int, points: int, entry: LedgerEntry) -> None:
    if points > 0 and entry.reason in leaderboard.EARNING_REASONS:
        at = entry.created_at
        after_commit(
            lambda: leaderboard.record_earned(c.redis, member_id, points, at),
            lambda: leaderboard.doubt_earned(c.redis, at),
        )


@dataclass(frozen=True)
class CheckInResult:
    points_awarded: int
    streak: int
    balance: int


async def check_in(c: Collaborators, member: Member) -> CheckInResult:
    """签到: once per Shanghai calendar day; the daily points, and the streak bonus on every 7th
    day in a row (amounts and streak length of the rule version in force)."""
    today = c.clock.today()
    try:
        async with atomic():
            await lock_account(member.id, c.clock.now())
            rules = await current_programme_rules()
            last = await CheckIn.filter(member_id=member.id).order_by("-day").first()
            if last is not None and last.day == today:
                raise AlreadyCheckedInError()
            streak = next_streak(last.day if last else None, last.streak if last else 0, today)
            points = rules.check_in_points(streak)
            record = await CheckIn.create(
                member_id=member.id,
                day=today,
                streak=streak,
                points=points,
                created_at=c.clock.now(),
            )
            entry = await award_points(c, member.id, "check_in", today.isoformat(), points, rules)
            if entry is not None and entry.amount != points:  # the daily cap took some
                record.points = entry.amount
                await record.save(update_fields=["points"])
            announce(c, CheckedIn(member_id=member.id, streak=streak))
    except IntegrityError as error:  # a concurrent check-in of the same day won
        raise AlreadyCheckedInError() from error
    awarded = entry.amount if entry else 0
    return CheckInResult(awarded, streak, entry.balance_after if entry else 0)


async def adjust_points(
    c: Collaborators, admin: Member, member_id: int, amount: int, reason: str, key: str
) -> LedgerEntry:
    """An admin correction with a reason; above 1,000 points it waits for a second admin."""
    require_role(admin, Role.ADMIN)
    reason = reason.strip()
    errors = []
    if amount == 0:
        errors.append(FieldError("amount", "调整积分不能为 0"))
    if not 2 <= len(reason) <= 120:
        errors.append(FieldError("reason", "请填写 2–120 字的调整原因"))
    if not 8 <= len(key) <= 64:
        errors.append(FieldError("idempotencyKey", "请求编号应为 8–64 个字符"))
    if errors:
        raise InvalidInputError(errors)
    if not await Member.filter(id=member_id).exists():
        raise NotFoundError()
    scoped_key = f"adjust:{key}"
    existing = await LedgerEntry.get_or_none(idempotency_key=scoped_key)
    if existing is not None:
        if (existing.member_id, existing.amount) != (member_id, amount):
            raise IdempotencyMismatchError()
        return existing
    if abs(amount) > APPROVAL_THRESHOLD:
        request = await _request_adjustment(c, admin, member_id, amount, reason, scoped_key)
        if (request.member_id, request.amount) != (member_id, amount):
            raise IdempotencyMismatchError()
        raise ApprovalRequiredError(request.id)
    adjustment = Adjustment(member_id, amount, reason, scoped_key)
    return await _apply_adjustment(c, admin, adjustment, "POINTS_ADJUSTED")


async def _request_adjustment(
    c: Collaborators, admin: Member, member_id: int, amount: int, reason: str, key: str
) -> AdjustmentRequest:
    """The request waiting for a second admin, audited when this call made it (a replayed key
    finds the one it made before)."""
    now = c.clock.now()
    async with atomic():
        request, created = await AdjustmentRequest.get_or_create(
            idempotency_key=key,
            defaults={
                "member_id": member_id,
                "amount": amount,
                "reason": reason,
                "requested_by": admin,
                "created_at": now,
            },
        )
        if created:
            await record_change(
                actor_id=admin.id,
                action="POINTS_ADJUSTMENT_REQUESTED",
                target_type="MEMBER",
                target_id=member_id,
                now=now,
                after={"amount": amount, "adjustment_request_id": request.id},
                reason=reason,
            )
    return request


async def approve_adjustment(c: Collaborators, admin: Member, request_id: int) -> LedgerEntry:
    require_role(admin, Role.ADMIN)
    request = await AdjustmentRequest.get_or_none(id=request_id)
    if request is None:
        raise NotFoundError()
    if request.requested_by_id == admin.id:
        raise SameAdminError()
    async with atomic():
        decided = await AdjustmentRequest.filter(id=request_id, approved_by_id__isnull=True).update(
            approved_by_id=admin.id, decided_at=c.clock.now()
        )
        if not decided:
            return await LedgerEntry.get(idempotency_key=request.idempotency_key)
        adjustment = Adjustment(
            request.member_id,
            request.amount,
            request.reason,
            request.idempotency_key,
            request_id=request_id,
            requested_by_id=request.requested_by_id,
        )
        entry = await _apply_adjustment(c, admin, adjustment, "POINTS_ADJUSTMENT_APPROVED")
        await AdjustmentRequest.filter(id=request_id).update(entry_id=entry.id)
    return entry


@dataclass(frozen=True)
class Adjustment:
    """An adjustment about to be applied; ``request_id`` when a second admin approved it."""

    member_id: int
    amount: int
    reason: str
    key: str
    request_id: int | None = None
    requested_by_id: int | None = None


async def _apply_adjustment(
    c: Collaborators, admin: Member, adjustment: Adjustment, action: str
) -> LedgerEntry:
    """The ledger entry, audited with the balance before and after: the entry itself does not
    say which admin made it (nor, for an approved request, who asked)."""
    now = c.clock.now()
    member_id, amount, key = adjustment.member_id, adjustment.amount, adjustment.key
    description = f"运营调整：{adjustment.reason}"[:120]
    async with atomic():
        account = await lock_account(member_id, now)
        existing = await LedgerEntry.get_or_none(idempotency_key=key)
        if existing is not None:
            return existing
        balance = account.balance
        if amount > 0:  # a new lot: it expires as the version in force says
            rules = await current_programme_rules()
            entry = await credit(
                account, amount, LedgerReason.ADJUSTMENT, description, key, now, rules
            )
        else:
            entry = await debit(account, -amount, LedgerReason.ADJUSTMENT, description, key, now)
        await record_change(
            actor_id=admin.id,
            action=action,
            target_type="MEMBER",
            target_id=member_id,
            now=now,
            before={"balance": balance},
            after={"balance": entry.balance_after, **_adjustment_values(adjustment, entry)},
            reason=adjustment.reason,
        )
    return entry


def _adjustment_values(adjustment: Adjustment, entry: LedgerEntry) -> dict[str, int]:
    values = {"amount": adjustment.amount, "ledger_entry_id": entry.id}
    if adjustment.request_id is not None and adjustment.requested_by_id is not None:
        values["adjustment_request_id"] = adjustment.request_id
        values["requested_by_id"] = adjustment.requested_by_id
    return values
