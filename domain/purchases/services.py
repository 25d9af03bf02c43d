"""Recording the mall's orders: idempotent on the order id, bad rows reported one by one, each new
purchase's points awarded once (pending for the after-sales window), first purchases qualifying
referrals. GraphQL, the CSV command and the portal all come through ``record_purchases``."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime

from tortoise.expressions import Q

from domain.aftercommit import atomic
from domain.audit import record_change
from domain.collaborators import Collaborators
from domain.columns import column
from domain.identity.models import Estate, Member, Role
from domain.identity.policies import require_role
from domain.identity.rules import normalise_phone
from domain.identity.verification import verify_by_pickups
from domain.points.accounts import lock_accounts
from domain.purchases.models import Purchase
from domain.purchases.points import award_purchase_points
from domain.purchases.rules import PurchaseRow, RowError, row_errors
from domain.referrals import services as referrals

BATCH_SIZE = 500
# Rows per INSERT statement: under SQLite's bound-parameter limit whatever its build.
_INSERT_CHUNK = 100
# A summary keeps this many row errors in full; the rest are only counted.
MAX_REPORTED_ERRORS = 1000


@dataclass
class RecordSummary:
    recorded: int = 0
    duplicates: int = 0
    rejected: int = 0
    errors: list[RowError] = field(default_factory=list)
    points: int = 0
    referrals_rewarded: int = 0
    first_purchase_id: int | None = None  # the lowest id of the purchases recorded

    def add(self, other: RecordSummary) -> None:
        self.recorded += other.recorded
        self.duplicates += other.duplicates
        self.rejected += other.rejected
        self.points += other.points
        self.referrals_rewarded += other.referrals_rewarded
        firsts = [i for i in (self.first_purchase_id, other.first_purchase_id) if i is not None]
        self.first_purchase_id = min(firsts, default=None)
        room = MAX_REPORTED_ERRORS - len(self.errors)
        self.errors.extend(other.errors[: max(0, room)])


Audit = Callable[[RecordSummary], Awaitable[None]]


class PurchaseImport:
    """One import (an API call or a file): rows in batches of ``BATCH_SIZE``, each batch one
    transaction, and one audit entry for the whole import with its counts (not one per row)
    when it recorded any purchase: an import of refused rows and known orders changes nothing.

    The entry is written in the transaction of the import's last batch, so an import of one
    batch (every API call) is recorded together with its entry or not at all. Which batch is the
    last is known only when the rows end: a full batch waits for the next row before it goes. A
    batch that fails after earlier ones committed leaves an entry for what they recorded."""

    def __init__(self, c: Collaborators, actor: Member, source: str) -> None:
        self.c, self.actor, self.source = c, actor, source
        self.total = RecordSummary()
        self._held: list[PurchaseRow] = []
        self._rows: list[PurchaseRow] = []

    def count(self, summary: RecordSummary) -> None:
        """Rows refused before recording (a CSV line that could not be read)."""
        self.total.add(summary)

    async def add(self, row: PurchaseRow) -> bool:
        """Takes one row; True when a batch was recorded on the way."""
        recorded = False
        if len(self._rows) >= BATCH_SIZE:
            if self._held:
                await self._record(self._held, last=False)
                recorded = True
            self._held, self._rows = self._rows, []
        self._rows.append(row)
        return recorded

    async def finish(self) -> RecordSummary:
        if self._held:
            await self._record(self._held, last=False)
        await self._record(self._rows, last=True)
        self._held, self._rows = [], []
        return self.total

    async def _record(self, rows: list[PurchaseRow], *, last: bool) -> None:
        try:
            summary = await record_batch(self.c, rows, self.source, self._audit if last else None)
        except Exception:
            if self.total.recorded:  # earlier batches committed: they are audited all the same
                async with atomic():
                    await self._write(self.total, complete=False)
            raise
        self.total.add(summary)

    async def _audit(self, last_batch: RecordSummary) -> None:
        total = replace(self.total, errors=[])
        total.add(last_batch)
        if total.recorded:  # refused rows and orders recorded before change nothing
            await self._write(total, complete=True)

    async def _write(self, total: RecordSummary, *, complete: bool) -> None:
        counts = {
            "source": self.source,
            "rows": total.recorded + total.duplicates + total.rejected,
            "recorded": total.recorded,
            "duplicates": total.duplicates,
            "rejected": total.rejected,
            "points": total.points,
            "referrals_rewarded": total.referrals_rewarded,
        }
        await record_change(
            actor_id=self.actor.id,
            action="PURCHASES_IMPORTED",
            target_type="PURCHASE_IMPORT",
            # The import's first new purchase names it (0: it recorded none).
            target_id=total.first_purchase_id or 0,
            now=self.c.clock.now(),
            after=counts if complete else {**counts, "complete": False},
        )


async def record_purchases(
    c: Collaborators, actor: Member, rows: Iterable[PurchaseRow], source: str = "API"
) -> RecordSummary:
    """Admins only. Rows go in batches of ``BATCH_SIZE``, each batch one transaction; one audit
    entry for the call (``PurchaseImport``)."""
    require_role(actor, Role.ADMIN)
    purchase_import = PurchaseImport(c, actor, source)
    for row in rows:
        await purchase_import.add(row)
    return await purchase_import.finish()


async def record_batch(
    c: Collaborators, rows: list[PurchaseRow], source: str, audit: Audit | None = None
) -> RecordSummary:
    """One transaction; ``audit`` (given the batch's summary) writes in it."""
    summary = RecordSummary()
    now = c.clock.now()
    valid: dict[str, PurchaseRow] = {}
    for row in rows:
        problems = row_errors(row, now)
        if problems:
            summary.errors.extend(RowError(row.line, e.field, e.message) for e in problems)
        elif row.order_id in valid:  # the same order twice in one request: recorded once
            summary.duplicates += 1
        else:
            valid[row.order_id] = row
    members = await _resolve_members(list(valid.values()))
    estates = await _resolve_estates(list(valid.values()))
    ready: list[tuple[PurchaseRow, int]] = []
    for row in valid.values():
        member_id = members.get(row.order_id)
        if member_id is None:
            summary.errors.append(RowError(row.line, "phone", "找不到这位会员"))
        elif row.pickup_estate and row.pickup_estate not in estates:
            summary.errors.append(RowError(row.line, "pickupEstate", "找不到这个自提小区"))
        else:
            ready.append((row, member_id))
    summary.rejected = len({e.line for e in summary.errors})
    if ready:
        await _insert_and_award(c, ready, source, summary, audit, estates)
    elif audit is not None:
        async with atomic():
            await audit(summary)
    return summary


async def _resolve_members(rows: list[PurchaseRow]) -> dict[str, int]:
    """Order id → member id, by member id or phone in two queries; a mismatch finds nobody."""
    ids = {row.member_id for row in rows if row.member_id is not None}
    phones = {normalise_phone(row.phone) for row in rows if row.phone}
    known_ids = set(await column(Member.filter(id__in=ids), "id")) if ids else set()
    by_phone: dict[str, int] = (
        dict(await Member.filter(phone__in=phones).values_list("phone", "id")) if phones else {}
    )
    found: dict[str, int] = {}
    for row in rows:
        from_phone = by_phone.get(normalise_phone(row.phone)) if row.phone else None
        if row.member_id is not None and row.member_id not in known_ids:
            continue
        if row.member_id is not None and row.phone and from_phone != row.member_id:
            continue
        member_id = row.member_id if row.member_id is not None else from_phone
        if member_id is not None:
            found[row.order_id] = int(member_id)
    return found


async def _resolve_estates(rows: list[PurchaseRow]) -> dict[str, int]:
    """A pickup estate as the rows name it (name or id) → estate id, in one query."""
    named = {row.pickup_estate for row in rows if row.pickup_estate}
    if not named:
        return {}
    ids = {int(n) for n in named if n.isascii() and n.isdigit() and len(n) < 10}
    found: dict[str, int] = {}
    for estate_id, name in await Estate.filter(Q(name__in=named) | Q(id__in=ids)).values_list(
        "id", "name"
    ):
        found[str(name)] = int(estate_id)
        found[str(estate_id)] = int(estate_id)
    return {n: found[n] for n in named if n in found}


async def _insert_and_award(
    c: Collaborators,
    ready: list[tuple[PurchaseRow, int]],
    source: str,
    summary: RecordSummary,
    audit: Audit | None,
    estates: dict[str, int],
) -> None:
    """One transaction. Lock order: purchase order ids (sorted) → referral rows (by id) → points
    accounts (by member id), the same in every batch, so concurrent batches cannot deadlock."""
    batch = uuid.uuid4().hex
    now = c.clock.now()
    ready.sort(key=lambda pair: pair[0].order_id)
    async with atomic():
        for start in range(0, len(ready), _INSERT_CHUNK):
            await Purchase.bulk_create(
                [
                    Purchase(
                        order_id=row.order_id,
                        member_id=member_id,
                        amount_cents=row.amount_cents,
                        purchased_at=row.purchased_at,
                        items=row.items,
                        source=source,
                        batch=batch,
                        created_at=now,
                    )
                    for row, member_id in ready[start : start + _INSERT_CHUNK]
                ],
                ignore_conflicts=True,  # ON CONFLICT DO NOTHING: waits for a racing insert
            )
        new = await Purchase.filter(
            order_id__in=[row.order_id for row, _ in ready], batch=batch
        ).order_by("purchased_at", "id")
        summary.recorded = len(new)
        summary.first_purchase_id = min((p.id for p in new), default=None)
        summary.duplicates += len(ready) - len(new)
        qualified = await _qualify_referrals(new, now)
        involved = {p.member_id for p in new} | {
            m for q in qualified for m in (q.referrer_id, q.invitee_id)
        }
        await lock_accounts(sorted(involved), now)  # every account this batch touches
        summary.points = await award_purchase_points(c, new)
        for one in qualified:
            await referrals.reward(c, one)
        summary.referrals_rewarded = len(qualified)
        picked_up = [
            (member_id, estates[row.pickup_estate], row.order_id)
            for row, member_id in ready
            if row.pickup_estate
        ]
        await verify_by_pickups(picked_up, now)
        if audit is not None:
            await audit(summary)


async def _qualify_referrals(new: list[Purchase], now: datetime) -> list[referrals.Qualified]:
    first: dict[int, int] = {}
    for purchase in new:  # ordered by purchase time: the earliest is the first purchase
        first.setdefault(purchase.member_id, purchase.id)
    candidates = await referrals.pending_referrals(sorted(first))
    if not candidates:
        return []
    return await referrals.qualify(first, candidates, now)
