"""The tier playbooks' report as a CSV file: one line per playbook and arm, the figures defined in
``domain/playbooks/report.py``, names kept as text for spreadsheets."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from domain.playbooks.queries import PlaybookWithReport
from domain.playbooks.report import ArmFigures
from domain.segments.export import BOM, spreadsheet_text

HEADER = (
    "策略ID",
    "名称",
    "原等级",
    "新等级",
    "组别",
    "触发次数",
    "会员数",
    "30天内回购会员",
    "回购率",
    "订单数",
    "人均订单",
    "赠送积分",
    "每位回购会员积分",
    "回购率提升(百分点)",
    "提升95%区间下限",
    "提升95%区间上限",
)


def _lift(item: PlaybookWithReport) -> tuple[str, str, str]:
    """The playbook's lift and its interval in points, on the treatment's line."""
    lift, interval = item.report.lift, item.report.lift_interval
    if lift is None or interval is None:
        return "", "", ""
    low, high = interval.low, interval.high
    return f"{lift * 100:.1f}", f"{low * 100:.1f}", f"{high * 100:.1f}"


def _line(
    item: PlaybookWithReport, arm: str, figures: ArmFigures, lift: tuple[str, str, str]
) -> tuple[object, ...]:
    p = item.playbook
    per_reactivated = figures.points_per_reactivated
    return (
        p.id,
        spreadsheet_text(p.name),
        p.from_tier or "",
        p.to_tier,
        arm,
        figures.runs,
        figures.members,
        figures.reactivated,
        f"{figures.reactivation_rate * 100:.1f}%",
        figures.purchases,
        f"{figures.purchases_per_member:.2f}",
        figures.points,
        "" if per_reactivated is None else f"{per_reactivated:.1f}",
        *lift,
    )


def playbooks_csv(items: Iterable[PlaybookWithReport]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for item in items:
        writer.writerow(_line(item, "实验组", item.report.treatment, _lift(item)))
        writer.writerow(_line(item, "对照组", item.report.holdout, ("", "", "")))
    return BOM + out.getvalue()
