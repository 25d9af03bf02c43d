"""``linli recompute-tiers``: its progress bar and its summary line."""

from __future__ import annotations

import io

from cli import TierProgress, tier_line
from domain.segments.tiers import TierRunSummary


def test_the_progress_bar_fills_and_ends_at_the_total() -> None:
    out = io.StringIO()
    progress = TierProgress(out, width=10)
    progress(0, 200)
    progress(200, 200)
    drawn = out.getvalue().split("\r")
    assert drawn[1].startswith("分层计算 [..........]   0%")
    assert drawn[-1].startswith("分层计算 [##########] 100%") and "200/200" in drawn[-1]


def test_the_summary_gives_counts_and_the_shares_among_buyers() -> None:
    run = TierRunSummary(
        members=120,
        changed=7,
        shares={"KOC": 5, "HIGH_VALUE": 15, "POTENTIAL": 60, "DORMANT": 35, "NEWCOMER": 5},
        buyer_shares={"KOC": 5, "HIGH_VALUE": 15, "POTENTIAL": 60, "DORMANT": 20},
    )
    line = tier_line(run)
    assert "120 位会员（7 位变动）" in line and "新人 5" in line
    assert "100 位中：达人 5% / 高价值 15% / 潜力 60% / 沉睡 20%" in line
