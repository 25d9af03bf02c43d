"""Reading a purchases CSV file (``linli import-purchases`` and the admin's upload): line by line
(memory does not grow with the file), in the encoding it was saved in, with a progress bar on
stderr measured in bytes read."""

from __future__ import annotations

import codecs
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO, TextIO

from domain.purchases.services import RecordSummary

BAR_WIDTH = 30
REDRAW_SECONDS = 0.2
_CHUNK = 1 << 20


def detect_encoding(handle: BinaryIO) -> str:
    """``utf-8-sig`` when the whole file is valid UTF-8 (with or without a byte-order mark), else
    ``gb18030``: what Excel in China saves a CSV as (a superset of GBK and GB2312). Reads the file
    once in chunks and puts the handle back where it was."""
    start = handle.tell()
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := handle.read(_CHUNK):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
        return "utf-8-sig"
    except UnicodeDecodeError:
        return "gb18030"
    finally:
        handle.seek(start)


def decoded_lines(handle: BinaryIO, counted: Callable[[int], None] | None = None) -> Iterator[str]:
    """The file's lines as text. Bytes that are not GB18030 either become U+FFFD, which the
    import reports as a bad row; ``counted`` hears each line's size in bytes."""
    encoding = detect_encoding(handle)
    for raw in handle:
        if counted:
            counted(len(raw))
        yield codecs.decode(raw, encoding, errors="replace")
        encoding = "utf-8" if encoding == "utf-8-sig" else encoding


class FileProgress:
    """Counts bytes as lines are handed out; draws the bar when a batch is recorded."""

    def __init__(self, path: Path, out: TextIO) -> None:
        self.total = max(1, path.stat().st_size)
        self.read = 0
        self.out = out
        self._drawn_at = 0.0

    def lines(self, handle: BinaryIO) -> Iterator[str]:
        return decoded_lines(handle, self._count)

    def _count(self, size: int) -> None:
        self.read += size

    def __call__(self, summary: RecordSummary) -> None:
        now = time.monotonic()
        if now - self._drawn_at < REDRAW_SECONDS and self.read < self.total:
            return
        self._drawn_at = now
        share = min(1.0, self.read / self.total)
        filled = int(share * BAR_WIDTH)
        done = summary.recorded + summary.duplicates + summary.rejected
        self.out.write(
            f"\r导入中 [{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {share:4.0%} "
            f"{done:,} 行（新增 {summary.recorded:,}，重复 {summary.duplicates:,}，"
            f"有误 {summary.rejected:,}）"
        )
        self.out.flush()

    def finish(self) -> None:
        self.out.write("\n")
        self.out.flush()


def summary_lines(summary: RecordSummary, shown: int = 50) -> list[str]:
    lines = [
        f"新增订单 {summary.recorded:,} 笔，重复订单 {summary.duplicates:,} 笔（未重复记录），"
        f"有误的行 {summary.rejected:,} 行。",
        f"购物积分 {summary.points:,} 分（售后期 15 天后到账），推荐奖励 "
        f"{summary.referrals_rewarded:,} 笔。",
    ]
    for error in summary.errors[:shown]:
        lines.append(f"  第 {error.line} 行 {error.field}：{error.message}")
    hidden = summary.rejected - len({e.line for e in summary.errors[:shown]})
    if hidden > 0:
        lines.append(f"  …… 另有 {hidden:,} 行有误未列出")
    return lines
