"""Purchase points for a whole batch at once: the same ledger rows ``award_points`` writes for the
``purchase`` rule (a pending entry and a lot per order, keyed ``purchase:<member>:<order>``),
written by ``domain/points/accounts.py::credit_pending_many`` in a fixed number of statements per
batch plus one account update per chunk of buyers, so importing a large file is not thousands of
single awards. Runs inside the batch's transaction, with the buyers' accounts already locked
(``lock_accounts``)."""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.aftercommit import after_commit
from domain.collaborators import Collaborators
from domain.points import leaderboard
from domain.points.accounts import credit_pending_many
from domain.points.ledger import RULES, pending_days
from domain.programme.queries import current_programme_rules
from domain.purchases.models import Purchase

RULE = RULES["purchase"]


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
    available_at = now + timedelta(days=pending_days(rules, "purchase"))
    per_member = await credit_pending_many(
        wanted, RULE.reason, RULE.description, now, available_at, rules
    )
    for member_id, points in per_member.items():
        _bump_leaderboard(c, member_id, points, now)
    return sum(per_member.values())


def _bump_leaderboard(c: Collaborators, member_id: int, points: int, at: datetime) -> None:
    after_commit(
        lambda: leaderboard.record_earned(c.redis, member_id, points, at),
        lambda: leaderboard.doubt_earned(c.redis, at),
    )
