"""``python -m bench.attribution``: the attribution report over a 30-day period of a dataset of
1,000,000 posts (5 % tagged with 1–3 of 200 SKUs), 10,000,000 sightings over 90 days and 500,000
purchases (``bench/attribution_data.py``), and the same at a tenth of that in the same run, so the
two show how time and memory grow with the data (the aim: time about linear, memory flat).

For each size: the rows of each table, then, in a fresh process, the report's wall time, the SQL
statements issued (tortoise's statement log), the process's peak RSS and its growth over the
report (``/proc``'s VmHWM, reset before it), and, in a second run of its own (tracing slows it),
the Python heap's peak (tracemalloc). When the report fails (asyncpg takes at most 32,767 bind
arguments a statement), the failure is printed and the report measured again with 3 of every 5
tagged posts kept (3 % of the posts), at both sizes so the two still compare.

    .venv/bin/python -m bench.attribution                 # bench_attr (1M) and bench_attr_tenth
    .venv/bin/python -m bench.attribution --reuse         # measure again without regenerating
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import subprocess
import sys
import time
import tracemalloc
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import asyncpg
from tortoise import Tortoise

from bench.attribution_data import AttributionSizes, generate_attribution, retag, table_rows
from bench.generate import today_in_shanghai

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/bench_attr"
PERIOD_DAYS = 30
FALLBACK_KEPT = 3  # of every five tagged posts, when the full share fails


async def report(first: date, last: date) -> list[Any]:
    """The call measured: the one place to switch to another report function."""
    from domain.attribution.report import attribution_by_post

    return await attribution_by_post(first, last, limit=20)


@dataclass
class Measured:
    seconds: float
    statements: int
    rss_growth_mib: float
    rss_mib: float
    heap_peak_mib: float
    rows: int
    failure: str | None = None


class _Statements(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _reset_peak_rss() -> None:
    """Writing 5 to clear_refs resets VmHWM to the current RSS (Linux ≥ 4.0)."""
    Path("/proc/self/clear_refs").write_text("5")


async def _run_once(
    first: date, last: date, trace: bool
) -> tuple[float, int, int, int, str | None]:
    """(seconds, statements, rows, heap peak bytes, failure) of one report."""
    logger = logging.getLogger("tortoise.db_client")
    handler = _Statements()
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.DEBUG)
    if trace:
        tracemalloc.start()
    failure, rows = None, 0
    started = time.perf_counter()
    try:
        rows = len(await report(first, last))
    except Exception as error:  # measured and printed: the bench's finding, not a crash
        failure = f"{type(error).__name__}: {str(error)[:300]}"
    seconds = time.perf_counter() - started
    peak = 0
    if trace:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    logger.removeHandler(handler)
    logger.setLevel(level)
    return seconds, handler.count, rows, peak, failure


def measure(database_url: str, first: date, last: date) -> Measured:
    """``measure_here`` in a fresh process, so that each report's memory starts from the same
    place (a process keeps what an earlier report freed, and its RSS would hide the next)."""
    out = subprocess.run(
        [sys.executable, "-m", "bench.attribution", "--measure", database_url],
        env={**os.environ, "BENCH_PERIOD": f"{first.isoformat()}/{last.isoformat()}"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return Measured(**json.loads(out.strip().splitlines()[-1]))


async def measure_here(database_url: str, first: date, last: date) -> Measured:
    from settings import maintenance_limits, tortoise_config

    await Tortoise.init(config=tortoise_config(database_url, maintenance_limits()))
    try:
        _reset_peak_rss()
        before = _status_kib("VmRSS")
        seconds, statements, rows, _, failure = await _run_once(first, last, trace=False)
        peak_rss = _status_kib("VmHWM") / 1024
        growth = peak_rss - before / 1024
        peak = 0
        if failure is None:
            _, _, _, peak, _ = await _run_once(first, last, trace=True)
    finally:
        await Tortoise.close_connections()
    return Measured(seconds, statements, growth, peak_rss, peak / 2**20, rows, failure)


async def _exists(database_url: str) -> bool:
    base, _, name = database_url.rpartition("/")
    conn = await asyncpg.connect(f"{base}/postgres")
    try:
        return bool(await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name))
    finally:
        await conn.close()


async def dataset(url: str, scale: float, seed: int, anchor: date, reuse: bool) -> dict[str, int]:
    if reuse and await _exists(url):
        await retag(url, scale, seed, 5)
        conn = await asyncpg.connect(url)
        try:
            return await table_rows(conn)
        finally:
            await conn.close()
    started = time.perf_counter()
    print(f"generating {url.rpartition('/')[2]} (scale {scale:g}) …", flush=True)
    counts = await generate_attribution(url, scale, seed, anchor)
    print(f"generated in {time.perf_counter() - started:.0f} s", flush=True)
    return counts


def _line(label: str, m: Measured) -> str:
    if m.failure:
        return f"  {label}: FAILED after {m.seconds:.1f} s, {m.statements} statements: {m.failure}"
    return (
        f"  {label}: {m.seconds:.1f} s, {m.statements:,} SQL statements, {m.rows} rows reported, "
        f"process RSS {m.rss_mib:.0f} MiB at its peak (+{m.rss_growth_mib:.0f} MiB over the run), "
        f"Python heap peak {m.heap_peak_mib:.1f} MiB"
    )


def _ratio(small: Measured, big: Measured) -> str:
    if small.failure or big.failure:
        return "  ratio: not comparable (a run failed)"
    return (
        f"  ratio full/tenth: time {big.seconds / max(small.seconds, 1e-9):.1f}×, "
        f"statements {big.statements / max(1, small.statements):.1f}×, "
        f"heap peak {big.heap_peak_mib / max(small.heap_peak_mib, 1e-9):.1f}×, "
        f"RSS growth {big.rss_growth_mib:.0f} vs {small.rss_growth_mib:.0f} MiB"
    )


async def main_async(args: argparse.Namespace) -> None:
    anchor = args.anchor or today_in_shanghai()
    last = anchor - timedelta(days=1)
    first = last - timedelta(days=PERIOD_DAYS - 1)
    sizes = [(args.scale / 10, f"{args.database_url}_tenth"), (args.scale, args.database_url)]
    counts = {}
    for scale, url in sizes:
        counts[scale] = await dataset(url, scale, args.seed, anchor, args.reuse)
        print(f"scale {scale:g} ({url.rpartition('/')[2]}): {counts[scale]}", flush=True)
    print(f"report over {first} – {last} (Asia/Shanghai), top 20 posts:")
    results: dict[tuple[float, int], Measured] = {}
    for scale, url in sizes:
        results[scale, 5] = measure(url, first, last)
        tagged = AttributionSizes.of(scale).tagged
        print(_line(f"scale {scale:g}, {tagged:,} posts tagged", results[scale, 5]), flush=True)
    print(_ratio(results[sizes[0][0], 5], results[sizes[1][0], 5]))
    if any(m.failure for m in results.values()):
        for scale, url in sizes:
            tagged = await retag(url, scale, args.seed, FALLBACK_KEPT)
            results[scale, FALLBACK_KEPT] = measure(url, first, last)
            print(_line(f"scale {scale:g}, {tagged:,} posts tagged", results[scale, FALLBACK_KEPT]))
            await retag(url, scale, args.seed, 5)
        print(_ratio(results[sizes[0][0], FALLBACK_KEPT], results[sizes[1][0], FALLBACK_KEPT]))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.attribution", description=__doc__)
    parser.add_argument("--database-url", default=DEFAULT_DB, help="its _tenth gets the tenth")
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 1,000,000 posts")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--anchor", type=date.fromisoformat, default=None)
    parser.add_argument("--reuse", action="store_true", help="keep existing databases")
    parser.add_argument("--measure", default=None, help=argparse.SUPPRESS)  # one report, as JSON
    args = parser.parse_args()
    if args.measure:
        first, last = (date.fromisoformat(d) for d in os.environ["BENCH_PERIOD"].split("/"))
        print(json.dumps(asdict(asyncio.run(measure_here(args.measure, first, last)))))
    else:
        asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
