"""/admin/lift and /admin/lift.csv: an admin reads the worked example's figures (the docstring of
domain/lift/rules.py) with the counts, the small-cohort warning and a chart per metric, and
downloads them; the previous month is asked by default; a bad period comes back as the form with
the reasons (422); the page's statements do not grow with the members; admins only."""

from __future__ import annotations

import csv
import io

import httpx
import pytest

from domain.identity.models import Role
from tests.domain.lift_helpers import posters_world, resident, tier
from tests.factories import make_estate, make_member
from tests.portal.test_points_pages import log_in
from tests.sqlcount import count_sql

JULY = "/admin/lift?from=2026-07-01&to=2026-07-31&action=POSTED"


def section(page: str, ident: str) -> str:
    start = page.index(f'id="{ident}"')
    return page[start : page.index("</section>", start)]


async def test_an_admin_reads_the_posters_lift_with_counts_warning_and_charts(
    client: httpx.AsyncClient,
) -> None:
    await posters_world()
    await log_in(client, await make_member(roles=(Role.RESIDENT, Role.ADMIN)))
    answer = await client.get(JULY)
    assert answer.status_code == 200
    page = answer.text
    assert "2026-08-01" in page and "2026-10-29" in page
    counts = section(page, "lift-counts")
    for ident, n in [
        ("participants", "4"),
        ("matched", "3"),
        ("unmatched", "1"),
        ("controls", "5"),
        ("effective", "4.5"),
        ("strata", "2"),
    ]:
        assert f'id="count-{ident}">{n}</dd>' in counts
    assert 'id="lift-small"' in page and "样本偏小" in page
    rate = section(page, "lift-repurchase")
    assert "<td>66.7%</td><td>16.7%</td><td>+50.0</td><td>-14.2 ~ +80.7</td>" in rate
    assert "<svg" in rate and 'aria-label="90天复购率"' in rate
    orders = section(page, "lift-orders")
    assert "<td>1.67</td><td>0.83</td><td>+0.83</td><td>-0.68 ~ +2.35</td>" in orders
    ltv = section(page, "lift-ltv")
    assert "<td>¥100.00</td><td>¥26.67</td><td>+¥73.33</td><td>-¥20.94 ~ +¥167.61</td>" in ltv
    assert 'href="/admin/lift.csv?from=2026-07-01&amp;to=2026-07-31&amp;action=POSTED"' in page


async def test_the_csv_holds_one_row_per_metric_with_the_counts(
    client: httpx.AsyncClient,
) -> None:
    await posters_world()
    await log_in(client, await make_member(roles=(Role.RESIDENT, Role.ADMIN)))
    answer = await client.get(JULY.replace("/admin/lift", "/admin/lift.csv"))
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert "lift-posted-20260701-20260731.csv" in answer.headers["content-disposition"]
    text = answer.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0][:4] == ["时段开始", "时段结束", "参与行为", "指标"]
    assert [r[3:9] for r in rows[1:]] == [
        ["90天复购率", "0.6667", "0.1667", "0.5000", "-0.1423", "0.8069"],
        ["90天人均订单数", "1.6667", "0.8333", "0.8333", "-0.6833", "2.3500"],
        ["90天人均消费（元）", "100.00", "26.67", "73.33", "-20.94", "167.61"],
    ]
    assert {tuple(r[9:]) for r in rows[1:]} == {("4", "3", "1", "5", "4.5", "2", "是")}
    assert {tuple(r[:3]) for r in rows[1:]} == {("2026-07-01", "2026-07-31", "发帖")}


async def test_the_previous_month_and_joining_a_group_are_asked_by_default(
    client: httpx.AsyncClient,
) -> None:
    await log_in(client, await make_member(roles=(Role.RESIDENT, Role.ADMIN)))
    page = (await client.get("/admin/lift")).text
    assert 'value="2026-10-01"' in page and 'value="2026-10-31"' in page
    assert '<option value="JOINED_GROUP" selected>' in page
    assert 'id="lift-nothing"' in page and 'id="lift-window"' in page


@pytest.mark.parametrize(
    ("query", "field", "said"),
    [
        ("from=2026-13-01&to=2026-07-31&action=POSTED", "from", "请输入有效日期"),
        ("from=2026-11-01&to=2026-11-21&action=POSTED", "to", "结束日期须早于今天"),
        ("from=2026-08-01&to=2026-07-31&action=POSTED", "from", "开始日期不能晚于结束日期"),
        ("from=2026-07-01&to=2026-07-31&action=LIKED", "action", "请从列表中选择"),
    ],
)
async def test_a_bad_question_comes_back_as_the_form_with_the_reason(
    client: httpx.AsyncClient, query: str, field: str, said: str
) -> None:
    await log_in(client, await make_member(roles=(Role.RESIDENT, Role.ADMIN)))
    answer = await client.get(f"/admin/lift?{query}")
    assert answer.status_code == 422
    assert said in answer.text and 'class="field has-error"' in answer.text
    assert f'id="msg-{field}" class="field-message" aria-live="polite">{said}' in answer.text
    assert 'id="lift-counts"' not in answer.text
    assert 'value="2026-13-01"' in answer.text or "13" not in query
    download = await client.get(f"/admin/lift.csv?{query}")
    assert download.status_code == 422 and said in download.text


async def test_the_pages_statements_do_not_grow_with_the_members(
    client: httpx.AsyncClient,
) -> None:
    """Within one chunk of members: the statements are a fixed number per chunk."""
    await posters_world()
    await log_in(client, await make_member(roles=(Role.RESIDENT, Role.ADMIN)))
    with count_sql() as before:
        assert (await client.get(JULY)).status_code == 200
    estate = await make_estate("新河湾")
    for n in range(6):
        await tier(await resident(estate, f"后来的邻居{n}"), "KOC", "2026-06-01")
    with count_sql() as after:
        assert (await client.get(JULY)).status_code == 200
    assert len(after) == len(before)


async def test_only_admins_see_the_page_and_its_link(client: httpx.AsyncClient) -> None:
    assert (await client.get("/admin/lift")).status_code in (302, 303)
    await log_in(client, await make_member(roles=(Role.RESIDENT, Role.HOST)))
    assert 'href="/admin/lift"' not in (await client.get("/me")).text
    assert (await client.get(JULY)).status_code == 403
    assert (await client.get("/admin/lift.csv")).status_code == 403


async def test_an_admin_finds_the_page_in_the_staff_menu(client: httpx.AsyncClient) -> None:
    await log_in(client, await make_member(roles=(Role.RESIDENT, Role.ADMIN)))
    page = (await client.get("/me")).text
    assert 'href="/admin/lift"' in page and "社群增益" in page
