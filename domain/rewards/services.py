"""Points-mall actions: create and restock rewards, redeem, cancel, fulfil by pickup code."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from tortoise.expressions import F

from domain.aftercommit import atomic
from domain.audit import record_change, snapshot
from domain.collaborators import Collaborators
from domain.columns import column
from domain.errors import (
    FieldError,
    InvalidInputError,
    NotFoundError,
    ServiceBusyError,
)
from domain.facts import announce
from domain.identity.models import Member, Role
from domain.identity.policies import require_role
from domain.identity.suspensions import refuse_if_suspended
from domain.media.services import find_own_image_url
from domain.points.accounts import lock_account, refund, spend
from domain.points.errors import IdempotencyMismatchError
from domain.points.models import LedgerEntry, LedgerReason
from domain.ratelimit import Limit, hit_all
from domain.rewards import queries, rules
from domain.rewards.errors import (
    AlreadyFulfilledError,
    LimitReachedError,
    NotCancellableError,
    RedemptionCancelledError,
    RewardRetiredError,
    RewardSoldOutError,
)
from domain.rewards.facts import RedemptionReserved
from domain.rewards.models import (
    IdempotencyRecord,
    Redemption,
    RedemptionCounter,
    RedemptionStatus,
    Reward,
    RewardRestock,
)
from domain.webhooks.models import EventKind
from domain.webhooks.outbox import enqueue
from domain.written import built, by_unique, columns, db_value, mark, rows


@dataclass(frozen=True)
class NewReward:
    name: str
    description: str
    cost_points: int
    stock: int
    per_member_limit: int | None = None
    available_from: datetime | None = None
    available_until: datetime | None = None
    image_id: int | None = None  # an image the admin uploaded (POST /api/uploads)


# What a reward's creation records in the audit log.
CREATED_FIELDS = (
    "name",
    "description",
    "image_url",
    "cost_points",
    "stock",
    "per_member_limit",
    "available_from",
    "available_until",
)


async def create_reward(c: Collaborators, admin: Member, new: NewReward) -> Reward:
    require_role(admin, Role.ADMIN)
    errors = rules.reward_field_errors(
        new.name,
        new.description,
        new.cost_points,
        new.stock,
        new.per_member_limit,
        new.available_from,
        new.available_until,
    )
    image_url = None
    if new.image_id is not None:
        image_url = await find_own_image_url(c, admin, new.image_id)
        if image_url is None:
            errors.insert(0, FieldError("imageId", "图片不存在"))
    if errors:
        raise InvalidInputError(errors)
    async with atomic():
        reward = await Reward.create(
            name=new.name.strip(),
            description=new.description.strip(),
            image_url=image_url,
            cost_points=new.cost_points,
            stock=new.stock,
            initial_stock=new.stock,
            per_member_limit=new.per_member_limit,
            available_from=new.available_from,
            available_until=new.available_until,
            created_at=c.clock.now(),
        )
        await record_change(
            actor_id=admin.id,
            action="REWARD_CREATED",
            target_type="REWARD",
            target_id=reward.id,
            now=reward.created_at,
            after=snapshot(reward, CREATED_FIELDS),
        )
    return reward


async def restock_reward(c: Collaborators, admin: Member, reward_id: int, quantity: int) -> Reward:
    require_role(admin, Role.ADMIN)
    if not 1 <= quantity <= 1_000_000:
        raise InvalidInputError.single("quantity", "补货数量应在 1 到 1,000,000 之间")
    async with atomic():
        if not await Reward.filter(id=reward_id).update(stock=F("stock") + quantity):
            raise NotFoundError()
        now = c.clock.now()
        await RewardRestock.create(
            reward_id=reward_id, quantity=quantity, restocked_by=admin, created_at=now
        )
        # Read under the row lock the update took: the stock this restock started from is exact.
        reward = await Reward.get(id=reward_id)
        await record_change(
            actor_id=admin.id,
            action="REWARD_RESTOCKED",
            target_type="REWARD",
            target_id=reward_id,
            now=now,
            before={"stock": reward.stock - quantity},
            after={"stock": reward.stock},
        )
    return reward


LimitCounter = Callable[[], Awaitable[None]]


async def redeem_reward(
    c: Collaborators,
    member: Member,
    reward_id: int,
    quantity: int,
    idempotency_key: str,
    count_limits: LimitCounter | None = None,
) -> Redemption:
    """Debit, stock and redemption in one transaction; a replayed key returns the first result.

    Order: the key is claimed, or its record answers a replay → the limits are counted (the
    per-minute redemption limit, and ``count_limits`` when the caller has more) → the redemption
    is made. A retry is answered from its record before any limit is counted, never
    RATE_LIMITED, and one that arrives while the first request is still in flight waits for it
    on the key and answers its result; a refused limit rolls the claim back. An edit of the
    reward's cost between its read and its stock update undoes the transaction, which is made
    again at the new cost (the limits counted once), holding the reward's row from its read: no
    later edit undoes it again, it waits for the commit."""
    errors = rules.redemption_field_errors(quantity, idempotency_key)
    if errors:
        raise InvalidInputError(errors)
    key, fingerprint = _record_key(member, idempotency_key), _fingerprint(reward_id, quantity)
    counting, locked = True, False
    for _ in range(_ATTEMPTS):
        try:
            async with atomic():
                now = c.clock.now()
                record = await _claim(key, member.id, fingerprint, now)
                if record.result_ref is not None:  # recorded: nothing of this block is kept
                    raise _Recorded(record)
                refuse_if_suspended(member, now)
                if counting:
                    await _count_limits(c, member, count_limits)
                    counting = False
                redemption = await _redeem(c, member, reward_id, quantity, key, record, locked)
                announce(c, _reserved(redemption))
            return redemption
        except _TermsChanged:
            locked = True
        except _Recorded as recorded:
            return await _replay(recorded.record, fingerprint)
    raise ServiceBusyError()


# A redemption is made again once when the reward's cost changed under it, then with the
# reward's row held from its read, which no edit can change before the commit (SQLite runs one
# writing transaction at a time, so there the first attempt's read holds).
_ATTEMPTS = 2


class _TermsChanged(Exception):
    """The reward no longer costs what this redemption read and debited."""


class _Recorded(Exception):
    """The key's record was committed by an earlier request: its redemption is the answer."""

    def __init__(self, record: IdempotencyRecord) -> None:
        super().__init__(record.key)
        self.record = record


# A client retries a write within minutes, hours at most: its key is answered for a day, then
# purged by the due jobs. The spend's ledger entry keeps the key, so a key reused after that is
# refused by the ledger's unique key (as an unexpected error), not answered and not redeemed.
IDEMPOTENCY_RETENTION = timedelta(hours=24)


async def purge_idempotency_records(now: datetime) -> int:
    """Drop the keys of writes older than ``IDEMPOTENCY_RETENTION``; returns how many."""
    return await IdempotencyRecord.filter(created_at__lt=now - IDEMPOTENCY_RETENTION).delete()


def _event(redemption: Redemption) -> dict[str, Any]:
    """What a webhook tells of a redemption (never its pickup code)."""
    return {
        "redemption_id": redemption.id,
        "member_id": redemption.member_id,
        "reward_id": redemption.reward_id,
        "quantity": redemption.quantity,
        "points_spent": redemption.points_spent,
    }


def _reserved(redemption: Redemption) -> RedemptionReserved:
    return RedemptionReserved(
        redemption_id=redemption.id,
        member_id=redemption.member_id,
        reward_name=redemption.reward.name,
        quantity=redemption.quantity,
        pickup_code=redemption.pickup_code,
    )


def _record_key(member: Member, idempotency_key: str) -> str:
    return f"redeem:{member.id}:{idempotency_key}"


def _fingerprint(reward_id: int, quantity: int) -> str:
    return rules.request_hash("redeem", reward_id, quantity)


async def _count_limits(c: Collaborators, member: Member, more: LimitCounter | None) -> None:
    per_minute = c.settings.limits.redemptions_per_minute
    await hit_all(c.redis, [(Limit("redeem", per_minute, 60), str(member.id))])
    if more is not None:
        await more()


async def _replay(record: IdempotencyRecord, fingerprint: str) -> Redemption:
    """The redemption a key's committed ``record`` made; a key recorded for another request is
    refused."""
    if record.request_hash != fingerprint:
        raise IdempotencyMismatchError()
    return await Redemption.get(id=record.result_ref).select_related("reward")


# The key's claim, or its committed record when it has one: the insert does nothing on a key in
# use (waiting for an uncommitted holder), and the same statement reads a record committed
# before it began. PostgreSQL's statement does both; SQLite, one writer at a time, reads after.
_CLAIM = (
    'INSERT INTO "idempotency_record" ("key", "member_id", "operation", "request_hash", '
    '"created_at") VALUES ({p}1, {p}2, {p}3, {p}4, {p}5) ON CONFLICT ("key") DO NOTHING '
    "RETURNING {columns}"
)
_CLAIM_OR_RECORD = (
    'WITH "claimed" AS ({claim}) SELECT * FROM "claimed" '
    'UNION ALL SELECT {columns} FROM "idempotency_record" WHERE "key" = $1 '
    'AND NOT EXISTS (SELECT 1 FROM "claimed")'
)


@cache
def _claim_sql(p: str) -> str:
    claim = _CLAIM.format(p=p, columns=columns(IdempotencyRecord))
    if p != "$":
        return claim
    return _CLAIM_OR_RECORD.format(claim=claim, columns=columns(IdempotencyRecord))


async def _claim(key: str, member_id: int, fingerprint: str, now: datetime) -> IdempotencyRecord:
    """The key's record: claimed by this transaction (no result yet), or committed by another
    request, which this one answers as. A holder that committed while the insert waited for it
    is not in that statement's snapshot: the next statement reads it."""
    created = db_value(IdempotencyRecord, "created_at", now)
    values = [key, member_id, "redeem", fingerprint, created]
    found = await rows(_claim_sql(mark()), values)
    record = built(IdempotencyRecord, found[0]) if found else None
    record = record or await by_unique(IdempotencyRecord, "key", key)
    if record is None:  # never: the insert did nothing only because the key was in use
        raise LookupError(key)
    return record


async def _redeem(
    c: Collaborators,
    member: Member,
    reward_id: int,
    quantity: int,
    key: str,
    record: IdempotencyRecord,
    locked: bool = False,
) -> Redemption:
    """Every write of a redemption, the stock last. The reward's row is the one all redemptions
    of it queue on, so it is locked for one round trip and the commit rather than for the whole
    redemption: its terms are read without a lock, and the stock's conditional update (open
    now, not retired, enough stock, the cost debited) decides at the end; 0 rows undo the
    transaction with the reason (a changed cost makes it again), and the per-member limit is
    counted as the locked row says. Lock order, as in ``cancel_redemption``: idempotency record
    → points account → lots → reward → the member's counter for it.

    ``locked`` (made again after a cost change): the account, then the reward's row, are locked
    before the read, so the cost read is the cost at commit. The lots then come after the
    reward, out of the order above, which cannot deadlock: a member's lots are drawn only under
    their account's lock, held here first."""
    now = c.clock.now()
    if locked:
        seen = await _locked_reward(member.id, reward_id, now)
    else:
        seen = await by_unique(Reward, "id", reward_id)
    if seen is None or not _open(seen, quantity, now):
        raise await _refusal(reward_id, quantity, now)
    cost = seen.cost_points * quantity
    entry = await spend(
        member.id, cost, LedgerReason.REDEMPTION, f"兑换「{seen.name}」×{quantity}", key, now
    )
    redemption = await _reserve(member.id, reward_id, quantity, cost, entry.id, now, record)
    await enqueue(EventKind.REDEMPTION_CREATED, _event(redemption), now)
    reward = await _take_stock(seen, quantity, now)
    if reward is None:
        raise await _refusal(reward_id, quantity, now)
    if reward.per_member_limit is not None:
        await _count_against_limit(member.id, reward_id, quantity, reward.per_member_limit)
    redemption.reward = reward  # read under this redemption's row lock: its stock is current
    return redemption


async def _locked_reward(member_id: int, reward_id: int, now: datetime) -> Reward | None:
    """The reward's row locked until commit, the member's account locked before it. FOR NO KEY
    UPDATE: an edit (FOR UPDATE, or its UPDATE) waits for it, while the redemptions in flight,
    whose inserts hold the row FOR KEY SHARE until they commit, neither block it nor queue
    behind it (FOR UPDATE would wait for all of them, and for those that keep arriving)."""
    await lock_account(member_id, now)
    return await Reward.filter(id=reward_id).select_for_update(no_key=True).first()


def _open(reward: Reward, quantity: int, now: datetime) -> bool:
    """What the stock update will require of the row, judged on a read (to refuse early)."""
    return (
        reward.retired_at is None
        and rules.is_available(reward.active, reward.available_from, reward.available_until, now)
        and reward.stock >= quantity
    )


# The stock update's condition: ``queries.open_for_redemption``, enough stock, and the cost the
# redemption debited, written once (the statement runs on every redemption).
@cache
def _take_stock_sql(p: str) -> str:
    return (
        f'UPDATE "reward" SET "stock" = "stock" - {p}1 '  # noqa: S608
        f'WHERE "id" = {p}2 AND "stock" >= {p}1 AND {queries.open_for_redemption(p, 3)} '
        f'AND "cost_points" = {p}4 '
        f"RETURNING {columns(Reward)}"
    )


async def _take_stock(seen: Reward, quantity: int, now: datetime) -> Reward | None:
    """The reward with ``quantity`` taken from its stock, or None when it is not open now, has
    too little, or no longer costs what ``seen`` did: the update and the read under its lock in
    one round trip (the per-member limit is then counted as the locked row says)."""
    sql = _take_stock_sql(mark())
    values = [quantity, seen.id, db_value(Reward, "available_from", now), seen.cost_points]
    taken = await rows(sql, values)
    return built(Reward, taken[0]) if taken else None


_RESERVE = (
    'INSERT INTO "redemption" ("member_id", "reward_id", "quantity", "points_spent", "status", '
    '"pickup_code", "spend_entry_id", "created_at") '
    "VALUES ({p}1, {p}2, {p}3, {p}4, {p}5, {p}6, {p}7, {p}8) "
    'ON CONFLICT ("pickup_code") DO NOTHING RETURNING {columns}'
)


# PostgreSQL notes the redemption on its key in the statement that makes it.
_RESERVE_NOTED = (
    'WITH "made" AS ({reserve}), '
    '"noted" AS (UPDATE "idempotency_record" k SET "result_ref" = "made"."id" FROM "made" '
    'WHERE k."id" = $9) '
    'SELECT * FROM "made"'
)


async def _reserve(
    member_id: int,
    reward_id: int,
    quantity: int,
    cost: int,
    entry_id: int,
    now: datetime,
    record: IdempotencyRecord,
) -> Redemption:
    """The redemption with a pickup code no other holds, noted on its key's ``record``: a drawn
    code already in use inserts nothing (the unique index decides, waiting for an uncommitted
    holder) and another is drawn."""
    p = mark()
    reserve = _RESERVE.format(p=p, columns=columns(Redemption))
    noted = p == "$"
    sql = _RESERVE_NOTED.format(reserve=reserve) if noted else reserve
    created = db_value(Redemption, "created_at", now)
    for _ in range(10):
        values = [
            member_id,
            reward_id,
            quantity,
            cost,
            RedemptionStatus.RESERVED.value,
            rules.new_pickup_code(),
            entry_id,
            created,
            *([record.id] if noted else []),
        ]
        made = await rows(sql, values)
        if made:
            redemption = built(Redemption, made[0])
            record.result_ref = redemption.id
            if not noted:
                await record.save(update_fields=["result_ref"])
            return redemption
    raise RuntimeError("no free pickup code after 10 draws")


async def _refusal(reward_id: int, quantity: int, now: datetime) -> Exception:
    """Why the stock update took nothing: retired, not open now (or no such reward), sold out;
    else the cost changed since the redemption read it (it is made again)."""
    reward = await Reward.get_or_none(id=reward_id)
    if reward is not None and reward.retired_at is not None:
        return RewardRetiredError()
    if reward is None or not rules.is_available(
        reward.active, reward.available_from, reward.available_until, now
    ):
        return NotFoundError("这件好物不存在或未在兑换期")
    if reward.stock < quantity:
        return RewardSoldOutError()
    return _TermsChanged()


async def _count_against_limit(member_id: int, reward_id: int, quantity: int, limit: int) -> None:
    await RedemptionCounter.bulk_create(
        [RedemptionCounter(member_id=member_id, reward_id=reward_id)], ignore_conflicts=True
    )
    counted = await RedemptionCounter.filter(
        member_id=member_id, reward_id=reward_id, count__lte=limit - quantity
    ).update(count=F("count") + quantity)
    if not counted:
        raise LimitReachedError(f"每人限兑 {limit} 件")


async def cancel_redemption(c: Collaborators, member: Member, redemption_id: int) -> Redemption:
    """Before fulfilment only: points come back to the lots they left, stock goes back."""
    redemption = await Redemption.get_or_none(id=redemption_id, member_id=member.id)
    if redemption is None:
        raise NotFoundError()
    now = c.clock.now()
    async with atomic():
        # The lock order of a redemption: the account, then the reward, then the counter.
        won = await Redemption.filter(id=redemption_id, status=RedemptionStatus.RESERVED).update(
            status=RedemptionStatus.CANCELLED, cancelled_at=now
        )
        if not won:
            raise NotCancellableError()
        account = await lock_account(member.id, now)
        spent = await LedgerEntry.get(id=redemption.spend_entry_id)
        await refund(
            account,
            spent,
            LedgerReason.REDEMPTION_REFUND,
            "取消兑换，积分退回",
            f"refund:{redemption.id}",
            now,
        )
        await enqueue(EventKind.REDEMPTION_CANCELLED, _event(redemption), now)
        await Reward.filter(id=redemption.reward_id).update(stock=F("stock") + redemption.quantity)
        # Counted only while the reward has a limit (the count is rebuilt when one is set).
        await RedemptionCounter.filter(
            member_id=member.id,
            reward_id=redemption.reward_id,
            count__gte=redemption.quantity,
        ).update(count=F("count") - redemption.quantity)
    return await Redemption.get(id=redemption_id).select_related("reward")


async def fulfil_redemption(c: Collaborators, host: Member, pickup_code: str) -> Redemption:
    require_role(host, Role.HOST, Role.ADMIN)
    code = rules.normalise_pickup_code(pickup_code)
    if problem := rules.pickup_code_error(code):
        raise InvalidInputError.single("pickupCode", problem)
    redemption = await Redemption.get_or_none(pickup_code=code)
    if redemption is None:
        raise NotFoundError("兑换码不存在")
    async with atomic():
        done = await Redemption.filter(id=redemption.id, status=RedemptionStatus.RESERVED).update(
            status=RedemptionStatus.FULFILLED, fulfilled_at=c.clock.now(), fulfilled_by_id=host.id
        )
        if done:
            await enqueue(EventKind.REDEMPTION_FULFILLED, _event(redemption), c.clock.now())
    if not done:
        # Lost to a cancel or an earlier fulfilment: say which (the status no longer changes).
        status = await column(Redemption.filter(id=redemption.id), "status")
        if status and status[0] == RedemptionStatus.CANCELLED:
            raise RedemptionCancelledError()
        raise AlreadyFulfilledError()
    return await Redemption.get(id=redemption.id).select_related("reward")
