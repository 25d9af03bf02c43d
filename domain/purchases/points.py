"""Purchase points for a whole batch at once: the same ledger rows ``award_points`` writes for the
``purchase`` rule (a pending entry and a lot per order, keyed ``purchase:<member>:<order>``), in a
fixed number of statements per batch plus one account update per buyer, so importing a large file
is not thousands of single awards. Runs inside the batch's transaction, with the buyers' accounts
already locked in member-id order."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from tortoise.expressions import Case, F, When

from domain.aftercommit import after_commit
from domain.collaborators import Collaborators
from domain.points import leaderboard
from domain.points.ledger import RULES, pending_days
from domain.points.models import LedgerEntry, PointsAccount, PointsLot
from domain.programme.queries import current_programme_rules
from domain.programme.rules import ProgrammeRuleSet
from domain.purchases.models import Purchase

RULE = RULES["purchase"]
_CHUNK = 100  # rows per INSERT, under SQLite's bound-parameter limit


def purchase_key(member_id: int, order_id: str) -> str:
    """The key ``award_points(c, member_id, "purchase", order_id)`` would use."""
    return f"purchase:{member_id}:{order_id}"


async def award_purchase_points(c: Collaborators, purchases: list[Purchase]) -> int:
    """Pending points for each new purchase, once per order, as the rule version in force says
    (points per yuan, the after-sales window, expiry; each entry names the version); returns
    the points awarded."""
    now = c.clock.now()
    rules = await current_programme_rules()
    wanted = {
        purchase_key(p.member_id, p.order_id): (p.member_id, rules.purchase_points(p.amount_cents))
        for p in purchases
        if rules.purchase_points(p.amount_cents) > 0
    }
    if not wanted:
        return 0
    done = set(
        await LedgerEntry.filter(idempotency_key__in=list(wanted)).values_list(
            "idempotency_key", flat=True
        )
    )
    todo = {key: value for key, value in wanted.items() if key not in done}
    per_member: dict[int, int] = defaultdict(int)
    for member_id, points in todo.values():
        per_member[member_id] += points
    balances = await _add_pending(per_member, now)
    available_at = now + timedelta(days=pending_days(rules, "purchase"))
    entries = [
        LedgerEntry(
            member_id=member_id,
            amount=points,
            balance_after=balances[member_id],
            pending=True,
            reason=RULE.reason,
            description=RULE.description,
            idempotency_key=key,
            expires_at=rules.expiry_for(available_at),
            available_at=available_at,
            rule_version=rules.version,
            created_at=now,
        )
        for key, (member_id, points) in todo.items()
    ]
    await LedgerEntry.bulk_create(entries, batch_size=_CHUNK)
    await _create_lots(list(todo), available_at, rules)
    for member_id, points in per_member.items():
        _bump_leaderboard(c, member_id, points, now)
    return sum(per_member.values())


async def _add_pending(per_member: dict[int, int], now: datetime) -> dict[int, int]:
    """Raise each buyer's pending points, a CASE per chunk of buyers rather than a statement
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


async def _create_lots(keys: list[str], available_at: datetime, rules: ProgrammeRuleSet) -> None:
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


def _bump_leaderboard(c: Collaborators, member_id: int, points: int, at: datetime) -> None:
    after_commit(lambda: leaderboard.record_earned(c.redis, member_id, points, at))
