"""The attribution report as a CSV file an operator opens in a spreadsheet: every credited row of
one dimension, UTF-8 with a BOM (Excel reads the Chinese), names kept as text."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from domain.attribution.report import AttributionRow, Dimension
from domain.segments.export import BOM, spreadsheet_text

KEY_HEADERS = {
    Dimension.POST: "帖子ID",
    Dimension.GROUP: "小组ID",
    Dimension.HOST: "主理人ID",
    Dimension.PRODUCT: "SKU",
}
HEADER = (
    "名称",
    "GMV(元,末次触点)",
    "GMV(元,线性)",
    "订单(末次触点)",
    "购买人数",
    "浏览人数",
    "转化率",
)


def _yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def attribution_csv(by: Dimension, rows: Iterable[AttributionRow]) -> str:
    """Orders may be fractions (an order split among items and posts): two decimals; the
    conversion rate as a percentage with one."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow((KEY_HEADERS[by], *HEADER))
    for row in rows:
        writer.writerow(
            (
                spreadsheet_text(str(row.key)),
                spreadsheet_text(row.label),
                _yuan(row.gmv_last_touch_fen),
                _yuan(row.gmv_linear_fen),
                f"{float(row.orders):.2f}",
                row.buyers,
                row.viewers,
                f"{row.conversion_rate * 100:.1f}%",
            )
        )
    return BOM + out.getvalue()
