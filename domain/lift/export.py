"""The community-lift report as a CSV: one row per metric, each with the period and the counts,
so a row read alone still says how many members it rests on."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from domain.lift.report import LiftAction, LiftReport
from domain.lift.rules import Comparison

BOM = "\ufeff"  # Excel reads a BOM-less CSV as the local code page and garbles Chinese
HEADER = (
    "时段开始",
    "时段结束",
    "参与行为",
    "指标",
    "参与会员",
    "匹配的未参与会员",
    "差值",
    "95%区间下限",
    "95%区间上限",
    "参与会员数",
    "已匹配参与会员数",
    "未匹配参与会员数",
    "对照会员数",
    "对照有效样本量",
    "分层格数",
    "样本偏小",
)
ACTION_NAMES = {
    LiftAction.JOINED_GROUP: "加入小组",
    LiftAction.POSTED: "发帖",
    LiftAction.ATTENDED: "参加活动",
}


def _plain(value: float) -> str:
    return f"{value:.4f}"


def _yuan(fen: float) -> str:
    return f"{fen / 100:.2f}"


# (name, how a value is written): the rate as a share, orders per member, LTV in yuan from fen.
METRICS: tuple[tuple[str, Callable[[float], str]], ...] = (
    ("90天复购率", _plain),
    ("90天人均订单数", _plain),
    ("90天人均消费（元）", _yuan),
)


def lift_csv(report: LiftReport) -> str:
    """The whole file, UTF-8 text with a BOM; a metric nobody could be matched for has empty
    figures."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    counts = report.lift.counts
    found: tuple[Comparison | None, ...] = (
        report.lift.repurchase,
        report.lift.orders,
        report.lift.gmv_fen,
    )
    for (name, written), comparison in zip(METRICS, found, strict=True):
        figures = (
            ("",) * 5
            if comparison is None
            else tuple(
                written(v)
                for v in (
                    comparison.treated,
                    comparison.control,
                    comparison.difference,
                    comparison.interval.low,
                    comparison.interval.high,
                )
            )
        )
        writer.writerow(
            (
                report.first.isoformat(),
                report.last.isoformat(),
                ACTION_NAMES[report.action],
                name,
                *figures,
                counts.treated,
                counts.matched,
                counts.unmatched,
                counts.controls,
                f"{counts.effective_controls:.1f}",
                counts.strata,
                "是" if counts.too_small else "否",
            )
        )
    return BOM + out.getvalue()
