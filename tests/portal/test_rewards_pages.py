"""积分商城, 我的兑换, the pickup desk and admin rewards: pages, fragments, 422s, the database."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import httpx

from domain.collaborators import Collaborators
from domain.identity.models import Member, Role
from domain.points.services import award_points
from domain.rewards.models import Redemption, RedemptionStatus, Reward, RewardRestock
from tests.factories import make_member
from tests.portal.test_points_pages import HTMX, badge_text, balance, htmx, log_in
from tests.sqlcount import count_sql


async def make_reward(c: Collaborators, **values: Any) -> Reward:
    fields: dict[str, Any] = {
        "name": "有机小番茄",
        "description": "崇明农场直送，一份 500 克",
        "cost_points": 30,
        "stock": 3,
        "initial_stock": 3,
        "created_at": c.clock.now(),
    }
    fields.update(values)
    return await Reward.create(**fields)


async def rich_member(c: Collaborators, **values: Any) -> Member:
    member = await make_member(**values)
    await award_points(c, member.id, "referral", "seed")  # 100 points
    return member


async def confirm_key(client: httpx.AsyncClient, reward: Reward) -> str:
    confirm = await client.get(f"/mall/{reward.id}/confirm", headers=HTMX)
    assert confirm.status_code == 200, confirm.text[:300]
    return re.search(r'name="idempotencyKey" value="([^"]+)"', confirm.text).group(1)  # type: ignore[union-attr]


async def redeem(client: httpx.AsyncClient, csrf: str, reward: Reward, key: str) -> httpx.Response:
    return await client.post(
        f"/mall/{reward.id}/redeem", data={"idempotencyKey": key}, headers=htmx(csrf)
    )


async def stock_of(reward: Reward) -> int:
    return (await Reward.get(id=reward.id)).stock


# 积分商城 ------------------------------------------------------------------------------------


async def test_the_mall_shows_only_rewards_that_are_active_and_available_now(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    now = collaborators.clock.now()
    member = await rich_member(collaborators)
    shown = await make_reward(collaborators, per_member_limit=2)
    await make_reward(collaborators, name="已下架的米", active=False)
    await make_reward(collaborators, name="下周开抢的油", available_from=now + timedelta(days=7))
    await make_reward(collaborators, name="上周结束的面", available_until=now - timedelta(days=1))
    await log_in(client, member)

    page = await client.get("/mall")

    assert page.status_code == 200 and "积分商城" in page.text
    assert "有机小番茄" in page.text and "崇明农场直送" in page.text
    assert "已下架的米" not in page.text and "下周开抢的油" not in page.text
    assert "上周结束的面" not in page.text
    card = page.text.split(f'id="reward-{shown.id}"')[1]
    assert '<strong class="cost">30</strong>' in card and f'id="stock-{shown.id}">3<' in card
    assert "每人限兑 2 件" in card and f'id="mine-{shown.id}">0<' in card
    assert badge_text(page.text) == "100 积分"


async def test_signed_out_visitors_are_sent_to_log_in(client: httpx.AsyncClient) -> None:
    for path in ("/mall", "/mall/1/confirm", "/redemptions", "/host/pickups", "/admin/rewards"):
        response = await client.get(path)
        assert response.status_code == 303 and response.headers["location"] == "/login", path


async def test_the_confirm_step_is_a_fragment_with_a_server_made_idempotency_key(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    member = await rich_member(collaborators)
    reward = await make_reward(collaborators)
    await log_in(client, member)

    fragment = await client.get(f"/mall/{reward.id}/confirm", headers=HTMX)
    whole = await client.get(f"/mall/{reward.id}/confirm")

    assert fragment.status_code == 200
    assert fragment.text.lstrip().startswith('<form class="confirm"')
    assert 'hx-disabled-elt="find button[type=submit]"' in fragment.text
    assert "用 30 积分兑换「有机小番茄」？你现在有 100 积分。" in fragment.text
    keys = re.findall(r'name="idempotencyKey" value="([^"]+)"', fragment.text + whole.text)
    assert len(keys) == 2 and keys[0] != keys[1] and len(keys[0]) == 22
    assert '<html lang="zh-CN">' in whole.text and 'name="csrf_token"' in whole.text
    assert (await client.get("/mall/999/confirm", headers=HTMX)).status_code == 422
    assert await Redemption.all().count() == 0


async def test_redeeming_swaps_in_the_pickup_code_and_updates_badge_and_stock(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    member = await rich_member(collaborators)
    reward = await make_reward(collaborators)
    csrf = await log_in(client, member)

    response = await redeem(client, csrf, reward, await confirm_key(client, reward))

    redemption = await Redemption.get(member_id=member.id)
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div class="result"')
    assert f'<p class="pickup-code">{redemption.pickup_code}</p>' in response.text
    assert re.search(r'<a id="points-badge"[^>]*hx-swap-oob="true"[^>]*>70 积分</a>', response.text)
    assert f'<span id="stock-{reward.id}" hx-swap-oob="true">2</span>' in response.text
    assert f'<span id="mine-{reward.id}" hx-swap-oob="true">1</span>' in response.text
    assert '<span id="mall-balance" hx-swap-oob="true">你有 70 积分。</span>' in response.text
    assert (redemption.reward_id, redemption.points_spent, redemption.status) == (
        reward.id,
        30,
        RedemptionStatus.RESERVED,
    )
    assert await balance(member) == 70 and await stock_of(reward) == 2


async def test_the_same_idempotency_key_posted_twice_redeems_once(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    member = await rich_member(collaborators)
    reward = await make_reward(collaborators)
    csrf = await log_in(client, member)
    key = await confirm_key(client, reward)

    first = await redeem(client, csrf, reward, key)
    second = await client.post(  # the plain form resubmitted, without htmx
        f"/mall/{reward.id}/redeem", data={"csrf_token": csrf, "idempotencyKey": key}
    )

    redemption = await Redemption.get(member_id=member.id)
    assert first.status_code == second.status_code == 200
    assert redemption.pickup_code in first.text and redemption.pickup_code in second.text
    assert '<html lang="zh-CN">' in second.text and badge_text(second.text) == "70 积分"
    assert await Redemption.all().count() == 1
    assert await balance(member) == 70 and await stock_of(reward) == 2


async def test_too_few_points_rerenders_the_confirm_step_at_422(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    member = await rich_member(collaborators)
    reward = await make_reward(collaborators, cost_points=150)
    csrf = await log_in(client, member)
    key = await confirm_key(client, reward)

    response = await redeem(client, csrf, reward, key)

    assert response.status_code == 422
    assert response.text.lstrip().startswith('<form class="confirm"')
    assert "积分不足：需要 150 积分，当前 100 积分" in response.text
    assert f'value="{key}"' in response.text and "hx-swap-oob" not in response.text
    assert await Redemption.all().count() == 0
    assert await balance(member) == 100 and await stock_of(reward) == 3


async def test_a_sold_out_reward_is_refused_at_422(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    member = await rich_member(collaborators)
    reward = await make_reward(collaborators, stock=1)
    csrf = await log_in(client, member)
    key = await confirm_key(client, reward)
    await Reward.filter(id=reward.id).update(stock=0)  # someone else took the last one

    response = await redeem(client, csrf, reward, key)

    assert response.status_code == 422 and "这件好物已经兑完了" in response.text
    assert await Redemption.all().count() == 0 and await balance(member) == 100
    assert "已兑完" in (await client.get("/mall")).text


async def test_the_per_member_limit_is_refused_at_422(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    member = await rich_member(collaborators)
    reward = await make_reward(collaborators, per_member_limit=1)
    csrf = await log_in(client, member)
    await redeem(client, csrf, reward, await confirm_key(client, reward))

    response = await redeem(client, csrf, reward, await confirm_key(client, reward))

    assert response.status_code == 422 and "每人限兑 1 件" in response.text
    assert await Redemption.all().count() == 1
    assert await balance(member) == 70 and await stock_of(reward) == 2


async def test_a_reward_out_of_its_window_is_not_found_at_422(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    member = await rich_member(collaborators)
    reward = await make_reward(collaborators)
    csrf = await log_in(client, member)
    key = await confirm_key(client, reward)
    await Reward.filter(id=reward.id).update(active=False)

    response = await redeem(client, csrf, reward, key)

    assert response.status_code == 422 and "这件好物不存在或未在兑换期" in response.text
    assert await Redemption.all().count() == 0 and await stock_of(reward) == 3


async def test_redeeming_too_fast_is_rate_limited_with_retry_after(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    member = await rich_member(collaborators)
    reward = await make_reward(collaborators, cost_points=1, stock=10)
    csrf = await log_in(client, member)
    statuses = [
        (await redeem(client, csrf, reward, await confirm_key(client, reward))).status_code
        for _ in range(6)
    ]
    assert statuses == [200] * 5 + [429]
    refused = await redeem(client, csrf, reward, await confirm_key(client, reward))
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
    assert "操作太频繁" in refused.text and refused.text.lstrip().startswith(
        '<form class="confirm"'
    )
    assert await Redemption.all().count() == 5 and await stock_of(reward) == 5


# 我的兑换 ------------------------------------------------------------------------------------


async def test_my_redemptions_show_the_code_large_with_a_qr_code(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    member = await rich_member(collaborators)
    reward = await make_reward(collaborators)
    csrf = await log_in(client, member)
    await redeem(client, csrf, reward, await confirm_key(client, reward))
    redemption = await Redemption.get(member_id=member.id)

    page = await client.get("/redemptions")

    assert page.status_code == 200 and "我的兑换" in page.text and "待领取" in page.text
    assert f'<p class="pickup-code" aria-label="兑换码">{redemption.pickup_code}</p>' in page.text
    assert re.search(
        r'<svg viewBox="0 0 (\d+) \1" class="qr"><title>' + redemption.pickup_code, page.text
    )
    assert "<script>" not in page.text and "style=" not in page.text
    assert "取消兑换" in page.text


async def test_cancelling_gives_points_and_stock_back_and_only_once(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    member = await rich_member(collaborators)
    reward = await make_reward(collaborators)
    csrf = await log_in(client, member)
    await redeem(client, csrf, reward, await confirm_key(client, reward))
    redemption = await Redemption.get(member_id=member.id)

    cancelled = await client.post(f"/redemptions/{redemption.id}/cancel", headers=htmx(csrf))

    assert cancelled.status_code == 200
    assert cancelled.text.lstrip().startswith(
        f'<li class="card redemption status-cancelled" id="redemption-{redemption.id}"'
    )
    assert "已取消，30 积分已退回" in cancelled.text and "<svg" not in cancelled.text
    assert re.search(
        r'<a id="points-badge"[^>]*hx-swap-oob="true"[^>]*>100 积分</a>', cancelled.text
    )
    assert (await Redemption.get(id=redemption.id)).status == RedemptionStatus.CANCELLED
    assert await balance(member) == 100 and await stock_of(reward) == 3

    again = await client.post(f"/redemptions/{redemption.id}/cancel", headers=htmx(csrf))
    assert again.status_code == 422 and "不能再取消" in again.text
    assert await balance(member) == 100 and await stock_of(reward) == 3


async def test_someone_elses_redemption_cannot_be_cancelled(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    owner = await rich_member(collaborators)
    reward = await make_reward(collaborators)
    csrf = await log_in(client, owner)
    await redeem(client, csrf, reward, await confirm_key(client, reward))
    redemption = await Redemption.get(member_id=owner.id)
    await client.post("/logout", data={"csrf_token": csrf})
    csrf = await log_in(client, await make_member())

    response = await client.post(f"/redemptions/{redemption.id}/cancel", headers=htmx(csrf))

    assert response.status_code == 422 and "没有找到" in response.text
    assert redemption.pickup_code not in response.text
    assert (await Redemption.get(id=redemption.id)).status == RedemptionStatus.RESERVED


# The host's pickup desk ----------------------------------------------------------------------


async def test_a_host_hands_a_reward_over_by_its_pickup_code(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    member = await rich_member(collaborators, display_name="张阿姨")
    reward = await make_reward(collaborators)
    csrf = await log_in(client, member)
    await redeem(client, csrf, reward, await confirm_key(client, reward))
    redemption = await Redemption.get(member_id=member.id)
    await client.post("/logout", data={"csrf_token": csrf})
    host = await make_member(display_name="团长老李", roles=(Role.RESIDENT, Role.HOST))
    csrf = await log_in(client, host)
    assert (await client.get("/host/pickups")).status_code == 200

    typed = f" {redemption.pickup_code.lower()} "
    done = await client.post("/host/pickups", data={"pickupCode": typed}, headers=htmx(csrf))

    assert done.status_code == 200 and done.text.lstrip().startswith('<form id="pickup-form"')
    assert "请发放：有机小番茄 ×1" in done.text and "会员：张阿姨" in done.text
    fulfilled = await Redemption.get(id=redemption.id)
    assert fulfilled.status == RedemptionStatus.FULFILLED
    assert fulfilled.fulfilled_by_id == host.id

    again = await client.post(
        "/host/pickups", data={"pickupCode": redemption.pickup_code}, headers=htmx(csrf)
    )
    assert again.status_code == 422 and "该兑换码已核销" in again.text
    unknown = await client.post("/host/pickups", data={"pickupCode": "ZZZZZZ"}, headers=htmx(csrf))
    assert unknown.status_code == 422 and "兑换码不存在" in unknown.text
    assert 'value="ZZZZZZ"' in unknown.text


async def test_the_pickup_desk_says_a_cancelled_redemption_was_cancelled_and_hands_nothing_over(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    member = await rich_member(collaborators)
    reward = await make_reward(collaborators)
    csrf = await log_in(client, member)
    await redeem(client, csrf, reward, await confirm_key(client, reward))
    redemption = await Redemption.get(member_id=member.id)
    await client.post(f"/redemptions/{redemption.id}/cancel", headers=htmx(csrf))
    assert (await Redemption.get(id=redemption.id)).status == RedemptionStatus.CANCELLED
    await client.post("/logout", data={"csrf_token": csrf})
    csrf = await log_in(client, await make_member(roles=(Role.RESIDENT, Role.HOST)))

    done = await client.post(
        "/host/pickups", data={"pickupCode": redemption.pickup_code}, headers=htmx(csrf)
    )

    assert done.status_code == 422 and "该兑换已被会员取消" in done.text
    assert "请发放" not in done.text
    stored = await Redemption.get(id=redemption.id)
    assert stored.status == RedemptionStatus.CANCELLED and stored.fulfilled_at is None
    assert await balance(member) == 100 and await stock_of(reward) == 3


async def test_a_seven_character_pickup_code_is_refused_at_422_not_an_error_page(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    csrf = await log_in(client, await make_member(roles=(Role.RESIDENT, Role.HOST)))
    done = await client.post("/host/pickups", data={"pickupCode": "ABCDEFG"}, headers=htmx(csrf))
    assert done.status_code == 422 and "兑换码为 6 位字母和数字" in done.text


async def test_residents_are_refused_the_staff_pages(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    member = await rich_member(collaborators)
    reward = await make_reward(collaborators)
    csrf = await log_in(client, member)
    await redeem(client, csrf, reward, await confirm_key(client, reward))
    code = (await Redemption.get(member_id=member.id)).pickup_code

    for path in ("/host/pickups", "/admin/rewards"):
        page = await client.get(path)
        assert page.status_code == 403 and "没有权限" in page.text, path
    fulfil = await client.post("/host/pickups", data={"pickupCode": code}, headers=htmx(csrf))
    create = await client.post(
        "/admin/rewards",
        data={"name": "白送的米", "description": "x", "costPoints": "1", "stock": "9"},
        headers=htmx(csrf),
    )
    restock = await client.post(
        f"/admin/rewards/{reward.id}/restock", data={"quantity": "50"}, headers=htmx(csrf)
    )

    assert fulfil.status_code == create.status_code == restock.status_code == 403
    assert (await Redemption.get(member_id=member.id)).status == RedemptionStatus.RESERVED
    assert await Reward.all().count() == 1 and await stock_of(reward) == 2
    assert "核销" not in (await client.get("/mall")).text.split("</nav>")[0]


# Admin: rewards ------------------------------------------------------------------------------


async def test_an_admin_creates_a_reward_that_then_shows_in_the_mall(
    client: httpx.AsyncClient,
) -> None:
    admin = await make_member(roles=(Role.RESIDENT, Role.ADMIN))
    csrf = await log_in(client, admin)
    form = {
        "name": "手工皂",
        "description": "邻居自制，薰衣草味",
        "costPoints": "80",
        "stock": "20",
        "perMemberLimit": "2",
        "availableFrom": "2026-11-01T09:00",
        "availableUntil": "",
    }

    created = await client.post("/admin/rewards", data=form, headers=htmx(csrf))

    assert created.status_code == 200 and created.headers["hx-redirect"] == "/admin/rewards"
    reward = await Reward.get(name="手工皂")
    assert (reward.cost_points, reward.stock, reward.initial_stock, reward.per_member_limit) == (
        80,
        20,
        20,
        2,
    )
    assert reward.available_from is not None
    assert reward.available_from.isoformat().startswith("2026-11-01T01:00")  # 09:00 in Shanghai
    assert reward.available_until is None
    assert "手工皂" in (await client.get("/admin/rewards")).text
    assert "手工皂" in (await client.get("/mall")).text


async def test_a_bad_reward_keeps_the_values_and_shows_each_fields_message_at_422(
    client: httpx.AsyncClient,
) -> None:
    admin = await make_member(roles=(Role.RESIDENT, Role.ADMIN))
    csrf = await log_in(client, admin)
    form = {
        "name": "米",
        "description": "东北大米",
        "costPoints": "abc",
        "stock": "-5",
        "perMemberLimit": "0",
        "availableFrom": "2026-12-01T09:00",
        "availableUntil": "2026-11-30T09:00",
    }

    response = await client.post("/admin/rewards", data=form, headers=htmx(csrf))

    assert response.status_code == 422
    assert response.text.lstrip().startswith('<form id="create-reward-form"')
    for field, message in (
        ("name", "名称应为 2–60 个字"),
        ("costPoints", "所需积分应在 1 到 1,000,000 之间"),
        ("stock", "库存应在 0 到 1,000,000 之间"),
        ("perMemberLimit", "每人限兑至少 1 件"),
        ("availableUntil", "结束时间应晚于开始时间"),
    ):
        assert re.search(rf'id="msg-{field}"[^>]*>{message}<', response.text), field
    assert 'value="米"' in response.text and ">东北大米</textarea>" in response.text
    assert 'value="abc"' in response.text and 'value="2026-12-01T09:00"' in response.text
    assert await Reward.all().count() == 0


async def test_an_admin_restocks_a_reward_in_place(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    admin = await make_member(roles=(Role.RESIDENT, Role.ADMIN))
    reward = await make_reward(collaborators)
    csrf = await log_in(client, admin)
    assert "库存 3 / 3" in (await client.get("/admin/rewards")).text

    restocked = await client.post(
        f"/admin/rewards/{reward.id}/restock", data={"quantity": "7"}, headers=htmx(csrf)
    )

    assert restocked.status_code == 200
    assert restocked.text.lstrip().startswith(
        f'<li class="row admin-reward" id="admin-reward-{reward.id}"'
    )
    assert "库存 10 / 3" in restocked.text and "已补货" in restocked.text
    assert await stock_of(reward) == 10
    assert await RewardRestock.filter(reward_id=reward.id, quantity=7).count() == 1

    refused = await client.post(
        f"/admin/rewards/{reward.id}/restock", data={"quantity": "0"}, headers=htmx(csrf)
    )
    assert refused.status_code == 422 and "补货数量应在 1 到 1,000,000 之间" in refused.text
    missing = await client.post(
        "/admin/rewards/999/restock", data={"quantity": "1"}, headers=htmx(csrf)
    )
    assert missing.status_code == 422 and "没有找到" in missing.text
    assert await stock_of(reward) == 10 and await RewardRestock.all().count() == 1


# A fixed number of SQL statements per page, whatever the number of rows -----------------------


async def statements_for(client: httpx.AsyncClient, path: str) -> int:
    with count_sql() as seen:
        response = await client.get(path)
    assert response.status_code == 200
    return len(seen)


async def test_the_lists_run_the_same_sql_for_one_row_as_for_many(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    member = await rich_member(collaborators)
    await award_points(collaborators, member.id, "campaign_won", "big")  # 300 points
    csrf = await log_in(client, member)
    first = await make_reward(collaborators, cost_points=1, stock=20)
    await redeem(client, csrf, first, await confirm_key(client, first))
    one = {path: await statements_for(client, path) for path in PAGES}

    for n in range(4):  # five redemptions a minute is the limit
        reward = await make_reward(
            collaborators, name=f"好物{n}", cost_points=1, per_member_limit=3
        )
        await redeem(client, csrf, reward, await confirm_key(client, reward))
    many = {path: await statements_for(client, path) for path in PAGES}

    assert await Redemption.all().count() == 5
    assert many == one and all(count > 0 for count in one.values())


PAGES = ("/mall", "/redemptions", "/points")
