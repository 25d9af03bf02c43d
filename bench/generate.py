"""The bench dataset: a PostgreSQL database built from scratch with the project's migrations, then
filled with set-based SQL (generate_series, INSERT … SELECT, window functions).

Every value is a function of (seed, scale, anchor day): a multiplicative hash of the row number
decides authors, groups, kinds, statuses, counts and times, so the same arguments give the same
rows. Counters and balances are derived from the same functions as the rows they count, and the
run ends by checking them against the rows (and ``linli reconcile`` passes on the result).

At scale 1: 100,000 members, 50 groups, 1,000,000 posts, ~5.8M likes (0–12 a visible post),
~1.9M comments (0–4 a visible post), 10,000,000 ledger entries (100 a member: 95 earnings and 5
redemptions), their lots and lot draws, 500,000 redemptions; at any scale, a mall of 20 rewards
and 120 upcoming events with 25 registrations each.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

import asyncpg

from domain.clock import SHANGHAI
from domain.events.models import SEATED

TITLES = (
    "番茄炒蛋的小窍门",
    "周末红烧肉",
    "楼下的桂花开了",
    "自制酸奶",
    "小区跑步路线",
    "孩子的手工课",
    "阳台种菜记",
    "团购的车厘子",
    "冬天的萝卜汤",
    "旧物改造",
)
EARN_RULES = (  # (reason, amount or None for a purchase amount, description), by hash % 10
    ("CHECK_IN", 2, "每日签到"),
    ("CHECK_IN", 2, "每日签到"),
    ("CHECK_IN", 2, "每日签到"),
    ("CHECK_IN", 2, "每日签到"),
    ("POST_PUBLISHED", 10, "发布内容"),
    ("POST_PUBLISHED", 10, "发布内容"),
    ("POST_PUBLISHED", 20, "发布食谱"),
    ("EVENT_ATTENDED", 20, "参加线下活动"),
    ("PURCHASE", None, "商城购物"),
    ("PURCHASE", None, "商城购物"),
)
ENTRIES_PER_MEMBER = 100  # every 20th a redemption of reward 2 (20 points) or 3 (30 points)
BIG_STOCK_REWARD = 1  # the RedeemReward workload's reward: 1 point, 100,000,000 in stock
PICKUP_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


@dataclass(frozen=True)
class Sizes:
    members: int
    groups: int
    posts: int
    estates: int = 20

    @classmethod
    def of(cls, scale: float) -> Sizes:
        return cls(
            members=max(100, round(100_000 * scale)),
            groups=50,
            posts=max(100, round(1_000_000 * scale)),
        )


def anchor_of(day: date) -> datetime:
    """Shanghai midnight of ``day``: every time in the dataset is before it but the events' own
    (they start from the next day on, so a run in the following weeks finds them upcoming)."""
    return datetime(day.year, day.month, day.day, tzinfo=SHANGHAI)


def _functions(seed: int, sizes: Sizes) -> list[str]:
    """Inlined SQL functions for the hash and the per-post counts (dropped at the end)."""
    salt = seed * 1_000_003
    m, p = sizes.members, sizes.posts
    return [
        f"CREATE FUNCTION bench_h(bigint) RETURNS bigint IMMUTABLE LANGUAGE sql "
        f"AS 'SELECT (($1 + {salt}) * 2654435761) % 4294967296'",
        "CREATE FUNCTION bench_status(int) RETURNS text IMMUTABLE LANGUAGE sql AS $$ SELECT "
        "CASE WHEN $1 % 53 = 0 THEN 'PENDING' WHEN $1 % 89 = 0 THEN 'REJECTED' "
        "WHEN $1 % 97 = 0 THEN 'HIDDEN' ELSE 'PUBLISHED' END $$",
        "CREATE FUNCTION bench_visible(int) RETURNS boolean IMMUTABLE LANGUAGE sql AS $$ "
        "SELECT $1 % 53 <> 0 AND $1 % 89 <> 0 $$",
        f"CREATE FUNCTION bench_author(int) RETURNS int IMMUTABLE LANGUAGE sql AS $$ "
        f"SELECT (1 + bench_h($1 + 7777777) % {m})::int $$",
        "CREATE FUNCTION bench_likes(int) RETURNS int IMMUTABLE LANGUAGE sql AS $$ SELECT "
        "CASE WHEN bench_visible($1) THEN (bench_h($1 + 1) % 13)::int ELSE 0 END $$",
        "CREATE FUNCTION bench_comments(int) RETURNS int IMMUTABLE LANGUAGE sql AS $$ SELECT "
        "CASE WHEN bench_visible($1) THEN (bench_h($1 + 2) % 5)::int ELSE 0 END $$",
        # Posts are spread over 360 days before the anchor, newer ids newer (with jitter).
        f"CREATE FUNCTION bench_published(int, timestamptz) RETURNS timestamptz IMMUTABLE "
        f"LANGUAGE sql AS $$ SELECT $2 - interval '1 second' * "
        f"(floor(({p} - $1)::float8 / {p} * 360 * 86400) + bench_h($1 + 3) % 600 + 1) $$",
    ]


DROP_FUNCTIONS = [
    "DROP FUNCTION IF EXISTS bench_published(int, timestamptz)",
    "DROP FUNCTION IF EXISTS bench_comments(int)",
    "DROP FUNCTION IF EXISTS bench_likes(int)",
    "DROP FUNCTION IF EXISTS bench_author(int)",
    "DROP FUNCTION IF EXISTS bench_visible(int)",
    "DROP FUNCTION IF EXISTS bench_status(int)",
    "DROP FUNCTION IF EXISTS bench_h(bigint)",
]


def identity_sql(sizes: Sizes) -> list[str]:
    m, g, e = sizes.members, sizes.groups, sizes.estates
    return [
        f"""INSERT INTO estate (id, name, city, district, created_at)
        SELECT i, '邻里小区' || i || '期', '上海', '浦东新区', __A__ - interval '500 days'
        FROM generate_series(1, {e}) i""",
        f"""INSERT INTO member (id, phone, password_hash, display_name, avatar_url, roles,
            invite_code, consent_version, consented_at, suspended, created_at, last_seen_at,
            estate_id, referred_by_id, tier)
        SELECT i, '139' || lpad(i::text, 8, '0'), NULL, '邻居' || i, NULL,
            CASE WHEN i = 1 THEN '["RESIDENT", "ADMIN"]'::jsonb
                 WHEN i <= {g} THEN '["RESIDENT", "HOST"]'::jsonb
                 ELSE '["RESIDENT"]'::jsonb END,
            'B' || lpad(upper(to_hex(i)), 7, '0'), '2026-01', __A__ - interval '400 days', false,
            __A__ - interval '400 days' + interval '1 second' * (bench_h(i) % (30 * 86400)),
            NULL, 1 + i % {e}, NULL,
            (ARRAY['KOC', 'HIGH_VALUE', 'POTENTIAL', 'DORMANT', 'NEWCOMER'])[1 + bench_h(i) % 5]
        FROM generate_series(1, {m}) i""",
        f"""INSERT INTO interest_group (id, name, slug, description, cover_url, member_count,
            created_at, estate_id, host_id)
        SELECT i, '兴趣小组' || i, 'group-' || i, '第' || i || '个兴趣小组：邻居们一起玩。',
            NULL, 0, __A__ - interval '390 days', NULL, i
        FROM generate_series(1, {g}) i""",
        # 0–3 groups a member, distinct because 13·j mod 50 differs for j < 4.
        f"""INSERT INTO group_membership (joined_at, group_id, member_id)
        SELECT __A__ - interval '380 days' + interval '1 second' * (bench_h(m + 11) % 86400),
            1 + (m * 7 + j * 13) % {g}, m
        FROM generate_series(1, {m}) m, generate_series(0, 3) j
        WHERE j < bench_h(m + 5) % 4
        ORDER BY m, j""",
        """UPDATE interest_group g SET member_count = c.n
        FROM (SELECT group_id, count(*) AS n FROM group_membership GROUP BY group_id) c
        WHERE c.group_id = g.id""",
    ]


def posts_sql(sizes: Sizes, first: int, last: int) -> list[str]:
    """Posts ``first``..``last`` with their cover images, likes and comments."""
    m, g = sizes.members, sizes.groups
    titles = "(ARRAY[" + ", ".join(f"'{t}'" for t in TITLES) + "])"
    return [
        f"""INSERT INTO post (id, kind, title, body, body_html, excerpt, status, featured,
            moderation_note, like_count, comment_count, report_count, created_at, published_at,
            author_id, group_id)
        SELECT p, (ARRAY['RECIPE', 'STORY', 'PHOTO', 'TIP'])[1 + bench_h(p + 4) % 4],
            {titles}[1 + bench_h(p + 6) % 10] || ' · ' || p,
            body, '<p>' || body || '</p>', left(body, 80),
            bench_status(p), bench_status(p) = 'PUBLISHED' AND p % 2000 = 7,
            CASE WHEN bench_status(p) = 'REJECTED' THEN '与小组主题无关' END,
            bench_likes(p), bench_comments(p), 0,
            bench_published(p, __A__) - interval '10 minutes',
            CASE WHEN bench_visible(p) THEN bench_published(p, __A__) END,
            bench_author(p),
            CASE WHEN bench_h(p + 8) % 10 = 0 THEN NULL ELSE 1 + bench_h(p + 9) % {g} END
        FROM (SELECT p, '第' || p || '号分享：今天和邻居们聊起了做饭、带娃和小区里的新鲜事，'
                || '顺手记下来，欢迎大家补充自己的经验。' || repeat('好', (bench_h(p) % 40)::int)
                AS body
              FROM generate_series({first}, {last}) p) s""",
        # A cover image for three posts in ten (image id = post id).
        f"""INSERT INTO image (id, storage_key, content_type, width, height, size_bytes,
            created_at, owner_id)
        SELECT p, 'bench/' || p || '.jpg', 'image/jpeg', 1080, 810, 120000,
            bench_published(p, __A__) - interval '20 minutes', bench_author(p)
        FROM generate_series({first}, {last}) p WHERE p % 10 < 3""",
        f"""INSERT INTO post_image (position, image_id, post_id)
        SELECT 0, p, p FROM generate_series({first}, {last}) p WHERE p % 10 < 3""",
        # Likes: distinct members because 7919·j mod m differs for j < 13 (gcd(7919, m) = 1).
        f"""INSERT INTO post_like (created_at, member_id, post_id)
        SELECT bench_published(p, __A__) + interval '3 minutes' * (j + 1),
            1 + (bench_h(p + 10) + j * 7919) % {m}, p
        FROM generate_series({first}, {last}) p, generate_series(0, 12) j
        WHERE j < bench_likes(p)
        ORDER BY p, j""",
        f"""INSERT INTO comment (body, body_html, hidden, created_at, author_id, post_id)
        SELECT '说得好，学到了（' || j || '）', '<p>说得好，学到了（' || j || '）</p>', false,
            bench_published(p, __A__) + interval '7 minutes' * (j + 1),
            1 + (bench_h(p + 12) + j * 104729) % {m}, p
        FROM generate_series({first}, {last}) p, generate_series(0, 4) j
        WHERE j < bench_comments(p)
        ORDER BY p, j""",
    ]


REWARDS_SQL = """INSERT INTO reward (id, name, description, image_url, cost_points, stock,
    initial_stock, per_member_limit, available_from, available_until, active, created_at)
VALUES
    (1, '社区环保袋', '压测用：库存充足的 1 积分好物。', NULL, 1, 100000000, 100000000, NULL,
     NULL, NULL, true, __A__ - interval '400 days'),
    (2, '手工皂', '邻居手作。', NULL, 20, 1000, 1000, NULL, NULL, NULL, true,
     __A__ - interval '400 days'),
    (3, '有机鸡蛋一盒', '社区团购。', NULL, 30, 1000, 1000, NULL, NULL, NULL, true,
     __A__ - interval '400 days')"""


# The mall: the three rewards the workloads and the ledger use, and 17 more so a page of 20 is
# full (what Rewards reads).
MORE_REWARDS_SQL = """INSERT INTO reward (id, name, description, image_url, cost_points, stock,
    initial_stock, per_member_limit, available_from, available_until, active, created_at)
SELECT i, '邻里好物' || i, '社区团购的第' || i || '件好物。', NULL, 10 * i, 500, 500,
    CASE WHEN i % 3 = 0 THEN 2 END, NULL, NULL, true, __A__ - interval '300 days'
FROM generate_series(4, 20) i"""

EVENTS = 120  # upcoming: one every six hours from the anchor's next day, for 30 days
EVENT_SEATS = 20  # every even event is full with 5 waiting; every odd one has 15 seats left


def events_sql(sizes: Sizes) -> list[str]:
    """Events of the groups (every fifth one programme-wide), each with 25 registrations of
    distinct members (25 consecutive ones, and there are at least 100): what Events reads per
    page."""
    m, g = sizes.members, sizes.groups
    full = "e % 2 = 0"
    waiting = f"({full} AND j >= {EVENT_SEATS})"
    code = _pickup_code("((e * 32 + j) * 40503 % 1073741824)")
    at = "__A__ - interval '9 days' + interval '1 minute' * j"
    return [
        f"""INSERT INTO event (id, title, description, location, starts_at, ends_at, capacity,
            seats_taken, waitlist_seq, created_at, created_by_id, group_id)
        SELECT e, '邻里活动' || e, '第' || e || '场线下活动：试吃、手作、分享。', '社区活动室',
            __A__ + interval '1 day' + interval '6 hours' * e,
            __A__ + interval '1 day' + interval '6 hours' * e + interval '2 hours',
            CASE WHEN {full} THEN {EVENT_SEATS} ELSE {EVENT_SEATS * 2} END,
            CASE WHEN {full} THEN {EVENT_SEATS} ELSE 25 END,
            CASE WHEN {full} THEN 5 ELSE 0 END,
            __A__ - interval '10 days', 1 + e % {g},
            CASE WHEN e % 5 = 0 THEN NULL ELSE 1 + e % {g} END
        FROM generate_series(1, {EVENTS}) e""",
        f"""INSERT INTO event_registration (status, waitlist_position, check_in_code,
            created_at, confirmed_at, event_id, member_id)
        SELECT CASE WHEN {waiting} THEN 'WAITLISTED' ELSE 'CONFIRMED' END,
            CASE WHEN {waiting} THEN j - {EVENT_SEATS - 1} END,
            CASE WHEN {waiting} THEN NULL ELSE {code} END,
            {at}, CASE WHEN {waiting} THEN NULL ELSE {at} END,
            e, 1 + (e * 37 + j) % {m}
        FROM generate_series(1, {EVENTS}) e, generate_series(0, 24) j
        ORDER BY e, j""",
    ]


def _pickup_code(x: str) -> str:
    """Six letters of the pickup alphabet from a 30-bit number (distinct numbers, distinct codes:
    ids times an odd number modulo 2^30 never collide)."""
    return " || ".join(
        f"substr('{PICKUP_ALPHABET}', (({x} >> {5 * i}) & 31)::int + 1, 1)" for i in range(6)
    )


def ledger_sql(first_member: int, last_member: int) -> list[str]:
    """Members ``first_member``..``last_member``: entries with balance_after by a window sum,
    lots drawn oldest-first (a lot's remaining is what the member's total spending leaves of it
    in (expires_at, id) order), the draws of each spend, redemptions, accounts."""
    n = ENTRIES_PER_MEMBER
    reasons = "(ARRAY[" + ", ".join(f"'{r}'" for r, _, _ in EARN_RULES) + "])"
    amounts = "(ARRAY[" + ", ".join(str(a or 0) for _, a, _ in EARN_RULES) + "])"
    descriptions = "(ARRAY[" + ", ".join(f"'{d}'" for _, _, d in EARN_RULES) + "])"
    expiry = (
        "((date_trunc('year', {t} AT TIME ZONE 'Asia/Shanghai') + interval '2 years' "
        "- interval '1 microsecond') AT TIME ZONE 'Asia/Shanghai')"
    )
    return [
        "DROP TABLE IF EXISTS bench_entry",
        # 100 entries a member, 3.3 days apart (plus < 3.25 days of jitter) over 330 days;
        # every 20th is a redemption, purchases in the last 15 days are still pending.
        f"""CREATE UNLOGGED TABLE bench_entry AS
        SELECT id, m, j, created_at, spend, reward_id, reason, description,
            CASE WHEN spend THEN -cost ELSE amount END AS amount,
            NOT spend AND reason = 'PURCHASE' AND created_at > __A__ - interval '15 days'
                AS pending
        FROM (
            SELECT id, m, j, created_at, spend,
                2 + (m + j / 20) % 2 AS reward_id, 20 + 10 * ((m + j / 20) % 2) AS cost,
                CASE WHEN spend THEN 'REDEMPTION' ELSE {reasons}[1 + h % 10] END AS reason,
                CASE WHEN spend THEN
                    '兑换「' || (ARRAY['手工皂', '有机鸡蛋一盒'])[1 + (m + j / 20) % 2] || '」×1'
                    ELSE {descriptions}[1 + h % 10] END AS description,
                CASE WHEN h % 10 >= 8 THEN 5 + (h / 10) % 56
                    ELSE {amounts}[1 + h % 10] END AS amount
            FROM (
                SELECT (m - 1)::bigint * {n} + j + 1 AS id, m, j, j % 20 = 19 AS spend,
                    bench_h((m - 1)::bigint * {n} + j + 1) AS h,
                    __A__ - interval '330 days' + interval '1 second' * (j * 285120
                        + bench_h((m - 1)::bigint * {n} + j + 77) % 280000) AS created_at
                FROM generate_series({first_member}, {last_member}) m,
                    generate_series(0, {n - 1}) j
            ) raw
        ) e""",
        f"""INSERT INTO ledger_entry (id, amount, balance_after, pending, reason, description,
            idempotency_key, expires_at, available_at, created_at, member_id)
        SELECT id, amount,
            sum(CASE WHEN pending THEN 0 ELSE amount END) OVER (PARTITION BY m ORDER BY id),
            pending, reason, description, 'bench:' || lpad(id::text, 12, '0'),
            CASE WHEN amount > 0 THEN {expiry.format(t="avail")} END,
            CASE WHEN amount > 0 THEN avail END, created_at, m
        FROM (SELECT *, created_at + CASE WHEN pending THEN interval '15 days'
                    ELSE interval '0' END AS avail FROM bench_entry) e
        ORDER BY id""",
        "DROP TABLE IF EXISTS bench_lot",
        f"""CREATE UNLOGGED TABLE bench_lot AS
        SELECT l.*, sum(amount) FILTER (WHERE NOT pending) OVER (PARTITION BY m
                ORDER BY expires_at, id) AS upto,
            coalesce(s.spent, 0) AS spent
        FROM (SELECT id, m, amount, pending,
                created_at + CASE WHEN pending THEN interval '15 days' ELSE interval '0' END
                    AS avail,
                {
            expiry.format(
                t="(created_at + CASE WHEN pending THEN interval '15 days' ELSE interval '0' END)"
            )
        } AS expires_at
              FROM bench_entry WHERE amount > 0) l
        LEFT JOIN (SELECT m AS sm, -sum(amount) AS spent FROM bench_entry
                   WHERE spend GROUP BY m) s ON s.sm = l.m""",
        """INSERT INTO points_lot (id, amount, remaining, available_at, released, expires_at,
            entry_id, member_id)
        SELECT id, amount,
            CASE WHEN pending THEN amount ELSE greatest(0, least(amount, upto - spent)) END,
            avail, NOT pending, expires_at, id, m
        FROM bench_lot ORDER BY id""",
        # Spend k takes the slice (before, before + cost] of the member's lot axis.
        """INSERT INTO lot_draw (amount, entry_id, lot_id)
        SELECT least(l.upto, s.after) - greatest(l.upto - l.amount, s.after + s.amount),
            s.id, l.id
        FROM (SELECT id, m, amount, -sum(amount) OVER (PARTITION BY m ORDER BY id) AS after
              FROM bench_entry WHERE spend) s
        JOIN bench_lot l ON l.m = s.m AND NOT l.pending
            AND l.upto > s.after + s.amount AND l.upto - l.amount < s.after
        ORDER BY s.id, l.id""",
        f"""INSERT INTO redemption (quantity, points_spent, status, pickup_code, created_at,
            fulfilled_at, cancelled_at, fulfilled_by_id, member_id, reward_id, spend_entry_id)
        SELECT 1, -amount, 'FULFILLED', {_pickup_code("x")}, created_at,
            created_at + interval '1 day', NULL, 1, m, reward_id, id
        FROM (SELECT *, (id * 2654435761) % 1073741824 AS x FROM bench_entry WHERE spend) k
        ORDER BY id""",
        """INSERT INTO points_account (balance, pending, updated_at, member_id)
        SELECT sum(CASE WHEN pending THEN 0 ELSE amount END),
            sum(CASE WHEN pending THEN amount ELSE 0 END), __A__, m
        FROM bench_entry GROUP BY m ORDER BY m""",
        "DROP TABLE bench_entry",
        "DROP TABLE bench_lot",
    ]


FINISH_SQL = [
    """UPDATE reward r SET initial_stock = r.stock + c.n
    FROM (SELECT reward_id, sum(quantity) AS n FROM redemption
          WHERE status <> 'CANCELLED' GROUP BY reward_id) c
    WHERE c.reward_id = r.id""",
    *[
        f"SELECT setval(pg_get_serial_sequence('{t}', 'id'), "
        f"greatest(1, (SELECT coalesce(max(id), 0) FROM {t})))"
        for t in (
            "estate",
            "member",
            "interest_group",
            "group_membership",
            "post",
            "image",
            "post_image",
            "post_like",
            "comment",
            "ledger_entry",
            "points_lot",
            "lot_draw",
            "redemption",
            "points_account",
            "reward",
            "event",
            "event_registration",
        )
    ],
]

_SEATED = ", ".join(f"'{status.value}'" for status in SEATED)

# Each must return zero rows' worth: counters and balances agree with the rows they count.
CHECKS = {
    "post.like_count = COUNT(post_like)": """SELECT count(*) FROM post p
        LEFT JOIN (SELECT post_id, count(*) AS n FROM post_like GROUP BY post_id) c
        ON c.post_id = p.id WHERE p.like_count <> coalesce(c.n, 0)""",
    "post.comment_count = COUNT(comment)": """SELECT count(*) FROM post p
        LEFT JOIN (SELECT post_id, count(*) AS n FROM comment GROUP BY post_id) c
        ON c.post_id = p.id WHERE p.comment_count <> coalesce(c.n, 0)""",
    "campaign_entry.vote_count = COUNT(campaign_vote)": """SELECT count(*) FROM campaign_entry e
        LEFT JOIN (SELECT entry_id, count(*) AS n FROM campaign_vote GROUP BY entry_id) c
        ON c.entry_id = e.id WHERE e.vote_count <> coalesce(c.n, 0)""",
    "group.member_count = COUNT(membership)": """SELECT count(*) FROM interest_group g
        LEFT JOIN (SELECT group_id, count(*) AS n FROM group_membership GROUP BY group_id) c
        ON c.group_id = g.id WHERE g.member_count <> coalesce(c.n, 0)""",
    "balance_after >= 0": "SELECT count(*) FROM ledger_entry WHERE balance_after < 0",
    "spend = Σ its draws": """SELECT count(*) FROM ledger_entry e
        LEFT JOIN (SELECT entry_id, sum(amount) AS n FROM lot_draw GROUP BY entry_id) d
        ON d.entry_id = e.id WHERE e.amount < 0 AND -e.amount <> coalesce(d.n, 0)""",
    "lot amount - remaining = Σ its draws": """SELECT count(*) FROM points_lot l
        LEFT JOIN (SELECT lot_id, sum(amount) AS n FROM lot_draw GROUP BY lot_id) d
        ON d.lot_id = l.id WHERE l.amount - l.remaining <> coalesce(d.n, 0)""",
    "event.seats_taken = COUNT(seated)": f"""SELECT count(*) FROM event v
        LEFT JOIN (SELECT event_id, count(*) AS n FROM event_registration
                   WHERE status IN ({_SEATED}) GROUP BY event_id) c
        ON c.event_id = v.id WHERE v.seats_taken <> coalesce(c.n, 0)""",
}

COUNTED = (
    "member",
    "campaign_vote",
    "interest_group",
    "group_membership",
    "post",
    "post_like",
    "comment",
    "image",
    "ledger_entry",
    "points_lot",
    "lot_draw",
    "redemption",
    "points_account",
    "reward",
    "event",
    "event_registration",
)


async def _create_database(admin_url: str, name: str) -> None:
    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def generate(
    database_url: str,
    seed: int,
    scale: float,
    anchor_day: date,
    log: Callable[[str], None] = print,
) -> dict[str, int]:
    """Drop and re-create the database of ``database_url``, migrate it, fill it. Returns counts."""
    from domain.stores import apply_migrations
    from settings import maintenance_limits, tortoise_config

    sizes = Sizes.of(scale)
    literal = f"'{anchor_of(anchor_day).isoformat()}'::timestamptz"
    base, _, name = database_url.rpartition("/")
    await _create_database(f"{base}/postgres", name)
    started = time.perf_counter()
    await apply_migrations(tortoise_config(database_url, maintenance_limits()))
    from tortoise import Tortoise

    await Tortoise.close_connections()
    log(f"migrated {name} in {time.perf_counter() - started:.1f}s")

    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute("SET work_mem = '256MB'; SET maintenance_work_mem = '512MB'")
        await conn.execute("SET synchronous_commit = off")

        async def step(label: str, statements: list[str]) -> None:
            t0 = time.perf_counter()
            laps = []
            for sql in statements:
                t1 = time.perf_counter()
                await conn.execute(sql.replace("__A__", literal))
                laps.append(f"{time.perf_counter() - t1:.1f}")
            log(f"{label}: {time.perf_counter() - t0:.1f}s ({' + '.join(laps)})")

        await step("functions", DROP_FUNCTIONS + _functions(seed, sizes))
        await step("members, groups", identity_sql(sizes))
        chunk = 100_000
        for first in range(1, sizes.posts + 1, chunk):
            last = min(sizes.posts, first + chunk - 1)
            await step(f"posts {first}–{last}", posts_sql(sizes, first, last))
        await step("rewards", [REWARDS_SQL, MORE_REWARDS_SQL])
        await step("events", events_sql(sizes))
        member_chunk = 10_000
        for first in range(1, sizes.members + 1, member_chunk):
            last = min(sizes.members, first + member_chunk - 1)
            await step(f"ledger of members {first}–{last}", ledger_sql(first, last))
        await step("counters, sequences", FINISH_SQL + DROP_FUNCTIONS)
        await step("campaign votes", campaign_votes_sql(sizes))
        await step("analyze", ["ANALYZE"])
        failed = await check(conn, log)
        counts = {t: await conn.fetchval(f"SELECT count(*) FROM {t}") for t in COUNTED}
    finally:
        await conn.close()
    if failed:
        raise RuntimeError(f"dataset inconsistent: {failed}")
    log(f"generated in {time.perf_counter() - started:.0f}s: {counts}")
    return counts


async def check(conn: asyncpg.Connection, log: Callable[[str], None] = print) -> list[str]:
    failed = []
    for rule, sql in CHECKS.items():
        bad = await conn.fetchval(sql)
        log(f"check {rule}: {'ok' if not bad else f'{bad} rows disagree'}")
        if bad:
            failed.append(rule)
    return failed


def campaign_votes_sql(sizes: Sizes) -> list[str]:
    """60,000 campaign votes at scale 1 (60 % of the members): 20 naming campaigns in their
    voting window with 12 approved names each; a campaign's voters are a block of members of
    their own, each casting one vote (entry by a hash) and keeping 2 of their 3; the entries'
    counters are counted from the rows. The votes' +1 points are not in the ledger (the ledger has
    its own 10M rows); everything the ledger checks still holds."""
    m = sizes.members
    campaigns = max(1, min(20, round(20 * m / 100_000)))
    per_campaign = round(60 * m / 100) // campaigns
    h = "(({x}) * 2654435761 % 4294967296)"
    return [
        f"""INSERT INTO campaign (id, kind, title, description, estate_id, proposal_starts_at,
            proposal_ends_at, voting_starts_at, voting_ends_at, votes_per_member, hide_results,
            closed_at, winner_entry_id, created_by_id, created_at)
        SELECT c, 'NAMING', '新品命名 第' || c || '期', '为新品起个好名字', NULL,
            __A__ - interval '20 days', __A__ - interval '10 days', __A__ - interval '10 days',
            __A__ + interval '20 days', 3, false, NULL, NULL, 1, __A__ - interval '21 days'
        FROM generate_series(1, {campaigns}) c""",
        f"""INSERT INTO campaign_entry (id, campaign_id, proposer_id, title, description, post_id,
            status, vote_count, created_at)
        SELECT (c - 1) * 12 + k, c, 1 + {h.format(x="c * 12 + k")} % {m}, '好名字' || c || '-' || k,
            NULL, NULL, 'APPROVED', 0, __A__ - interval '15 days'
        FROM generate_series(1, {campaigns}) c, generate_series(1, 12) k""",
        f"""INSERT INTO campaign_ballot (campaign_id, member_id, votes_left)
        SELECT c, (c - 1) * {per_campaign} + v, 2
        FROM generate_series(1, {campaigns}) c, generate_series(1, {per_campaign}) v""",
        f"""INSERT INTO campaign_vote (campaign_id, entry_id, member_id, created_at)
        SELECT c, (c - 1) * 12 + 1 + {h.format(x="(c - 1) * " + str(per_campaign) + " + v")} % 12,
            (c - 1) * {per_campaign} + v,
            __A__ - interval '1 second' * ({h.format(x="v + 99")} % (10 * 86400))
        FROM generate_series(1, {campaigns}) c, generate_series(1, {per_campaign}) v""",
        """UPDATE campaign_entry e SET vote_count = n.n
        FROM (SELECT entry_id, count(*) AS n FROM campaign_vote GROUP BY entry_id) n
        WHERE n.entry_id = e.id""",
        *[
            f"SELECT setval(pg_get_serial_sequence('{t}', 'id'), "
            f"greatest(1, (SELECT coalesce(max(id), 0) FROM {t})))"
            for t in ("campaign", "campaign_entry", "campaign_ballot", "campaign_vote")
        ],
    ]


def today_in_shanghai() -> date:
    return datetime.now(SHANGHAI).date()
