"""Writing to a points account: every credit, debit, refund and release goes through here, inside
the caller's ``atomic()`` block. One lock order everywhere: idempotency record → redemption →
points account → lots → reward → the member's counter for it (a reward's row, which every
redemption of it queues on, is taken last so that it is held for the shortest time), but for a
redemption made again after a cost change, which takes the reward before the lots (safe: a
member's lots are drawn only under their account's lock, which it holds first). A batch locks
all its accounts at once, in member-id order (``lock_accounts``), and credits them together
(``credit_pending_many``)."""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise.expressions import Case, F, When

from domain.columns import column
from domain.points.errors import InsufficientPointsError
from domain.points.ledger import plan_draws
from domain.points.models import LedgerEntry, LedgerReason, LotDraw, PointsAccount, PointsLot
from domain.programme.rules import ProgrammeRuleSet
from domain.written import built, columns, db_value, mark, rows

_CHUNK = 100  # rows per statement, under SQLite's bound-parameter limit


async def lock_account(member_id: int, now: datetime) -> PointsAccount:
    """The member's account, created on first use, locked for this transaction (PostgreSQL)."""
    await PointsAccount.bulk_create(
        [PointsAccount(member_id=member_id, updated_at=now)], ignore_conflicts=True
    )
    return await PointsAccount.filter(member_id=member_id).select_for_update().get()


async def lock_accounts(member_ids: list[int], now: datetime) -> None:
    """Create and lock every account in ``member_ids``, in member-id order so that two batches
    sharing members cannot deadlock."""
    if not member_ids:
        return
    member_ids = sorted(member_ids)
    await PointsAccount.bulk_create(
        [PointsAccount(member_id=m, updated_at=now) for m in member_ids], ignore_conflicts=True
    )
    await PointsAccount.filter(member_id__in=member_ids).order_by("member_id").select_for_update()


async def already_applied(key: str) -> bool:
    return await LedgerEntry.filter(idempotency_key=key).exists()


async def credit(
    account: PointsAccount,
    amount: int,
    reason: LedgerReason,
    description: str,
    key: str,
    now: datetime,
    rules: ProgrammeRuleSet,
    pending_days: int = 0,
    expires_at: datetime | None = None,
) -> LedgerEntry:
    """Add ``amount`` (available now, or pending for ``pending_days``) with a lot of its own,
    expiring as the rule version ``rules`` says (or at ``expires_at``, for a bonus with its own
    expiry); the entry names that version."""
    available_at = now + timedelta(days=pending_days)
    expiry = expires_at or rules.expiry_for(available_at)
    pending = pending_days > 0
    if pending:
        account.pending += amount
    else:
        account.balance += amount
    account.updated_at = now
    await account.save(update_fields=["balance", "pending", "updated_at"])
    entry = await LedgerEntry.create(
        member_id=account.member_id,
        amount=amount,
        balance_after=account.balance,
        pending=pending,
        reason=reason,
        description=description,
        idempotency_key=key,
        expires_at=expiry if amount > 0 else None,
        available_at=available_at,
        rule_version=rules.version,
        created_at=now,
    )
    if amount > 0:
        await PointsLot.create(
            member_id=account.member_id,
            entry=entry,
            amount=amount,
            remaining=amount,
            available_at=available_at,
            released=not pending,
            expires_at=expiry,
        )
    return entry


async def debit(
    account: PointsAccount,
    cost: int,
    reason: LedgerReason,
    description: str,
    key: str,
    now: datetime,
) -> LedgerEntry:
    """Spend ``cost`` from an account this transaction holds (``lock_account``), so the balance
    read under the lock is the one the spend starts from; the conditional update still lets the
    database refuse an overdraft."""
    member_id = account.member_id
    updated = await PointsAccount.filter(member_id=member_id, balance__gte=cost).update(
        balance=F("balance") - cost, updated_at=now
    )
    if not updated:
        raise InsufficientPointsError(balance=account.balance, cost=cost)
    account.balance -= cost
    account.updated_at = now
    return await _spent(member_id, cost, account.balance, reason, description, key, now)


async def spend(
    member_id: int,
    cost: int,
    reason: LedgerReason,
    description: str,
    key: str,
    now: datetime,
) -> LedgerEntry:
    """``lock_account`` and ``debit`` in one statement, for a spend that reads nothing of the
    account first (a redemption): the conditional update takes the account's row lock, held to
    commit, so this member's draws below are the only ones, and returns the balance it left.
    The database refuses an overdraft; a member without an account has nothing to spend."""
    p = mark()
    updated_at = db_value(PointsAccount, "updated_at", now)
    entry = _entry_values(member_id, cost, reason, description, key, now)
    if p == "$":  # PostgreSQL: the debit and its ledger entry in one statement
        made = await rows(_SPEND.format(columns=columns(LedgerEntry)), [*entry, cost, updated_at])
        if not made:
            raise await _insufficient(member_id, cost)
        spent = built(LedgerEntry, made[0])
        await _draw_lots(member_id, spent, cost)
        return spent
    left = await rows(
        f'UPDATE "points_account" SET "balance" = "balance" - {p}1, "updated_at" = {p}2 '  # noqa: S608
        f'WHERE "member_id" = {p}3 AND "balance" >= {p}1 RETURNING "balance"',
        [cost, updated_at, member_id],
    )
    if not left:
        raise await _insufficient(member_id, cost)
    return await _spent(member_id, cost, int(left[0]["balance"]), reason, description, key, now)


async def _insufficient(member_id: int, cost: int) -> InsufficientPointsError:
    balance = await column(PointsAccount.filter(member_id=member_id), "balance")
    return InsufficientPointsError(balance=int(balance[0]) if balance else 0, cost=cost)


async def _spent(
    member_id: int,
    cost: int,
    balance_after: int,
    reason: LedgerReason,
    description: str,
    key: str,
    now: datetime,
) -> LedgerEntry:
    """The ledger entry of a debit the account row already took, and its draws."""
    values = [*_entry_values(member_id, cost, reason, description, key, now), balance_after]
    made = await rows(_SPENT.format(p=mark(), columns=columns(LedgerEntry)), values)
    entry = built(LedgerEntry, made[0])
    await _draw_lots(member_id, entry, cost)
    return entry


def _entry_values(
    member_id: int, cost: int, reason: LedgerReason, description: str, key: str, now: datetime
) -> list[object]:
    """A spend's ledger entry as ``_ENTRY`` lists its columns, but for the balance it left."""
    pending = db_value(LedgerEntry, "pending", False)
    created_at = db_value(LedgerEntry, "created_at", now)
    return [member_id, -cost, pending, reason.value, description, key, created_at]


_ENTRY = (
    '"member_id", "amount", "pending", "reason", "description", "idempotency_key", "created_at", '
    '"balance_after"'
)
_SPENT = (
    f'INSERT INTO "ledger_entry" ({_ENTRY}) '  # noqa: S608 (constants)
    "VALUES ({p}1, {p}2, {p}3, {p}4, {p}5, {p}6, {p}7, {p}8) RETURNING {columns}"
)
# PostgreSQL's spend at once: the account's conditional debit (which takes its row lock, held to
# commit) and the entry of the balance it left; no row when the balance is short.
_SPEND = (
    'WITH "debited" AS (UPDATE "points_account" SET "balance" = "balance" - $8, "updated_at" = $9 '  # noqa: S608
    'WHERE "member_id" = $1 AND "balance" >= $8 RETURNING "balance") '
    f'INSERT INTO "ledger_entry" ({_ENTRY}) '
    'SELECT $1, $2, $3, $4, $5, $6, $7, "balance" FROM "debited" RETURNING {columns}'
)


# The draws of every spend, written once (``domain.written``): through the query builder these
# three statements cost a fifth of a redemption's CPU.
_LOTS = (
    'SELECT "id", "remaining" FROM "points_lot" '
    'WHERE "member_id" = {p}1 AND "released" AND "remaining" > 0 ORDER BY "expires_at", "id"'
)
_DRAW = (
    'UPDATE "points_lot" SET "remaining" = "remaining" - {p}1 '
    'WHERE "id" = {p}2 AND "remaining" >= {p}1 RETURNING "id"'
)


# PostgreSQL's draws at once: each lot's conditional update, and a draw recorded for each lot
# it updated (the caller compares the count).
_DRAW_ALL = (
    'WITH "drawn" AS (UPDATE "points_lot" l SET "remaining" = l."remaining" - d."take" '
    'FROM unnest($1::bigint[], $2::int[]) AS d("lot_id", "take") '
    'WHERE l."id" = d."lot_id" AND l."remaining" >= d."take" RETURNING l."id", d."take") '
    'INSERT INTO "lot_draw" ("entry_id", "lot_id", "amount") '
    'SELECT $3, "id", "take" FROM "drawn" RETURNING "lot_id"'
)


async def _draw_lots(member_id: int, entry: LedgerEntry, cost: int) -> None:
    """Oldest-expiring lots first; the account row lock makes this member's draws sequential."""
    p = mark()
    lots = await rows(_LOTS.format(p=p), [member_id])
    draws = plan_draws([(int(lot["id"]), int(lot["remaining"])) for lot in lots], cost)
    if p == "$":  # PostgreSQL: every lot's draw and its record in one statement
        lot_ids, takes = [lot_id for lot_id, _ in draws], [take for _, take in draws]
        if len(await rows(_DRAW_ALL, [lot_ids, takes, entry.id])) != len(draws):
            raise RuntimeError(f"lots {lot_ids} changed under an account lock")
        return
    for lot_id, take in draws:
        if not await rows(_DRAW.format(p=p), [take, lot_id]):
            raise RuntimeError(f"lot {lot_id} changed under an account lock")
    for first in range(0, len(draws), _CHUNK):
        chunk = draws[first : first + _CHUNK]
        values = ", ".join(
            f"({p}{3 * i + 1}, {p}{3 * i + 2}, {p}{3 * i + 3})" for i in range(len(chunk))
        )
        await rows(
            f'INSERT INTO "lot_draw" ("entry_id", "lot_id", "amount") VALUES {values}',  # noqa: S608
            [value for lot_id, take in chunk for value in (entry.id, lot_id, take)],
        )


async def refund(
    account: PointsAccount,
    spent: LedgerEntry,
    reason: LedgerReason,
    description: str,
    key: str,
    now: datetime,
) -> LedgerEntry:
    """Give back what ``spent`` took, into lots with the same expiry dates it drew from."""
    draws = await LotDraw.filter(entry=spent).select_related("lot")
    total = sum(draw.amount for draw in draws)
    account.balance += total
    account.updated_at = now
    await account.save(update_fields=["balance", "updated_at"])
    entry = await LedgerEntry.create(
        member_id=account.member_id,
        amount=total,
        balance_after=account.balance,
        reason=reason,
        description=description,
        idempotency_key=key,
        created_at=now,
    )
    await PointsLot.bulk_create(
        [
            PointsLot(
                member_id=account.member_id,
                entry=entry,
                amount=d.amount,
                remaining=d.amount,
                available_at=now,
                released=True,
                expires_at=d.lot.expires_at,
            )
            for d in draws
        ]
    )
    return entry


async def credit_pending_many(
    credits: dict[str, tuple[int, int]],
    reason: LedgerReason,
    description: str,
    now: datetime,
    available_at: datetime,
    rules: ProgrammeRuleSet,
) -> dict[int, int]:
    """Pending credits ``key -> (member_id, amount > 0)`` for many members at once, each key
    applied once: the rows ``credit`` writes for a pending credit (an entry naming the rule
    version, a lot released by the release job at ``available_at``) in a fixed number of
    statements plus one account update per chunk of members. The accounts must be locked
    already (``lock_accounts``); returns the points credited per member by keys not yet applied."""
    if not credits:
        return {}
    done = set(
        await column(LedgerEntry.filter(idempotency_key__in=list(credits)), "idempotency_key")
    )
    todo = {key: value for key, value in credits.items() if key not in done}
    per_member: dict[int, int] = {}
    for member_id, amount in todo.values():
        per_member[member_id] = per_member.get(member_id, 0) + amount
    balances = await _add_pending(per_member, now)
    entries = [
        LedgerEntry(
            member_id=member_id,
            amount=amount,
            balance_after=balances[member_id],
            pending=True,
            reason=reason,
            description=description,
            idempotency_key=key,
            expires_at=rules.expiry_for(available_at),
            available_at=available_at,
            rule_version=rules.version,
            created_at=now,
        )
        for key, (member_id, amount) in todo.items()
    ]
    await LedgerEntry.bulk_create(entries, batch_size=_CHUNK)
    await _create_pending_lots(list(todo), available_at, rules)
    return per_member


async def _add_pending(per_member: dict[int, int], now: datetime) -> dict[int, int]:
    """Raise each member's pending points, a CASE per chunk of members rather than a statement
    each; their (unchanged) available balances."""
    members = sorted(per_member)
    for start in range(0, len(members), _CHUNK):
        chunk = members[start : start + _CHUNK]
        raised = Case(
            *(When(member_id=m, then=F("pending") + per_member[m]) for m in chunk),
            default=F("pending"),
        )
        await PointsAccount.filter(member_id__in=chunk).update(pending=raised, updated_at=now)
    rows = await PointsAccount.filter(member_id__in=members).values_list("member_id", "balance")
    return {int(m): int(b) for m, b in rows}


async def _create_pending_lots(
    keys: list[str], available_at: datetime, rules: ProgrammeRuleSet
) -> None:
    """A lot per entry, as ``credit`` makes, for oldest-first spending and year-end expiry."""
    rows = await LedgerEntry.filter(idempotency_key__in=keys).values_list(
        "id", "member_id", "amount"
    )
    await PointsLot.bulk_create(
        [
            PointsLot(
                member_id=member_id,
                entry_id=entry_id,
                amount=amount,
                remaining=amount,
                available_at=available_at,
                released=False,
                expires_at=rules.expiry_for(available_at),
            )
            for entry_id, member_id, amount in rows
        ],
        batch_size=_CHUNK,
    )
