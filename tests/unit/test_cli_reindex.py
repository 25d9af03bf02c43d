"""``linli reindex``: its progress bar."""

from __future__ import annotations

import io

from cli import ReindexProgress


def test_the_progress_bar_fills_and_ends_at_the_total() -> None:
    out = io.StringIO()
    progress = ReindexProgress(out, width=10)
    progress(0, 1500)
    progress(1500, 1500)
    drawn = out.getvalue().split("\r")
    assert drawn[1].startswith("搜索索引 [..........]   0%")
    assert drawn[-1].startswith("搜索索引 [##########] 100%") and "1,500/1,500 篇" in drawn[-1]
