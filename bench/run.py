"""``python -m bench run``: serve the product (uvicorn, the bench database, Redis db 8) and the
baseline, run each workload with wrk at fixed connections, alternating servers, ``--repeat``
times each, and print the medians: req/s, p50, p99, server CPU ms per request (from /proc before
and after), SQL statements per request (one request of each workload in-process, counted
through tortoise's statement log), and the ratio to the baseline where there is one."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from graphql import parse, print_ast
from graphql.utilities import separate_operations

from api.persisted import document_hash
from bench.prepare import data_dir

BENCH = Path(__file__).parent
ROOT = BENCH.parent
VENV_BIN = Path(sys.executable).parent
PRODUCT_PORT, BASELINE_PORT = 8181, 8182
CLK_TCK = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Workload:
    name: str
    title: str
    baseline: bool = False
    check: str | None = None  # what the runner verifies after the runs
    # The baseline's workload run alternating with this one, when the baseline cannot serve it:
    # the mix's ratio is to the baseline's first Feed page measured in the same minutes (the
    # machine's speed drifts between rows).
    paired: str | None = None

    @property
    def measured_against(self) -> str | None:
        """What the baseline runs alternating with this workload, if anything."""
        return self.paired or (self.name if self.baseline else None)


WORKLOADS = [
    Workload("feed_first", "Feed, first 20 (random viewers)", baseline=True),
    Workload("feed_first_apq", "Feed, first 20, persisted query (hash only)", baseline=True),
    Workload("feed_deep", "Feed, 20 after a deep cursor", baseline=True),
    Workload("post_detail", "PostDetail (10 comments)", baseline=True),
    Workload("leaderboard", "Leaderboard (top 20 + viewer)"),
    Workload("points", "Points (balance + 50 ledger rows)", baseline=True),
    Workload("campaign", "Campaign with its tally (12 entries)"),
    Workload("events", "Events, first 20 (waitlists, the viewer's registrations and groups)"),
    Workload("rewards", "Rewards, first 20 (each with the viewer's redeemed count)"),
    Workload("like", "LikePost", check="likes"),
    Workload("redeem", "RedeemReward (1 point, big stock)", check="stock"),
    Workload("portal_feed", "portal /feed?after=… (htmx fragment)"),
    Workload("search_common", "Search 番茄炒蛋, first 10 (one post in ten holds it)"),
    Workload("search_two_words_kind", "Search 阳台 种菜, recipes, first 10"),
    Workload("search_rare", "Search a word found in one post, first 10"),
    Workload("mix", "mix 80/8/5/5/2 feed/board/tally/points/like", paired="feed_first"),
]


def contract_operation(name: str, document: str = "miniprogram.graphql") -> str:
    """The contract's document for operation ``name``, with the fragments it uses."""
    path = ROOT / "api" / "contract" / document
    return print_ast(separate_operations(parse(path.read_text()))[name])


def bodies(reward_gid: str, campaign_gid: str) -> dict[str, dict[str, Any]]:
    """Request bodies by workload, with placeholders the wrk script fills per request."""
    feed = contract_operation("Feed")
    return {
        "feed_first": {"query": feed, "variables": {"first": 20}},
        "feed_first_apq": {
            "variables": {"first": 20},
            "extensions": {"persistedQuery": {"version": 1, "sha256Hash": document_hash(feed)}},
        },
        "feed_deep": {"query": feed, "variables": {"first": 20, "after": "__AFTER__"}},
        "post_detail": {
            "query": contract_operation("PostDetail"),
            "variables": {"id": "__POST__", "commentsFirst": 10},
        },
        "leaderboard": {
            "query": contract_operation("Leaderboard"),
            "variables": {"kind": "POINTS", "first": 20},
        },
        "points": {"query": contract_operation("Points"), "variables": {"first": 50}},
        "campaign": {"query": contract_operation("Campaign"), "variables": {"id": campaign_gid}},
        "events": {"query": contract_operation("Events"), "variables": {"first": 20}},
        "rewards": {"query": contract_operation("Rewards"), "variables": {"first": 20}},
        "like": {"query": contract_operation("LikePost"), "variables": {"postId": "__POST__"}},
        **search_bodies(),
        "redeem": {
            "query": contract_operation("RedeemReward"),
            "variables": {"rewardId": reward_gid, "quantity": 1, "idempotencyKey": "__KEY__"},
        },
    }


def search_bodies() -> dict[str, dict[str, Any]]:
    from bench.search import SHAPES

    search = contract_operation("SearchPosts", "search.graphql")
    found: dict[str, dict[str, Any]] = {}
    for name, (query, kind) in SHAPES.items():
        variables: dict[str, Any] = {"query": query, "first": 10}
        if kind:
            variables["kind"] = kind
        if name == "search_rare":
            variables["query"] = "__NUMBER__"
        found[name] = {"query": search, "variables": variables}
    return found


def write_bodies(data: Path) -> dict[str, dict[str, Any]]:
    from bench.generate import BIG_STOCK_REWARD
    from web.ids import encode_id

    found = bodies(encode_id("Reward", BIG_STOCK_REWARD), encode_id("Campaign", 1))
    lines = [f"{name}\t{orjson.dumps(body).decode()}" for name, body in found.items()]
    (data / "bodies.txt").write_text("\n".join(lines) + "\n")
    return found


# Servers ----------------------------------------------------------------------------------------


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen[bytes]

    def pids(self) -> list[int]:
        """The uvicorn process and its workers."""
        children: dict[int, list[int]] = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    continue
                children.setdefault(ppid, []).append(int(entry.name))
        found, todo = [], [self.process.pid]
        while todo:
            pid = todo.pop()
            found.append(pid)
            todo.extend(children.get(pid, []))
        return found

    def cpu_seconds(self) -> float:
        total = 0
        for pid in self.pids():
            try:
                fields = (Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1]).split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime + stime
        return total / CLK_TCK


def _wait_for(port: int, path: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                sock.sendall(f"GET {path} HTTP/1.0\r\n\r\n".encode())
                if sock.recv(64).startswith(b"HTTP/1.1 "):
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"nothing answers on :{port}")


@contextmanager
def serve(name: str, args: list[str], port: int, env: dict[str, str]) -> Iterator[Server]:
    process = subprocess.Popen(
        [
            str(VENV_BIN / "uvicorn"),
            *args,
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        cwd=ROOT,
        env={**os.environ, **env},
        start_new_session=True,
    )
    try:
        _wait_for(port, "/healthz" if name == "product" else "/graphql")
        yield Server(name, port, process)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


# wrk --------------------------------------------------------------------------------------------


@dataclass
class Sample:
    requests: int
    rps: float
    p50_ms: float
    p99_ms: float
    cpu_ms: float
    errors: int


@dataclass
class Result:
    workload: Workload
    product: list[Sample] = field(default_factory=list)
    baseline: list[Sample] = field(default_factory=list)
    statements: int | None = None
    baseline_statements: int | None = None
    note: str = ""
    check_agrees: bool | None = None  # the workload's check (likes, stock), when it has one


def wrk(server: Server, workload: str, connections: int, seconds: int, data: Path) -> Sample:
    path = "/feed" if workload == "portal_feed" else "/graphql"
    cpu_before = server.cpu_seconds()
    out = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "5s",
            "-s",
            str(BENCH / "workloads.lua"),
            f"http://127.0.0.1:{server.port}{path}",
        ],
        env={**os.environ, "WORKLOAD": workload, "BENCH_DATA": str(data)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    cpu = server.cpu_seconds() - cpu_before
    line = next(x for x in out.splitlines() if x.startswith("{"))
    done = json.loads(line)
    requests = max(1, done["requests"])
    return Sample(
        requests=int(done["requests"]),
        rps=done["requests"] / (done["duration_us"] / 1e6),
        p50_ms=done["p50_us"] / 1000,
        p99_ms=done["p99_us"] / 1000,
        cpu_ms=cpu * 1000 / requests,
        errors=done["non2xx"] + done["socket_errors"],
    )


def median(samples: list[Sample]) -> Sample:
    return Sample(
        requests=int(statistics.median(s.requests for s in samples)),
        rps=statistics.median(s.rps for s in samples),
        p50_ms=statistics.median(s.p50_ms for s in samples),
        p99_ms=statistics.median(s.p99_ms for s in samples),
        cpu_ms=statistics.median(s.cpu_ms for s in samples),
        errors=sum(s.errors for s in samples),
    )


# SQL statements per request, in-process -----------------------------------------------------------


class _Statements(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


async def count_statements(
    database_url: str, redis_url: str, found: dict[str, dict[str, Any]]
) -> tuple[dict[str, int], dict[str, str], dict[str, int]]:
    data = data_dir(database_url)
    """One request of each workload against the product in-process (the statements tortoise logs)
    and one of each workload the baseline serves (its own counter); also the first answer of each,
    so a workload that answers with errors (or a baseline that answers otherwise) is caught before
    it is measured."""
    import httpx
    from tortoise import Tortoise

    import asgi
    import bootstrap
    from bench import baseline
    from settings import load_settings, tortoise_config

    os.environ.update(DATABASE_URL=database_url, REDIS_URL=redis_url, **UNREACHED_LIMITS)
    settings = load_settings()
    collaborators = bootstrap.build_collaborators(settings)
    app = asgi.create_app(settings, collaborators, manage_stores=False)
    await Tortoise.init(config=tortoise_config(database_url))
    # Datasets share Redis db 8: the board must be this dataset's.
    from domain.points import leaderboard

    await leaderboard.rebuild(collaborators.redis, collaborators.clock.now())
    tokens = (data / "tokens.txt").read_text().split()
    cursor = (data / "cursors.txt").read_text().split()[0]
    portal_cursor = (data / "portal_cursors.txt").read_text().split()[0]
    post = (data / "post_ids.txt").read_text().split()[0]
    number = (data / "search_numbers.txt").read_text().split()[0]
    fill = {
        "__AFTER__": cursor,
        "__POST__": post,
        "__KEY__": f"count-{time.time_ns()}",
        "__NUMBER__": number,
    }
    logger = logging.getLogger("tortoise.db_client")
    counts: dict[str, int] = {}
    base_counts: dict[str, int] = {}
    answers: dict[str, str] = {}
    headers = {"Authorization": f"Bearer {tokens[0]}", "Content-Type": "application/json"}
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            await register(client, found["feed_first"], headers)
            for name, body in [*found.items(), ("portal_feed", None)]:
                handler = _Statements()
                logger.addHandler(handler)
                level = logger.level
                logger.setLevel(logging.DEBUG)
                try:
                    if body is None:
                        response = await client.get(
                            f"/feed?after={portal_cursor}", headers={"HX-Request": "true"}
                        )
                    else:
                        text = orjson.dumps(body).decode()
                        for key, value in fill.items():
                            text = text.replace(key, value)
                        response = await client.post("/graphql", content=text, headers=headers)
                finally:
                    logger.removeHandler(handler)
                    logger.setLevel(level)
                counts[name] = handler.count
                answers[name] = response.text
                if response.status_code != 200 or '"errors"' in response.text:
                    raise RuntimeError(f"{name} answers {response.status_code}: {response.text}")
        counts["mix"] = round(
            (
                40 * counts["feed_first"]
                + 40 * counts["feed_deep"]
                + 8 * counts["leaderboard"]
                + 5 * counts["campaign"]
                + 5 * counts["points"]
                + 2 * counts["like"]
            )
            / 100
        )
        os.environ["BENCH_DATABASE_URL"] = database_url
        product_transport = httpx.ASGITransport(app=app)
        async with (
            baseline.lifespan(baseline.app),
            httpx.AsyncClient(transport=product_transport, base_url="http://bench") as product,
        ):
            transport = httpx.ASGITransport(app=baseline.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
                for w in WORKLOADS:
                    if not w.baseline:
                        continue
                    text = orjson.dumps(found[w.name]).decode()
                    for key, value in fill.items():
                        text = text.replace(key, value)
                    before = baseline.statements
                    response = await client.post("/graphql", content=text, headers=headers)
                    base_counts[w.name] = baseline.statements - before
                    # Asked again now: the writes measured above (likes, redemptions) moved it.
                    again = await product.post("/graphql", content=text, headers=headers)
                    if response.json() != again.json():
                        print(f"{w.name}: the baseline answers otherwise", file=sys.stderr)
    finally:
        await collaborators.redis.aclose()
        await Tortoise.close_connections()
    return counts, answers, base_counts


async def register(client: Any, feed: dict[str, Any], headers: dict[str, str]) -> None:
    """Send the Feed document with its hash once, so hash-only requests find it."""
    query = feed["query"]
    body = {
        **feed,
        "extensions": {"persistedQuery": {"version": 1, "sha256Hash": document_hash(query)}},
    }
    response = await client.post("/graphql", content=orjson.dumps(body), headers=headers)
    assert "errors" not in response.text, response.text


async def like_counts_agree(database_url: str) -> tuple[int, int]:
    """(posts checked, posts whose like_count differs from COUNT(post_like)) for the bench's
    posts."""
    data = data_dir(database_url)
    import asyncpg
    from strawberry import relay

    from web.ids import encode_id  # noqa: F401  (ids in post_ids.txt are global ids)

    ids = [
        int(relay.GlobalID.from_id(g).node_id) for g in (data / "post_ids.txt").read_text().split()
    ]
    conn = await asyncpg.connect(database_url)
    try:
        bad = await conn.fetchval(
            "SELECT count(*) FROM post p WHERE p.id = ANY($1::int[]) AND p.like_count <> "
            "(SELECT count(*) FROM post_like l WHERE l.post_id = p.id)",
            ids,
        )
    finally:
        await conn.close()
    return len(ids), int(bad)


async def stock_agrees(database_url: str) -> bool:
    """The big-stock reward's stock equals its initial stock less what was redeemed."""
    import asyncpg

    from bench.generate import BIG_STOCK_REWARD

    conn = await asyncpg.connect(database_url)
    try:
        bad = await conn.fetchval(
            "SELECT r.stock + coalesce((SELECT sum(quantity) FROM redemption WHERE reward_id = r.id"
            " AND status <> 'CANCELLED'), 0) <> r.initial_stock FROM reward r WHERE r.id = $1",
            BIG_STOCK_REWARD,
        )
    finally:
        await conn.close()
    return not bad


# The per-member limits are counted as always but never reached: at 5 redemptions a minute per
# member, 1,000 members' tokens would turn most RedeemReward requests into quick RATE_LIMITED
# answers, and the rate would measure refusals.
UNREACHED_LIMITS = {"REDEMPTIONS_PER_MINUTE": "100000000", "MUTATIONS_PER_MINUTE": "100000000"}


async def vacuum(database_url: str) -> None:
    """What autovacuum does between a production database's bursts, before every sample: the
    PostgreSQL of these machines runs with it off, so the dead versions of the rows the writes
    hammer (the reward's stock, the accounts, the lots, the keys) piled up from one run to the
    next, and each sample of RedeemReward was slower than the one before it (235 → 159 → 144
    → 113 → 89 req/s; a 3-row reward table of 117 pages)."""
    import asyncpg

    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute("VACUUM")
    finally:
        await conn.close()


async def redemptions_made(database_url: str) -> int:
    """Redemptions of the big-stock reward so far: every RedeemReward answer should add one."""
    import asyncpg

    from bench.generate import BIG_STOCK_REWARD

    conn = await asyncpg.connect(database_url)
    try:
        made = await conn.fetchval(
            "SELECT count(*) FROM redemption WHERE reward_id = $1", BIG_STOCK_REWARD
        )
    finally:
        await conn.close()
    return int(made)


async def register_live(port: int, feed: dict[str, Any]) -> None:
    import httpx

    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
        await register(client, feed, {"Content-Type": "application/json"})


# The table --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """A target of the compiled hot paths (issue 14 of the tracker) and how a row is judged."""

    text: str
    min_ratio: float | None = None  # of its baseline (the mix's: the first Feed page alongside)
    min_rps: float | None = None
    max_cpu_ms: float | None = None
    max_p99_of_baseline: float | None = None
    check: bool = False  # the runner's check (likes, stock) must agree


_FEED = Target("≥ 0.75× baseline, CPU ≤ 1.5 ms, p99 ≤ 2× baseline's", 0.75, None, 1.5, 2.0)
TARGETS = {
    "feed_first": _FEED,
    "feed_first_apq": _FEED,
    "feed_deep": _FEED,
    "post_detail": Target("≥ 0.6× baseline", min_ratio=0.6),
    "points": Target("≥ 0.6× baseline", min_ratio=0.6),
    "leaderboard": Target("≥ 2,000 req/s", min_rps=2000),
    "like": Target("≥ 800 req/s, no lost counts", min_rps=800, check=True),
    "redeem": Target("≥ 300 req/s, stock exact", min_rps=300, check=True),
    "mix": Target("≥ 0.6× baseline Feed rate", min_ratio=0.6),
    "portal_feed": Target("≥ 2,000 req/s", min_rps=2000),
}


def holds(target: Target, r: Result) -> str:
    """ "yes" or "no" (what fails, named), or "" when the run lacks what the target needs."""
    p = median(r.product)
    b = median(r.baseline) if r.baseline else None
    own = target.min_ratio is not None or target.max_p99_of_baseline is not None
    if own and b is None:
        return ""
    failed = [name for name, fails in _failures(target, r, p, b) if fails]
    return f"no ({', '.join(dict.fromkeys(failed))})" if failed else "yes"


def _failures(t: Target, r: Result, p: Sample, b: Sample | None) -> list[tuple[str, bool]]:
    return [
        ("rate", t.min_ratio is not None and b is not None and p.rps < t.min_ratio * b.rps),
        ("rate", t.min_rps is not None and p.rps < t.min_rps),
        ("CPU", t.max_cpu_ms is not None and p.cpu_ms > t.max_cpu_ms),
        (
            "p99",
            t.max_p99_of_baseline is not None
            and b is not None
            and p.p99_ms > t.max_p99_of_baseline * b.p99_ms,
        ),
        ("check", t.check and r.check_agrees is not True),
    ]


def table(results: list[Result]) -> str:
    head = (
        "| workload | req/s | p50 ms | p99 ms | CPU ms/req | req/s per core | SQL/req | "
        "baseline req/s | baseline p99 ms | baseline CPU ms/req | ratio | target | holds | note |\n"
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---|\n"
    )
    rows = []
    for r in results:
        p = median(r.product)
        b = median(r.baseline) if r.baseline else None
        of = f" (of {r.workload.paired}'s)" if r.workload.paired else ""
        ratio = f"{p.rps / b.rps:.2f}×{of}" if b else ""
        sql = "" if r.statements is None else str(r.statements)
        if b and r.baseline_statements is not None:
            sql += f" (baseline {r.baseline_statements})"
        errors = f"{p.errors} errors" if p.errors else ""
        note = "; ".join(x for x in (r.note, errors) if x)
        target = TARGETS.get(r.workload.name)
        verdict = holds(target, r) if target else ""
        rows.append(
            f"| {r.workload.title} | {p.rps:,.0f} | {p.p50_ms:.1f} | {p.p99_ms:.1f} | "
            f"{p.cpu_ms:.2f} | {1000 / max(p.cpu_ms, 0.01):,.0f} | {sql} | "
            f"{f'{b.rps:,.0f}' if b else ''} | {f'{b.p99_ms:.1f}' if b else ''} | "
            f"{f'{b.cpu_ms:.2f}' if b else ''} | {ratio} | {target.text if target else ''} | "
            f"{verdict} | {note} |"
        )
    return head + "\n".join(rows) + "\n"


def run_all(args: Any) -> None:
    data = data_dir(args.database_url)
    found = write_bodies(data)
    counts, _answers, base_counts = asyncio.run(
        count_statements(args.database_url, args.redis_url, found)
    )
    env = {
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "BENCH_DATABASE_URL": args.database_url,
        "SECRET_KEY": "bench-secret-key-not-for-production",
        "LOG_LEVEL": "WARNING",
        **UNREACHED_LIMITS,
    }
    workers = ["--workers", str(args.workers)]
    selected = [w for w in WORKLOADS if not args.only or w.name in args.only]
    results = [
        Result(
            w,
            statements=counts.get(w.name),
            baseline_statements=base_counts.get(w.measured_against or w.name),
        )
        for w in selected
    ]
    with (
        serve(
            "product", ["asgi:app_from_environment", "--factory", *workers], PRODUCT_PORT, env
        ) as product,
        serve("baseline", ["bench.baseline:app", *workers], BASELINE_PORT, env) as base,
    ):
        for result in results:
            w = result.workload
            against = w.measured_against
            sides = [(product, w.name)] + ([(base, against)] if against else [])
            made_before = asyncio.run(redemptions_made(args.database_url))
            answered = 0
            for side, ran in sides:  # warm-up, not counted
                answered += wrk(side, ran, args.connections, 2, data).requests
            for _ in range(args.repeat):
                for side, ran in sides:
                    asyncio.run(vacuum(args.database_url))
                    sample = wrk(side, ran, args.connections, args.duration, data)
                    answered += sample.requests
                    (result.product if side is product else result.baseline).append(sample)
            if w.check == "likes":
                checked, bad = asyncio.run(like_counts_agree(args.database_url))
                result.note = f"like_count = COUNT(*) on {checked - bad}/{checked} posts liked"
                result.check_agrees = bad == 0 and checked > 0
            if w.check == "stock":
                agrees = asyncio.run(stock_agrees(args.database_url))
                result.check_agrees = agrees
                made = asyncio.run(redemptions_made(args.database_url)) - made_before
                result.note = (
                    f"stock = initial − redeemed: {'yes' if agrees else 'NO'}; "
                    f"{made:,} redemptions made for {answered:,} answers"
                )
            m = median(result.product)
            print(f"{w.name}: {m.rps:,.0f} req/s, p99 {m.p99_ms:.1f} ms", file=sys.stderr)
    text = table(results)
    print(text)
    if args.out:
        Path(args.out).write_text(text)
