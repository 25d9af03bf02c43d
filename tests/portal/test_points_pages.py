"""我的积分 and the admin adjustment page: full pages, htmx fragments, 422s, the database after."""

from __future__ import annotations

import re

import httpx

from domain.collaborators import Collaborators
from domain.identity.models import Member, Role
from domain.points.models import (
    AdjustmentRequest,
    CheckIn,
    LedgerEntry,
    LedgerReason,
    PointsAccount,
)
from domain.points.services import award_points
from tests.factories import PASSWORD, make_member

HTMX = {"HX-Request": "true"}


async def log_in(client: httpx.AsyncClient, member: Member) -> str:
    """Log ``member`` in through the form; the session's (rotated) CSRF token."""
    login = await client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', login.text).group(1)  # type: ignore[union-attr]
    response = await client.post(
        "/login", data={"csrf_token": token, "phone": member.phone, "password": PASSWORD}
    )
    assert response.status_code == 303, response.text
    page = await client.get("/")
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]


def htmx(csrf: str) -> dict[str, str]:
    return HTMX | {"X-CSRF-Token": csrf}


async def visitor_csrf(client: httpx.AsyncClient) -> str:
    """A signed-out visitor's CSRF token (the one the log-in page puts in the session), so that a
    POST passes the CSRF check and meets the page's own sign-in check."""
    login = await client.get("/login")
    return re.search(r'name="csrf_token" value="([^"]+)"', login.text).group(1)  # type: ignore[union-attr]


def sent_to_log_in(response: httpx.Response) -> bool:
    """The answer to a signed-out visitor without htmx: a 303 to the log-in page."""
    location = httpx.URL(response.headers.get("location", ""))
    return response.status_code == 303 and location.path == "/login"


async def balance(member: Member) -> int:
    account = await PointsAccount.get_or_none(member_id=member.id)
    return account.balance if account else 0


def badge_text(html: str) -> str:
    match = re.search(r'<a id="points-badge"[^>]*>([^<]*)</a>', html)
    assert match, html[:800]
    return match.group(1)


async def test_signed_out_visitors_are_sent_to_log_in(client: httpx.AsyncClient) -> None:
    for path in ("/points", "/points/history", "/admin/points/adjust"):
        response = await client.get(path)
        assert response.status_code == 303 and response.headers["location"] == "/login"
    assert (await client.get("/points/badge")).status_code == 204


async def test_every_history_row_says_why_with_amount_balance_and_date(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    member = await make_member()
    await award_points(collaborators, member.id, "referral", "seed")
    await award_points(collaborators, member.id, "purchase", "order-1", amount=30)
    await log_in(client, member)

    page = await client.get("/points")

    assert page.status_code == 200 and "我的积分" in page.text
    assert '<p class="balance" id="points-balance">100</p>' in page.text
    assert "100 积分将于 2027-12-31 过期" in page.text
    assert re.search(r"<dt>待入账</dt>\s*<dd>30 ", page.text)
    rows = page.text.split('<li class="entry"')[1:]
    assert len(rows) == 2
    newest, oldest = rows
    assert "商城购物" in newest and "+30" in newest and "2026-12-06 入账" in newest
    assert "邀请邻居" in oldest and "+100" in oldest and "余额 100" in oldest
    assert "2026-11-21 10:00" in oldest  # the frozen clock, shown in Shanghai time
    assert badge_text(page.text) == "100 积分"


async def test_load_more_fetches_the_next_page_of_history_as_a_fragment(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    member = await make_member()
    for n in range(25):
        await award_points(collaborators, member.id, "vote_cast", f"vote-{n}")
    await log_in(client, member)

    page = await client.get("/points")
    assert page.text.count('<li class="entry"') == 20
    after = re.search(r'hx-get="/points/history\?after=(\d+)"', page.text).group(1)  # type: ignore[union-attr]
    oldest_shown = min(int(i) for i in re.findall(r'id="entry-(\d+)"', page.text))
    assert int(after) == oldest_shown

    more = await client.get(f"/points/history?after={after}", headers=HTMX)
    assert more.status_code == 200
    assert not more.text.lstrip().startswith("<!doctype")
    ids = [int(i) for i in re.findall(r'id="entry-(\d+)"', more.text)]
    assert len(ids) == 5 and max(ids) < int(after)
    assert "ledger-more" not in more.text  # the last page has no button
    whole = await client.get("/points", headers=HTMX)  # only /points/history is a fragment
    assert '<html lang="zh-CN">' in whole.text
    silly = await client.get("/points/history?after=" + "9" * 30, headers=HTMX)
    assert silly.status_code == 200 and silly.text.count('<li class="entry"') == 20


async def test_checking_in_swaps_the_button_and_updates_the_badge_out_of_band(
    client: httpx.AsyncClient,
) -> None:
    member = await make_member()
    csrf = await log_in(client, member)
    page = await client.get("/points")
    assert "签到 +2" in page.text and "已连续签到 0 天" in page.text
    assert badge_text(page.text) == "0 积分"

    response = await client.post("/points/check-in", headers=htmx(csrf))

    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section class="card check-in" id="check-in"')
    assert "签到成功，+2 积分" in response.text and "今日已签到" in response.text
    assert "已连续签到 1 天" in response.text
    assert re.search(r'<a id="points-badge"[^>]*hx-swap-oob="true"[^>]*>2 积分</a>', response.text)
    assert 'id="points-balance" hx-swap-oob="true">2<' in response.text
    assert 'hx-swap-oob="afterbegin:#ledger"' in response.text and "每日签到" in response.text
    assert await balance(member) == 2
    assert await CheckIn.filter(member_id=member.id).count() == 1


async def test_checking_in_twice_on_one_day_is_refused_at_422_and_changes_nothing(
    client: httpx.AsyncClient,
) -> None:
    member = await make_member()
    csrf = await log_in(client, member)
    await client.post("/points/check-in", headers=htmx(csrf))

    again = await client.post("/points/check-in", headers=htmx(csrf))

    assert again.status_code == 422
    assert again.text.lstrip().startswith('<section class="card check-in"')
    assert "今天已经签到过了" in again.text and "hx-swap-oob" not in again.text
    assert await balance(member) == 2
    assert await CheckIn.filter(member_id=member.id).count() == 1


async def test_checking_in_without_htmx_returns_the_whole_page(client: httpx.AsyncClient) -> None:
    member = await make_member()
    csrf = await log_in(client, member)
    response = await client.post("/points/check-in", data={"csrf_token": csrf})
    assert response.status_code == 200 and '<html lang="zh-CN">' in response.text
    assert "签到成功" in response.text and "hx-swap-oob" not in response.text
    assert badge_text(response.text) == "2 积分"
    assert await balance(member) == 2


async def test_a_check_in_without_the_csrf_token_is_refused(client: httpx.AsyncClient) -> None:
    member = await make_member()
    await log_in(client, member)
    response = await client.post("/points/check-in", headers=HTMX)
    assert response.status_code == 403
    assert await CheckIn.all().count() == 0


async def test_pages_without_a_balance_load_the_nav_badge_lazily(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    member = await make_member()
    await award_points(collaborators, member.id, "referral", "seed")
    await log_in(client, member)
    home = await client.get("/")
    assert 'hx-get="/points/badge" hx-trigger="load"' in home.text
    assert badge_text((await client.get("/points/badge", headers=HTMX)).text) == "100 积分"


# Admin adjustments ---------------------------------------------------------------------------


async def admin_form_key(client: httpx.AsyncClient) -> str:
    page = await client.get("/admin/points/adjust")
    assert page.status_code == 200, page.text[:300]
    return re.search(r'name="idempotencyKey" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]


async def test_residents_are_refused_the_adjustment_page(client: httpx.AsyncClient) -> None:
    resident = await make_member()
    csrf = await log_in(client, resident)
    page = await client.get("/admin/points/adjust")
    assert page.status_code == 403 and "没有权限" in page.text
    form = {
        "phone": resident.phone,
        "amount": "500",
        "reason": "自己加分",
        "idempotencyKey": "k" * 22,
    }
    posted = await client.post("/admin/points/adjust", data=form, headers=htmx(csrf))
    assert posted.status_code == 403
    assert await balance(resident) == 0
    approve = await client.post("/admin/points/adjustments/1/approve", headers=htmx(csrf))
    assert approve.status_code == 403


async def test_an_admin_adjusts_points_once_per_form(client: httpx.AsyncClient) -> None:
    admin = await make_member(display_name="管理员", roles=(Role.RESIDENT, Role.ADMIN))
    member = await make_member(display_name="王阿姨")
    csrf = await log_in(client, admin)
    key = await admin_form_key(client)
    form = {"phone": member.phone, "amount": "50", "reason": "活动补发积分", "idempotencyKey": key}

    first = await client.post("/admin/points/adjust", data=form, headers=htmx(csrf))
    second = await client.post("/admin/points/adjust", data=form, headers=htmx(csrf))

    assert first.status_code == second.status_code == 200
    assert first.text.lstrip().startswith('<form id="adjust-form"')
    assert "已为 王阿姨 调整 +50 积分，当前余额 50" in first.text
    assert f'value="{key}"' not in first.text  # the next adjustment gets a new key
    entries = await LedgerEntry.filter(member_id=member.id)
    assert [(e.amount, e.reason) for e in entries] == [(50, LedgerReason.ADJUSTMENT)]
    assert entries[0].description == "运营调整：活动补发积分"
    assert await balance(member) == 50


async def test_a_bad_adjustment_shows_messages_next_to_the_fields_at_422(
    client: httpx.AsyncClient,
) -> None:
    admin = await make_member(roles=(Role.RESIDENT, Role.ADMIN))
    member = await make_member()
    csrf = await log_in(client, admin)
    key = await admin_form_key(client)

    unknown = await client.post(
        "/admin/points/adjust",
        data={"phone": "13000000000", "amount": "10", "reason": "补发", "idempotencyKey": key},
        headers=htmx(csrf),
    )
    assert unknown.status_code == 422
    assert re.search(r'id="msg-phone"[^>]*>没有找到<', unknown.text)
    bad = await client.post(
        "/admin/points/adjust",
        data={"phone": member.phone, "amount": "0", "reason": "x", "idempotencyKey": key},
        headers=htmx(csrf),
    )
    assert bad.status_code == 422
    assert "调整积分不能为 0" in bad.text and "请填写 2–120 字的调整原因" in bad.text
    assert f'value="{member.phone}"' in bad.text and f'value="{key}"' in bad.text
    garbled = await client.post(  # not a number: refused, never read as a deduction
        "/admin/points/adjust",
        data={"phone": member.phone, "amount": "-", "reason": "补发", "idempotencyKey": key},
        headers=htmx(csrf),
    )
    assert garbled.status_code == 422 and "调整积分不能为 0" in garbled.text
    assert await LedgerEntry.all().count() == 0


async def test_a_large_adjustment_waits_for_a_second_admin(client: httpx.AsyncClient) -> None:
    first_admin = await make_member(display_name="甲管理员", roles=(Role.RESIDENT, Role.ADMIN))
    second_admin = await make_member(display_name="乙管理员", roles=(Role.RESIDENT, Role.ADMIN))
    member = await make_member(display_name="李叔")
    csrf = await log_in(client, first_admin)
    key = await admin_form_key(client)
    form = {
        "phone": member.phone,
        "amount": "1500",
        "reason": "命名大赛特别奖",
        "idempotencyKey": key,
    }

    asked = await client.post("/admin/points/adjust", data=form, headers=htmx(csrf))

    request = await AdjustmentRequest.get(member_id=member.id)
    assert asked.status_code == 202
    assert f"需要另一位管理员批准：申请 #{request.id} 正在等待审批" in asked.text
    assert (
        'id="pending-adjustments" hx-swap-oob="true"' in asked.text and "李叔 +1500" in asked.text
    )
    assert await balance(member) == 0

    same = await client.post(f"/admin/points/adjustments/{request.id}/approve", headers=htmx(csrf))
    assert same.status_code == 422 and "需要另一位管理员批准" in same.text
    assert (await AdjustmentRequest.get(id=request.id)).approved_by_id is None

    await client.post("/logout", data={"csrf_token": csrf})
    csrf = await log_in(client, second_admin)
    approved = await client.post(
        f"/admin/points/adjustments/{request.id}/approve", headers=htmx(csrf)
    )
    assert approved.status_code == 200
    assert approved.text.lstrip().startswith('<section class="card pending"')
    assert (
        "已批准：+1500 积分，当前余额 1500" in approved.text and "没有待批准的调整" in approved.text
    )
    assert await balance(member) == 1500
    assert (await AdjustmentRequest.get(id=request.id)).approved_by_id == second_admin.id
