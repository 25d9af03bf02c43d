"""运营看板: KPI cards, four server-drawn charts with their tables, who may see which scope, bad
date ranges, the member CSV export and the admin's tier recompute button.

The clock stands at 2026-11-21 10:00 in Shanghai, so the default period is 10-23..11-21."""

from __future__ import annotations

import json
import logging
import re
from datetime import timedelta

import httpx
import pytest

from domain.collaborators import Collaborators
from domain.columns import column
from domain.groups.models import GroupHost, GroupMembership, InterestGroup
from domain.identity.models import Estate, Member, Role
from domain.posts.models import Post, PostKind, PostStatus
from domain.purchases.models import Purchase
from domain.segments import export
from domain.segments.models import TierRun
from domain.segments.recompute import RECOMPUTE_LOCK
from domain.segments.rfm import Tier
from logs import JsonFormatter
from tests.factories import make_estate, make_member
from tests.portal.test_points_pages import log_in
from tests.sqlcount import count_sql

World = dict[str, object]


async def buys(c: Collaborators, member: Member, cents: int, days_ago: int, n: int = 0) -> None:
    when = c.clock.now() - timedelta(days=days_ago)
    await Purchase.create(
        order_id=f"d-{member.id}-{days_ago}-{n}",
        member_id=member.id,
        amount_cents=cents,
        purchased_at=when,
        items=[],
        source="API",
        batch="dashboard",
        created_at=when,
    )


async def posts_in(c: Collaborators, group: InterestGroup, author: Member, count: int) -> None:
    for n in range(count):
        when = c.clock.now() - timedelta(days=n + 1)
        await Post.create(
            author_id=author.id,
            group_id=group.id,
            kind=PostKind.TIP,
            title=f"小窍门 {n}",
            body="多晒太阳。",
            body_html="<p>多晒太阳。</p>",
            excerpt="多晒太阳。",
            status=PostStatus.PUBLISHED,
            created_at=when,
            published_at=when,
        )


@pytest.fixture
async def world(collaborators: Collaborators) -> World:
    """Estate A: a host with a group, three residents (one a KOC who bought twice); estate B: one
    resident. Members joined 400 days ago unless said otherwise."""
    c = collaborators
    a = await make_estate("阳光花园")
    b = await make_estate("绿地小区")
    admin = await make_member(display_name="运营", roles=(Role.RESIDENT, Role.ADMIN))
    host = await make_member(display_name="团长", estate=a, roles=(Role.RESIDENT, Role.HOST))
    koc = await make_member(phone="13812345678", display_name="番茄达人", estate=a)
    quiet = await make_member(phone="13800001111", display_name="=SUM(A1)", estate=a)
    fresh = await make_member(phone="13700002222", display_name="新邻居", estate=a)
    other = await make_member(phone="13600003333", display_name="绿地邻居", estate=b)
    for member in (admin, host, koc, quiet, other):
        await Member.filter(id=member.id).update(created_at=c.clock.now() - timedelta(days=400))
    await Member.filter(id=fresh.id).update(created_at=c.clock.now() - timedelta(days=3))
    await Member.filter(id=koc.id).update(tier=Tier.KOC.value)
    await Member.filter(id=other.id).update(tier=Tier.POTENTIAL.value)
    group = await InterestGroup.create(
        name="阳台种菜", slug="balcony", description="种菜", host=host, created_at=c.clock.now()
    )
    other_group = await InterestGroup.create(
        name="烘焙", slug="baking", description="烘焙", host=admin, created_at=c.clock.now()
    )
    for hosted in (group, other_group):
        await GroupHost.create(group=hosted, member_id=hosted.host_id, appointed_at=c.clock.now())
    for member in (host, koc):
        await GroupMembership.create(group=group, member=member, joined_at=c.clock.now())
    await buys(c, koc, 12_345, days_ago=5)
    await buys(c, koc, 5_000, days_ago=60)
    await buys(c, other, 2_000, days_ago=500)
    await posts_in(c, group, koc, 3)
    await posts_in(c, other_group, other, 1)
    return {
        "a": a,
        "b": b,
        "admin": admin,
        "host": host,
        "koc": koc,
        "quiet": quiet,
        "fresh": fresh,
        "other": other,
        "group": group,
        "other_group": other_group,
    }


def kpi_value(html: str, name: str) -> str:
    match = re.search(rf'id="kpi-{name}">.*?class="kpi-value">([^<]*)<', html, re.S)
    assert match, html[:2000]
    return match.group(1)


def kpi_change(html: str, name: str) -> str:
    match = re.search(rf'id="kpi-{name}">.*?class="kpi-change ([a-z]+)">(.*?)</p>', html, re.S)
    assert match
    return match.group(1) + ":" + re.sub(r"<[^>]+>|\s+", "", match.group(2))


async def test_an_admin_sees_the_cards_four_charts_and_their_tables(
    client: httpx.AsyncClient, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    admin = world["admin"]
    assert isinstance(admin, Member)
    await log_in(client, admin)
    with caplog.at_level(logging.INFO, logger="linli.dashboard"):
        response = await client.get("/admin/dashboard")
    assert response.status_code == 200
    html = response.text
    assert len(re.findall(r'<svg viewBox="0 0 \d+ \d+" class="chart"', html)) == 4
    # Each chart is named once, by its card's heading: the picture draws no title of its own.
    drawn = re.findall(r'<svg [^>]*aria-label="([^"]+)"(.*?)</svg>', html, re.S)
    assert len(drawn) == 4
    for label, svg in drawn:
        assert f">{label}</text>" not in svg
        assert re.search(r"<h2>[^<]*</h2>\s*<svg [^>]*aria-label=\"" + label, html)
    assert html.count("<details>") == 4 and html.count('class="data-table"') == 4
    assert kpi_value(html, "members") == "6"  # everyone had joined by 11-21
    assert kpi_value(html, "new") == "1" and kpi_change(html, "new") == "good:↑上升1"
    assert kpi_value(html, "posts") == "4" and kpi_change(html, "posts") == "good:↑上升4"
    assert kpi_value(html, "cac") == "¥0.00" and kpi_value(html, "nps") == "—"
    assert kpi_change(html, "nps") == "flat:—"
    # LTV: (12,345 + 5,000 + 2,000) cents over 6 members; before 10-23, 7,000 cents over the five
    # members who had joined then.
    assert kpi_value(html, "ltv") == "¥32.24" and kpi_change(html, "ltv") == "good:↑上升¥18.24"
    assert kpi_value(html, "repurchase") == "100.0%"  # koc bought 60 days before too
    # The tables carry the chart's numbers: posts per group, tiers, twelve months.
    assert "<td>阳台种菜</td><td>3</td>" in html and "<td>烘焙</td><td>1</td>" in html
    assert "<td>KOC 达人</td><td>1</td><td>50.0%</td>" in html
    assert "<td>2026年11月</td>" in html and "<td>2025年12月</td>" in html
    assert "<td>2025年11月</td>" not in html
    assert "计算耗时" in html and "尚未计算过会员分层。" in html
    lines = [json.loads(JsonFormatter().format(r)) for r in caplog.records]
    computed = [line for line in lines if line["message"].startswith("dashboard computed")]
    assert len(computed) == 1 and computed[0]["duration_ms"] >= 0


async def test_a_resident_is_refused_the_dashboard(client: httpx.AsyncClient, world: World) -> None:
    resident = world["koc"]
    assert isinstance(resident, Member)
    await log_in(client, resident)
    response = await client.get("/admin/dashboard")
    assert response.status_code == 403 and "<svg" not in response.text
    signed_out = httpx.AsyncClient(transport=client._transport, base_url="http://testserver")
    assert (await signed_out.get("/admin/dashboard")).status_code == 303


async def test_a_host_sees_their_own_estate_and_groups_and_no_other(
    client: httpx.AsyncClient, world: World
) -> None:
    host, a, b = world["host"], world["a"], world["b"]
    group, other_group = world["group"], world["other_group"]
    assert isinstance(host, Member) and isinstance(a, Estate) and isinstance(b, Estate)
    assert isinstance(group, InterestGroup) and isinstance(other_group, InterestGroup)
    await log_in(client, host)
    own = await client.get("/admin/dashboard")
    assert own.status_code == 200
    assert kpi_value(own.text, "members") == "4"  # estate A only: host, koc, quiet, fresh
    assert "绿地小区" not in own.text and "全部小区" not in own.text
    assert ">阳台种菜</option>" in own.text and ">烘焙</option>" not in own.text
    assert "重新计算会员分层" not in own.text  # the button is the admins'
    explicit = await client.get(f"/admin/dashboard?estate={a.id}")
    assert explicit.status_code == 200
    in_group = await client.get(f"/admin/dashboard?estate={a.id}&group={group.id}")
    assert in_group.status_code == 200 and kpi_value(in_group.text, "members") == "2"
    for query in (
        f"estate={b.id}",
        "estate=",
        f"estate={a.id}&group={other_group.id}",
        f"estate={b.id}&group={group.id}",
    ):
        refused = await client.get(f"/admin/dashboard?{query}")
        assert refused.status_code == 403, query
        assert "只能查看自己所在小区或自己主持的小组的数据" in refused.text
        assert "<svg" not in refused.text


async def test_an_admin_narrows_to_an_estate_and_a_group(
    client: httpx.AsyncClient, world: World
) -> None:
    admin, b, group = world["admin"], world["b"], world["group"]
    assert isinstance(admin, Member) and isinstance(b, Estate)
    assert isinstance(group, InterestGroup)
    await log_in(client, admin)
    estate_b = await client.get(f"/admin/dashboard?estate={b.id}")
    assert kpi_value(estate_b.text, "members") == "1" and kpi_value(estate_b.text, "posts") == "1"
    assert f'<option value="{b.id}" selected>' in estate_b.text
    one_group = await client.get(f"/admin/dashboard?group={group.id}")
    assert kpi_value(one_group.text, "members") == "2" and kpi_value(one_group.text, "posts") == "3"
    month = await client.get("/admin/dashboard?from=2026-11-01&to=2026-11-21")
    assert month.status_code == 200 and "2026-11-01 至 2026-11-21" in month.text
    assert "2026-10-11 至 2026-10-31" in month.text  # the previous period of the same length
    assert "from=2026-11-01&amp;to=2026-11-21" in month.text  # the 本月 preset link


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("from=2026-11-20&to=2026-11-01", "开始日期不能晚于结束日期"),
        ("from=2026-13-01&to=2026-11-01", "请输入有效日期"),
        ("from=2026-11-01&to=2026-12-01", "结束日期不能晚于今天"),
        ("from=2024-11-01&to=2026-11-01", "时间范围最长一年"),
        ("estate=abc", "请从列表中选择"),
    ],
)
async def test_a_bad_filter_re_renders_the_form_with_the_message(
    client: httpx.AsyncClient, world: World, query: str, message: str
) -> None:
    admin = world["admin"]
    assert isinstance(admin, Member)
    await log_in(client, admin)
    response = await client.get(f"/admin/dashboard?{query}")
    assert response.status_code == 422
    assert message in response.text and 'id="dashboard-filters"' in response.text
    assert "<svg" not in response.text and 'id="kpi-members"' not in response.text
    if "from=" in query:
        first = query.split("&")[0].removeprefix("from=")
        assert f'name="from" type="date" value="{first}"' in response.text


def csv_rows(body: bytes) -> list[list[str]]:
    import csv
    import io

    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


async def test_the_member_csv_has_a_bom_a_header_and_masked_rows(
    client: httpx.AsyncClient, world: World
) -> None:
    admin, koc, quiet = world["admin"], world["koc"], world["quiet"]
    assert isinstance(admin, Member) and isinstance(koc, Member) and isinstance(quiet, Member)
    await log_in(client, admin)
    response = await client.get("/admin/members.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"] == 'attachment; filename="members-20261121.csv"'
    rows = csv_rows(response.content)
    assert rows[0] == list(export.HEADER)
    assert len(rows) == 1 + await Member.all().count()
    by_id = {row[0]: row for row in rows[1:]}
    assert by_id[str(koc.id)] == [
        str(koc.id),
        "番茄达人",
        "138****5678",
        "阳光花园",
        "KOC",
        "2025-10-17",
        "2026-11-16",
        "2",
        "173.45",
    ]
    assert by_id[str(quiet.id)][1] == "'=SUM(A1)"  # not a formula in a spreadsheet
    assert b"13812345678" not in response.content
    other = world["other"]
    assert isinstance(other, Member)
    # Bought 500 days ago: a last purchase date, nothing within 365 days.
    assert by_id[str(other.id)][6:] == ["2025-07-09", "0", "0.00"]
    koc_only = csv_rows((await client.get("/admin/members.csv?tier=KOC")).content)
    assert [row[0] for row in koc_only[1:]] == [str(koc.id)]
    bad = await client.get("/admin/members.csv?tier=VIP")
    assert bad.status_code == 422 and "没有这个会员分层" in bad.text


async def test_hosts_export_only_their_estate_and_residents_nothing(
    client: httpx.AsyncClient, world: World
) -> None:
    host, b, resident = world["host"], world["b"], world["koc"]
    assert isinstance(host, Member) and isinstance(b, Estate) and isinstance(resident, Member)
    await log_in(client, host)
    own = csv_rows((await client.get("/admin/members.csv")).content)
    assert {row[3] for row in own[1:]} == {"阳光花园"} and len(own) == 5
    refused = await client.get(f"/admin/members.csv?estate={b.id}")
    assert refused.status_code == 403 and not refused.content.startswith(b"\xef\xbb\xbf")
    assert (await client.get("/admin/members.csv?estate=")).status_code == 403
    client.cookies.clear()
    await log_in(client, resident)
    assert (await client.get("/admin/members.csv")).status_code == 403


async def test_the_export_reads_members_in_fixed_size_batches(
    collaborators: Collaborators, world: World
) -> None:
    """Three statements per batch of members (and one for the estates, one to find the end)."""
    batches = []
    with count_sql() as statements:
        async for rows in export.member_rows(collaborators.clock.now(), batch=2):
            batches.append([row.member_id for row in rows])
    everyone = await column(Member.all().order_by("id"), "id")
    assert [len(b) for b in batches] == [2, 2, 2]
    assert [m for batch in batches for m in batch] == list(everyone)
    assert len(statements) == 1 + 3 * 3 + 1


async def test_the_recompute_button_changes_tiers_and_records_an_admin_run(
    client: httpx.AsyncClient, world: World
) -> None:
    admin, fresh, quiet = world["admin"], world["fresh"], world["quiet"]
    koc, other = world["koc"], world["other"]
    assert isinstance(admin, Member) and isinstance(fresh, Member) and isinstance(quiet, Member)
    assert isinstance(koc, Member) and isinstance(other, Member)
    csrf = await log_in(client, admin)
    no_token = await client.post("/admin/dashboard/tiers", data={})
    assert no_token.status_code == 403 and not await TierRun.exists()
    response = await client.post(
        "/admin/dashboard/tiers",
        data={"csrf_token": csrf, "estate": "", "group": "", "from": "2026-11-01", "to": ""},
    )
    assert response.status_code == 200
    html = response.text
    assert "会员分层已重新计算" in html and "<dt>会员数</dt><dd>6</dd>" in html
    run = await TierRun.get()
    assert run.trigger == "ADMIN" and run.members == 6 and run.changed == 5
    assert (await Member.get(id=fresh.id)).tier == Tier.NEWCOMER.value
    assert (await Member.get(id=quiet.id)).tier == Tier.DORMANT.value
    # Everyone changed but the KOC (still the only recent buyer who posts).
    assert (await Member.get(id=koc.id)).tier == Tier.KOC.value
    assert (await Member.get(id=other.id)).tier == Tier.DORMANT.value  # was POTENTIAL
    assert "上次计算：2026-11-21 10:00（管理员手动），6 位会员，5 位分层有变化" in html
    assert 'name="from" value="2026-11-01"' in html  # the filters are kept
    again = await client.get("/admin/dashboard")
    assert "上次计算：2026-11-21 10:00（管理员手动）" in again.text


async def test_only_admins_may_recompute(client: httpx.AsyncClient, world: World) -> None:
    host = world["host"]
    assert isinstance(host, Member)
    csrf = await log_in(client, host)
    response = await client.post("/admin/dashboard/tiers", data={"csrf_token": csrf})
    assert response.status_code == 403
    assert not await TierRun.exists()
    assert await Member.filter(tier__isnull=False).count() == 2


async def test_the_dashboard_sends_the_same_statements_whatever_the_data(
    client: httpx.AsyncClient, collaborators: Collaborators, world: World
) -> None:
    admin, group = world["admin"], world["group"]
    assert isinstance(admin, Member) and isinstance(group, InterestGroup)
    await log_in(client, admin)
    with count_sql() as before:
        assert (await client.get("/admin/dashboard")).status_code == 200
    for n in range(5):
        member = await make_member(display_name=f"后来的邻居{n}")
        await buys(collaborators, member, 1_000, days_ago=n + 1)
        await posts_in(collaborators, group, member, 2)
    with count_sql() as after:
        assert (await client.get("/admin/dashboard")).status_code == 200
    assert len(after) == len(before)


async def test_a_recompute_while_one_is_running_waits_for_it(
    client: httpx.AsyncClient, collaborators: Collaborators, world: World
) -> None:
    admin = world["admin"]
    assert isinstance(admin, Member)
    csrf = await log_in(client, admin)
    await collaborators.redis.set(RECOMPUTE_LOCK, "someone", ex=60)
    busy = await client.post("/admin/dashboard/tiers", data={"csrf_token": csrf})
    assert busy.status_code == 409 and "会员分层正在计算中" in busy.text
    assert not await TierRun.exists() and await Member.filter(tier__isnull=False).count() == 2
    await collaborators.redis.delete(RECOMPUTE_LOCK)
    done = await client.post("/admin/dashboard/tiers", data={"csrf_token": csrf})
    assert done.status_code == 200 and await TierRun.all().count() == 1
    assert not await collaborators.redis.exists(RECOMPUTE_LOCK)  # released after the run
