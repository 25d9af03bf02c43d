"""The ``linli`` command: serve, migrate, seed-demo, create-admin."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

from tortoise import Tortoise

from settings import Settings, choose_no_demo, load_settings, maintenance_limits, tortoise_config


async def _with_database(settings: Settings, work: Callable[[], Awaitable[Any]]) -> Any:
    await Tortoise.init(config=tortoise_config(settings.database_url, maintenance_limits()))
    try:
        return await work()
    finally:
        await Tortoise.close_connections()


async def _migrate(settings: Settings) -> None:
    from domain.stores import apply_migrations

    await apply_migrations(tortoise_config(settings.database_url, maintenance_limits()))
    await Tortoise.close_connections()


async def _seed_if_empty(settings: Settings) -> list[str]:
    from bootstrap import build_collaborators
    from demo.campaigns import seed_campaigns_demo
    from demo.events import seed_events_demo
    from demo.exposures import seed_exposures_demo
    from demo.groups import seed_groups_demo
    from demo.points import seed_points_demo
    from demo.posts import seed_posts_demo
    from demo.products import seed_products_demo
    from demo.purchases import seed_purchases_demo
    from demo.residents import database_is_empty, seed_demo
    from domain.search.index import reindex
    from domain.segments.recompute import recompute_tiers

    async def work() -> list[str]:
        if not await database_is_empty():
            return ["数据库已有数据，跳过演示数据。"]
        collaborators = build_collaborators(settings)
        try:
            summary = await seed_demo(collaborators.clock)
            grouped = await seed_groups_demo()
            bought = await seed_purchases_demo(collaborators)
            posted = await seed_posts_demo(collaborators)
            made = await seed_points_demo(collaborators)
            stocked = await seed_products_demo(collaborators)
            seen = await seed_exposures_demo(collaborators)
            campaigned = await seed_campaigns_demo(collaborators)
            events = await seed_events_demo(collaborators)
            tiered = await recompute_tiers(collaborators, trigger="COMMAND")
            indexed = await reindex(collaborators)  # the demo's posts were written directly
        finally:
            await collaborators.redis.aclose()
        return [
            *summary.lines(),
            f"兴趣小组：{grouped['groups']} 个，{grouped['memberships']} 位组员。",
            f"邻里内容：{posted['posts']} 篇（{posted['recipes']} 篇食谱，"
            f"{posted['pending']} 篇待审核），{posted['comments']} 条评论，"
            f"{posted['likes']} 个赞。",
            f"积分商城：{made['rewards']} 件好物，{made['redeemed']} 笔兑换；"
            f"{made['check_ins']} 次签到，{made['bonuses']} 笔运营回馈。",
            f"商品：{stocked['products']} 件，{stocked['tagged']} 篇分享关联了商品。",
            f"浏览记录：近三个月 {seen['viewers']} 位邻居看过帖子，"
            f"{seen['exposures']} 条（每人每帖每天一条）。",
            f"一年的订单：{bought['purchases']} 笔，{bought['buyers']} 位邻居下过单；"
            f"邀请加入 {bought['referrals']} 位，其中 {bought['rewarded']} 位已完成首单。",
            f"共创活动：{campaigned['campaigns']} 个，{campaigned['votes']} 张选票。",
            f"线下活动：{events['events']} 场，{events['registrations']} 人次报名，"
            f"{events['checked_in']} 人次签到，{events['no_shows']} 人次缺席。",
            tier_line(tiered),
            f"搜索索引：{indexed} 篇。",
        ]

    result: list[str] = await _with_database(settings, work)
    return result


async def _reconcile(settings: Settings) -> tuple[bool, list[str]]:
    from domain.points.reconcile import reconcile

    report = await _with_database(settings, reconcile)
    return report.clean, report.lines()


def cmd_reconcile(settings: Settings, _args: argparse.Namespace) -> int:
    clean, lines = asyncio.run(_reconcile(settings))
    print("\n".join(lines))
    return 0 if clean else 1


async def _rebuild_leaderboards(settings: Settings) -> int:
    from bootstrap import build_collaborators
    from domain.points import leaderboard

    collaborators = build_collaborators(settings)

    async def work() -> int:
        from domain.campaigns import live

        await live.rebuild_all(collaborators.redis)  # campaign tallies are derived data too
        return await leaderboard.rebuild(collaborators.redis, collaborators.clock.now())

    try:
        count: int = await _with_database(settings, work)
    finally:
        await collaborators.redis.aclose()
    return count


def cmd_rebuild_leaderboards(settings: Settings, _args: argparse.Namespace) -> int:
    count = asyncio.run(_rebuild_leaderboards(settings))
    print(f"本月积分榜已从数据库重建：{count} 位邻居上榜。")
    referrers = asyncio.run(_rebuild_referral_leaderboard(settings))
    print(f"推荐之星榜已从数据库重建：{referrers} 位邻居上榜。")
    return 0


async def _rebuild_referral_leaderboard(settings: Settings) -> int:
    from bootstrap import build_collaborators
    from domain.referrals import leaderboard

    collaborators = build_collaborators(settings)
    try:
        count: int = await _with_database(
            settings, lambda: leaderboard.rebuild(collaborators.redis)
        )
    finally:
        await collaborators.redis.aclose()
    return count


async def _import_purchases(settings: Settings, args: argparse.Namespace) -> list[str]:
    from pathlib import Path

    from bootstrap import build_collaborators
    from domain.purchases.csv_file import FileProgress, summary_lines
    from domain.purchases.csv_import import find_importing_admin, import_purchases_csv

    path = Path(args.file)
    progress = FileProgress(path, sys.stderr)
    collaborators = build_collaborators(settings)

    async def work() -> list[str]:
        admin = await find_importing_admin(args.admin)
        # One task in a CLI: reading a local file line by line blocks nobody else.
        with path.open("rb") as handle:  # noqa: ASYNC230
            summary = await import_purchases_csv(
                collaborators, admin, progress.lines(handle), progress
            )
        progress.finish()
        return summary_lines(summary)

    try:
        result: list[str] = await _with_database(settings, work)
    finally:
        await collaborators.redis.aclose()
    return result


def cmd_import_purchases(settings: Settings, args: argparse.Namespace) -> int:
    from domain.errors import DomainError

    try:
        lines = asyncio.run(_import_purchases(settings, args))
    except (DomainError, OSError) as error:
        print(getattr(error, "message", None) or str(error), file=sys.stderr)
        return 1
    print("\n".join(lines))
    return 0


async def _import_products(settings: Settings, args: argparse.Namespace) -> tuple[bool, list[str]]:
    from pathlib import Path

    from bootstrap import build_collaborators
    from domain.products.csv_import import import_products_csv
    from domain.purchases.csv_file import decoded_lines
    from domain.purchases.csv_import import find_importing_admin

    path = Path(args.file)
    collaborators = build_collaborators(settings)

    async def work() -> tuple[bool, list[str]]:
        admin = await find_importing_admin(args.admin)
        with path.open("rb") as handle:  # noqa: ASYNC230 -- one task in a CLI
            summary = await import_products_csv(collaborators, admin, decoded_lines(handle))
        if not summary.written:
            lines = ["未导入任何商品：请修改以下各行后重新导入。"]
            lines += [f"  第 {e.line} 行 {e.field}：{e.message}" for e in summary.errors]
            return False, lines
        return True, [
            f"商品：新增 {summary.created:,} 件，更新 {summary.updated:,} 件，"
            f"未变 {summary.unchanged:,} 件。"
        ]

    try:
        result: tuple[bool, list[str]] = await _with_database(settings, work)
    finally:
        await collaborators.redis.aclose()
    return result


def cmd_import_products(settings: Settings, args: argparse.Namespace) -> int:
    from domain.errors import DomainError

    try:
        written, lines = asyncio.run(_import_products(settings, args))
    except (DomainError, OSError) as error:
        print(getattr(error, "message", None) or str(error), file=sys.stderr)
        return 1
    print("\n".join(lines))
    return 0 if written else 1


async def _worker(settings: Settings) -> None:
    from taskiq.api import run_receiver_task

    from bootstrap import build_broker, build_collaborators

    collaborators = build_collaborators(settings)
    broker = build_broker(collaborators)
    await Tortoise.init(config=tortoise_config(settings.database_url, maintenance_limits()))
    await broker.startup()
    try:
        await run_receiver_task(broker)
    finally:
        await broker.shutdown()
        await Tortoise.close_connections()
        await collaborators.redis.aclose()


TIER_NAMES = {
    "KOC": "达人",
    "HIGH_VALUE": "高价值",
    "POTENTIAL": "潜力",
    "DORMANT": "沉睡",
    "NEWCOMER": "新人",
}


def tier_line(run: Any) -> str:
    """A tier run's counts, with the shares among the year's buyers (what the spec's
    5 / 15 / 60 / 20 speak of)."""
    buyers = sum(run.buyer_shares.values())
    counts = "，".join(f"{TIER_NAMES[n]} {run.shares.get(n, 0):,}" for n in TIER_NAMES)
    among = " / ".join(
        f"{TIER_NAMES[n]} {run.buyer_shares.get(n, 0) / max(1, buyers):.0%}"
        for n in ("KOC", "HIGH_VALUE", "POTENTIAL", "DORMANT")
    )
    return (
        f"会员分层：{run.members:,} 位会员（{run.changed:,} 位变动）：{counts}；"
        f"一年内下过单的 {buyers:,} 位中：{among}。"
    )


class TierProgress:
    """A progress bar on stderr for ``linli recompute-tiers``."""

    label, unit = "分层计算", "位会员"

    def __init__(self, out: Any = sys.stderr, width: int = 30) -> None:
        self.out, self.width, self.drawn_at = out, width, 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.drawn_at < 0.2 and done < total:
            return
        self.drawn_at = now
        share = done / total if total else 1.0
        filled = int(share * self.width)
        self.out.write(
            f"\r{self.label} [{'#' * filled}{'.' * (self.width - filled)}] {share:4.0%} "
            f"{done:,}/{total:,} {self.unit}"
        )
        self.out.flush()


async def _recompute_tiers(settings: Settings) -> list[str]:
    from bootstrap import build_collaborators
    from domain.segments.recompute import recompute_tiers

    async def work() -> list[str]:
        collaborators = build_collaborators(settings)
        progress = TierProgress()
        started = time.perf_counter()
        try:
            run = await recompute_tiers(collaborators, progress, trigger="COMMAND")
        finally:
            await collaborators.redis.aclose()
        sys.stderr.write("\n")
        rate = run.members / max(1e-9, time.perf_counter() - started)
        return [
            tier_line(run),
            f"用时 {time.perf_counter() - started:.1f} 秒（{rate:,.0f} 位/秒）。",
        ]

    result: list[str] = await _with_database(settings, work)
    return result


def cmd_recompute_tiers(settings: Settings, _args: argparse.Namespace) -> int:
    from domain.segments.errors import RecomputeRunningError

    try:
        lines = asyncio.run(_recompute_tiers(settings))
    except RecomputeRunningError as error:  # the nightly job or an admin's button holds the lock
        print(error.message, file=sys.stderr)
        return 1
    for line in lines:
        print(line)
    return 0


class ReindexProgress(TierProgress):
    """A progress bar on stderr for ``linli reindex``."""

    label, unit = "搜索索引", "篇"


async def _reindex(settings: Settings) -> str:
    from bootstrap import build_collaborators
    from domain.search.index import reindex

    async def work() -> str:
        collaborators = build_collaborators(settings)
        started = time.perf_counter()
        try:
            posts = await reindex(collaborators, ReindexProgress())
        finally:
            await collaborators.redis.aclose()
        sys.stderr.write("\n")
        took = time.perf_counter() - started
        rate = posts / max(1e-9, took)
        return f"重建了 {posts:,} 篇的搜索索引，用时 {took:.1f} 秒（{rate:,.0f} 篇/秒）。"

    result: str = await _with_database(settings, work)
    return result


def cmd_reindex(settings: Settings, _args: argparse.Namespace) -> int:
    print(asyncio.run(_reindex(settings)))
    return 0


class RenditionProgress(TierProgress):
    """A progress bar on stderr for ``linli make-renditions``."""

    label, unit = "图片尺寸", "张"


async def _make_renditions(settings: Settings) -> str:
    from bootstrap import build_collaborators
    from domain.media.services import make_missing_renditions

    async def work() -> str:
        collaborators = build_collaborators(settings)
        started = time.perf_counter()
        try:
            made = await make_missing_renditions(collaborators.images, RenditionProgress())
        finally:
            await collaborators.redis.aclose()
        sys.stderr.write("\n")
        return (
            f"为 {made:,} 张旧图片生成了各尺寸版本，用时 {time.perf_counter() - started:.1f} 秒。"
        )

    result: str = await _with_database(settings, work)
    return result


def cmd_make_renditions(settings: Settings, _args: argparse.Namespace) -> int:
    print(asyncio.run(_make_renditions(settings)))
    return 0


def cmd_worker(settings: Settings, _args: argparse.Namespace) -> int:
    if settings.uses_memory_redis:
        print("memory:// runs jobs inside `linli serve`; a worker needs REDIS_URL=redis://…")
        return 2
    asyncio.run(_worker(settings))
    return 0


async def _run_jobs(settings: Settings) -> dict[str, int]:
    from bootstrap import build_collaborators
    from domain.jobs import run_due_jobs

    collaborators = build_collaborators(settings)
    try:
        done: dict[str, int] = await _with_database(settings, lambda: run_due_jobs(collaborators))
    finally:
        await collaborators.redis.aclose()
    return done


def cmd_run_jobs(settings: Settings, _args: argparse.Namespace) -> int:
    print(asyncio.run(_run_jobs(settings)))
    return 0


def cmd_migrate(settings: Settings, _args: argparse.Namespace) -> int:
    asyncio.run(_migrate(settings))
    print("数据库迁移已完成。")
    return 0


def cmd_seed_demo(settings: Settings, args: argparse.Namespace) -> int:
    asyncio.run(_migrate(settings))
    for line in asyncio.run(_seed_if_empty(settings)):
        print(line)
    return 0


GRACEFUL_SHUTDOWN_SECONDS = 5


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    started = time.perf_counter()
    asyncio.run(_migrate(settings))
    if args.no_demo:
        choose_no_demo()
    if settings.demo and not args.no_demo:
        for line in asyncio.run(_seed_if_empty(settings)):
            print(line)
    if settings.uses_memory_redis and args.workers > 1:
        print("memory:// Redis lives in one process: use REDIS_URL=redis://… for several workers.")
        return 2
    print(
        f"准备用时 {time.perf_counter() - started:.1f}s；门户 http://{args.host}:{args.port}/ ，"
        f"GraphQL http://{args.host}:{args.port}/graphql"
    )
    uvicorn.run(
        "asgi:app_from_environment",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        proxy_headers=False,
        log_config=None,
        # Open pages hold server-sent event streams (the bell, live tallies) that never end by
        # themselves: a stop or restart cancels them after this long instead of waiting for
        # every browser to leave (EventSource reconnects to the next process).
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
    )
    return 0


async def _create_admin(phone: str, name: str, password: str) -> str:
    from domain.identity.admin import create_admin

    member, created = await create_admin(phone, name, password)
    return f"{'已创建' if created else '已设为'}管理员：{member.display_name}（{member.phone}）"


def cmd_create_admin(settings: Settings, args: argparse.Namespace) -> int:
    password = args.password or getpass.getpass("管理员密码：")
    from domain.errors import DomainError

    try:
        line = asyncio.run(
            _with_database(settings, lambda: _create_admin(args.phone, args.name, password))
        )
    except DomainError as error:
        print(error.message, file=sys.stderr)
        return 1
    print(line)
    return 0


async def _setup_code(settings: Settings) -> str | None:
    from bootstrap import build_collaborators
    from domain.programme.first_run import issue_setup_code

    collaborators = build_collaborators(settings)
    try:
        code: str | None = await _with_database(settings, lambda: issue_setup_code(collaborators))
    finally:
        await collaborators.redis.aclose()
    return code


def cmd_setup_code(settings: Settings, _args: argparse.Namespace) -> int:
    if settings.uses_memory_redis:
        print("memory:// keeps the setup code inside `linli serve`: see its console output.")
        return 2
    code = asyncio.run(_setup_code(settings))
    if code is None:
        print("已有管理员：首次设置已完成，请用管理员账号登录。")
        return 1
    print(f"首次设置码：{code}（打开 /setup 创建第一位管理员）")
    return 0


def _parser(settings: Settings) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="linli", description="邻里 Linli")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="migrate, seed demo data if empty, serve")
    serve.add_argument("--host", default=settings.host)
    serve.add_argument("--port", type=int, default=settings.port)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument(
        "--no-demo",
        action="store_true",
        help="seed no demo data: an empty database starts at the setup page (LINLI_DEMO=0)",
    )
    serve.set_defaults(func=cmd_serve)
    commands.add_parser("migrate", help="apply database migrations").set_defaults(func=cmd_migrate)
    seed = commands.add_parser("seed-demo", help="load the Chinese demo data (empty database)")
    seed.set_defaults(func=cmd_seed_demo)
    commands.add_parser("worker", help="consume background jobs from Redis").set_defaults(
        func=cmd_worker
    )
    commands.add_parser("run-jobs", help="run the due jobs once, now").set_defaults(
        func=cmd_run_jobs
    )
    commands.add_parser(
        "reconcile", help="check every points account and reward stock; non-zero on mismatch"
    ).set_defaults(func=cmd_reconcile)
    commands.add_parser(
        "rebuild-leaderboards",
        help="rebuild the boards and tallies from the database now (optional: they heal on read)",
    ).set_defaults(func=cmd_rebuild_leaderboards)
    commands.add_parser(
        "recompute-tiers", help="recompute every member's RFM tier now (nightly job's work)"
    ).set_defaults(func=cmd_recompute_tiers)
    commands.add_parser(
        "reindex", help="rebuild the search index of every post (safe while serving)"
    ).set_defaults(func=cmd_reindex)
    commands.add_parser(
        "make-renditions",
        help="make the 360/720/1440 px WebP and JPEG versions of uploads that predate them",
    ).set_defaults(func=cmd_make_renditions)
    purchases = commands.add_parser(
        "import-purchases", help="record the mall's orders from a CSV file (safe to re-run)"
    )
    purchases.add_argument("file", help="CSV: order_id, phone or member_id, amount_cents, …")
    purchases.add_argument("--admin", help="the importing admin's phone (default: first admin)")
    purchases.set_defaults(func=cmd_import_purchases)
    catalogue = commands.add_parser(
        "import-products", help="add or update the product catalogue from a CSV file"
    )
    catalogue.add_argument("file", help="CSV: sku, name, price (in yuan)")
    catalogue.add_argument("--admin", help="the importing admin's phone (default: first admin)")
    catalogue.set_defaults(func=cmd_import_products)
    commands.add_parser(
        "setup-code", help="show the one-time code of the setup page while there is no admin"
    ).set_defaults(func=cmd_setup_code)
    admin = commands.add_parser("create-admin", help="create an admin or promote a member")
    admin.add_argument("--phone", required=True)
    admin.add_argument("--name", default="运营")
    admin.add_argument("--password", help="prompted for when omitted")
    admin.set_defaults(func=cmd_create_admin)
    return parser


def main(argv: list[str] | None = None) -> int:
    settings = load_settings()
    from logs import configure_logging

    configure_logging(settings.log_level)
    args = _parser(settings).parse_args(argv)
    code: int = args.func(settings, args)
    return code


if __name__ == "__main__":
    sys.exit(main())
