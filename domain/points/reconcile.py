"""``linli reconcile``: every account equals its entries and lots, every reward's stock equals
its history, every award names a rule version that exists. Read-only; a mismatch
is reported, never repaired silently."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from tortoise.functions import Sum

from domain.points.models import LedgerEntry, PointsAccount, PointsLot
from domain.programme.queries import all_programme_rules
from domain.rewards.models import Redemption, RedemptionStatus, Reward, RewardRestock


@dataclass
class ReconcileReport:
    accounts: int = 0
    rewards: int = 0
    mismatches: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.mismatches

    def lines(self) -> list[str]:
        head = f"核对了 {self.accounts} 个积分账户、{self.rewards} 件好物："
        if self.clean:
            return [head + "全部一致。"]
        return [head + f"{len(self.mismatches)} 处不一致。", *self.mismatches]


async def _sums(query: object, group: str, column: str) -> dict[int, int]:
    rows = await query.group_by(group).annotate(total=Sum(column)).values_list(group, "total")  # type: ignore[attr-defined]
    return {int(key): int(total or 0) for key, total in rows}


async def reconcile() -> ReconcileReport:
    report = ReconcileReport()
    await _check_accounts(report)
    await _check_awards(report)
    await _check_rewards(report)
    return report


async def _check_accounts(report: ReconcileReport) -> None:
    entries = await _sums(LedgerEntry.filter(pending=False), "member_id", "amount")
    released = await _sums(PointsLot.filter(released=True), "member_id", "remaining")
    unreleased = await _sums(PointsLot.filter(released=False), "member_id", "amount")
    accounts = {a.member_id: a for a in await PointsAccount.all()}
    report.accounts = len(accounts)
    for member_id in set(entries) | set(released) | set(unreleased) | set(accounts):
        account = accounts.get(member_id)
        balance, pending = (account.balance, account.pending) if account else (0, 0)
        expected = {
            "balance = Σ 已到账流水": (balance, entries.get(member_id, 0)),
            "balance = Σ 批次剩余": (balance, released.get(member_id, 0)),
            "pending = Σ 待到账批次": (pending, unreleased.get(member_id, 0)),
        }
        for rule, (have, want) in expected.items():
            if have != want:
                report.mismatches.append(f"会员 {member_id}：{rule} 不成立（{have} ≠ {want}）")
        if balance < 0 or pending < 0:
            report.mismatches.append(f"会员 {member_id}：积分为负（{balance}/{pending}）")
    bad_lots = await PointsLot.filter(remaining__lt=0).count()
    if bad_lots:
        report.mismatches.append(f"{bad_lots} 个积分批次剩余为负")


async def _check_awards(report: ReconcileReport) -> None:
    """Every award names a rule version that exists. Nothing is recomputed from today's rules:
    an award keeps the amount and expiry of the version it names, whatever came after."""
    known = set(await all_programme_rules())
    named = (
        await LedgerEntry.filter(rule_version__isnull=False)
        .distinct()
        .values_list("rule_version", flat=True)
    )
    for version in sorted({int(str(v)) for v in named} - known):
        report.mismatches.append(f"有积分流水引用了不存在的规则版本 v{version}")


async def _check_rewards(report: ReconcileReport) -> None:
    restocked = await _sums(RewardRestock.all(), "reward_id", "quantity")
    live = await _sums(
        Redemption.exclude(status=RedemptionStatus.CANCELLED), "reward_id", "quantity"
    )
    counts: dict[str, int] = defaultdict(int)
    for reward in await Reward.all():
        counts["rewards"] += 1
        want = reward.initial_stock + restocked.get(reward.id, 0) - live.get(reward.id, 0)
        if reward.stock != want or reward.stock < 0:
            report.mismatches.append(
                f"好物 {reward.id}「{reward.name}」：库存 {reward.stock}，应为 {want}"
                "（初始 + 补货 − 兑出 + 取消）"
            )
    report.rewards = counts["rewards"]
