"""主理人后台 and the member's tier block: who may see what, tags added in place, the nudge with
the right number, the NPS question once a quarter, and no other member's purchase data."""

from __future__ import annotations

import re

import httpx

from domain.collaborators import Collaborators
from domain.identity.models import Member, MemberInterestTag, Role
from domain.segments.models import NpsResponse
from domain.segments.recompute import recompute_tiers
from domain.segments.rfm import Tier
from tests.domain.events_helpers import make_event, make_group, make_host
from tests.domain.host_console_helpers import buys, join, moved, post_in
from tests.factories import make_member, make_tag
from tests.portal.test_points_pages import HTMX, htmx, log_in


async def test_a_resident_is_refused_and_the_nav_shows_the_console_to_hosts_only(
    client: httpx.AsyncClient,
) -> None:
    resident = await make_member()
    await log_in(client, resident)
    refused = await client.get("/host")
    assert refused.status_code == 403 and "主理人后台" not in refused.text
    assert (await client.get("/host/groups/1/members")).status_code == 403
    await client.post("/logout", headers=HTMX)
    await log_in(client, await make_host())
    assert 'href="/host">主理人后台</a>' in (await client.get("/")).text


async def test_a_host_sees_only_their_groups_with_members_figures_events_and_win_back(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    host, other_host = await make_host("阿哲"), await make_host("小林")
    mine = await make_group(host)
    theirs = await make_group(other_host, "亲子烘焙", "baking")
    member = await make_member(display_name="王阿姨", phone="13812345678")
    lapsed = await make_member(display_name="李叔叔")
    await join(collaborators, mine, member, lapsed)
    await join(collaborators, theirs, await make_member(display_name="别组邻居"))
    await moved(collaborators, lapsed, Tier.DORMANT, days_ago=6, from_tier=Tier.POTENTIAL)
    await Member.filter(id=member.id).update(tier=Tier.HIGH_VALUE)
    await make_event(collaborators, mine, capacity=8, title="咖啡品鉴会")
    await make_event(collaborators, theirs, title="烘焙课")
    await log_in(client, host)
    page = await client.get("/host")
    assert page.status_code == 200
    text = page.text
    assert "手冲咖啡" in text and "亲子烘焙" not in text and "别组邻居" not in text
    assert "王阿姨" in text and "138****5678" in text and "13812345678" not in text
    assert '<span class="tier-badge tier-high_value">高价值</span>' in text
    assert f'href="/moderation?group={mine.id}">0 条待处理' in text
    assert "咖啡品鉴会" in text and "已报名 0 / 8，候补 0 人" in text and "烘焙课" not in text
    win_back = text.split("唤醒名单")[1].split("<h3>成员</h3>")[0]
    assert "李叔叔" in win_back and "王阿姨" not in win_back
    admin = await make_member(roles=(Role.RESIDENT, Role.ADMIN))
    await client.post("/logout", headers=HTMX)
    await log_in(client, admin)
    everything = (await client.get("/host")).text
    assert "手冲咖啡" in everything and "亲子烘焙" in everything


async def test_a_host_adds_and_removes_a_tag_in_place_but_not_outside_their_groups(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    host, other_host = await make_host("阿哲"), await make_host("小林")
    mine = await make_group(host)
    theirs = await make_group(other_host, "亲子烘焙", "baking")
    member, outsider = await make_member(display_name="王阿姨"), await make_member()
    await join(collaborators, mine, member)
    await join(collaborators, theirs, outsider)
    tag = await make_tag("手冲爱好者")
    csrf = await log_in(client, host)
    url = f"/host/groups/{mine.id}/members/{member.id}/tags"
    added = await client.post(url, data={"tagId": str(tag.id)}, headers=htmx(csrf))
    assert added.status_code == 200 and "<html" not in added.text
    assert "手冲爱好者" in added.text and f"{url}/{tag.id}/remove" in added.text
    link = await MemberInterestTag.get(member_id=member.id)
    assert link.tag_id == tag.id
    unknown = await client.post(url, data={"tagId": "9999"}, headers=htmx(csrf))
    assert unknown.status_code == 422 and "兴趣标签不存在" in unknown.text
    outside = await client.post(
        f"/host/groups/{mine.id}/members/{outsider.id}/tags",
        data={"tagId": str(tag.id)},
        headers=htmx(csrf),
    )
    assert outside.status_code == 403 and "只能给自己主理的小组成员添加标签" in outside.text
    other_group = await client.post(
        f"/host/groups/{theirs.id}/members/{outsider.id}/tags",
        data={"tagId": str(tag.id)},
        headers=htmx(csrf),
    )
    assert other_group.status_code == 403
    assert not await MemberInterestTag.filter(member_id=outsider.id).exists()
    removed = await client.post(f"{url}/{tag.id}/remove", headers=htmx(csrf))
    assert removed.status_code == 200 and "手冲爱好者</span>" not in removed.text
    assert not await MemberInterestTag.filter(member_id=member.id).exists()
    no_csrf = await client.post(url, data={"tagId": str(tag.id)}, headers=HTMX)
    assert no_csrf.status_code == 403
    assert not await MemberInterestTag.filter(member_id=member.id).exists()


async def test_members_load_fifty_at_a_time(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    host = await make_host()
    group = await make_group(host)
    members = [await make_member(display_name=f"邻居{n:02d}") for n in range(52)]
    await join(collaborators, group, *members)
    await log_in(client, host)
    page = (await client.get("/host")).text
    assert page.count('class="host-member"') == 50 and "邻居50" not in page
    more = re.search(rf'hx-get="(/host/groups/{group.id}/members\?after=\d+)"', page)
    assert more
    rest = await client.get(more.group(1), headers=HTMX)
    assert rest.text.count('class="host-member"') == 2 and "邻居51" in rest.text
    assert "加载更多" not in rest.text


async def test_another_hosts_group_pages_are_refused_like_a_missing_group_and_admins_see_all(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    host, other_host = await make_host("阿哲"), await make_host("小林")
    theirs = await make_group(other_host, "亲子烘焙", "baking")
    neighbour = await make_member(display_name="别组邻居")
    await join(collaborators, theirs, neighbour)
    await log_in(client, host)
    theirs_page = await client.get(f"/host/groups/{theirs.id}/members", headers=HTMX)
    missing = await client.get("/host/groups/9999/members", headers=HTMX)
    assert theirs_page.status_code == missing.status_code == 403
    assert "别组邻居" not in theirs_page.text and theirs_page.text == missing.text
    await client.post("/logout", headers=HTMX)
    await log_in(client, await make_member(roles=(Role.RESIDENT, Role.ADMIN)))
    seen = await client.get(f"/host/groups/{theirs.id}/members", headers=HTMX)
    assert seen.status_code == 200 and "别组邻居" in seen.text


async def five_buyers(c: Collaborators) -> list[Member]:
    """Scores 7, 9, 11, 13, 15 (worked out in tests/domain/test_standing_and_host_tags.py). The
    top buyer's purchases are ¥107.77 here, so the spend cut is ¥538.85: at ¥100 a basket the
    one-time buyer needs 5 more purchases (6 purchases, ¥600) to score M5, F5, R5 = 15."""
    members = [await make_member(display_name=f"买家{n}") for n in range(1, 6)]
    for n, member in enumerate(members, start=1):
        await buys(c, member, n, 10_000 + 777 * (n == 5), days_ago=10)
    await recompute_tiers(c)
    return members


async def test_the_member_sees_their_badge_and_the_nudge_but_no_one_elses_purchases(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    one, *_, top = await five_buyers(collaborators)
    await log_in(client, one)
    points = await client.get("/points")
    assert 'hx-get="/points/standing"' in points.text
    block = await client.get("/points/standing", headers=HTMX)
    assert block.status_code == 200 and "<html" not in block.text
    assert '<span class="tier-badge tier-potential">潜力</span>' in block.text
    assert "本季度再买 5 次即可升级为高价值会员" in block.text
    assert "最近购买 5、购买频次 1、消费金额 1" in block.text
    page = await client.get("/points/standing")
    assert "<html" in page.text and "本季度再买 5 次" in page.text
    top_spend = 4 * 10_000 + 10_777
    for shown in (block.text, page.text):
        assert top.display_name not in shown
        assert str(top_spend) not in shown and f"{top_spend / 100:.2f}" not in shown
    await client.post("/logout", headers=HTMX)
    await log_in(client, top)
    mine = await client.get("/points/standing", headers=HTMX)
    assert "高价值" in mine.text and "本季度再买" not in mine.text


async def test_the_nps_question_is_answered_once_a_quarter(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    member = await make_member()
    csrf = await log_in(client, member)
    block = await client.get("/points/standing", headers=HTMX)
    assert "你有多大可能把邻里推荐给朋友？" in block.text
    assert block.text.count('name="score"') == 11
    invalid = await client.post(
        "/points/nps", data={"score": "11", "comment": "还行"}, headers=htmx(csrf)
    )
    assert invalid.status_code == 422 and "请选择 0 到 10 之间的分数" in invalid.text
    assert "还行" in invalid.text and not await NpsResponse.exists()
    missing = await client.post("/points/nps", data={}, headers=htmx(csrf))
    assert missing.status_code == 422 and not await NpsResponse.exists()
    done = await client.post(
        "/points/nps", data={"score": "9", "comment": "团长很用心"}, headers=htmx(csrf)
    )
    assert done.status_code == 200 and "谢谢你" in done.text
    answer = await NpsResponse.get(member_id=member.id)
    assert (answer.score, answer.comment, answer.quarter) == (9, "团长很用心", "2026Q4")
    second = await client.post("/points/nps", data={"score": "3"}, headers=htmx(csrf))
    assert second.status_code == 422 and "本季度已经回答过啦" in second.text
    assert 'name="score"' not in second.text
    assert await NpsResponse.filter(member_id=member.id).count() == 1
    after = await client.get("/points/standing", headers=HTMX)
    assert "你有多大可能把邻里推荐给朋友？" not in after.text


async def test_a_host_sees_the_newest_posts_of_their_group_and_which_wait_for_review(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    host, other_host = await make_host("阿哲"), await make_host("小林")
    mine = await make_group(host)
    theirs = await make_group(other_host, "亲子烘焙", "baking")
    author = await make_member(display_name="王阿姨")
    waiting = await post_in(collaborators, mine, author, "PENDING")
    shown = await post_in(collaborators, mine, author, "PUBLISHED")
    rejected = await post_in(collaborators, mine, author, "REJECTED")
    elsewhere = await post_in(collaborators, theirs, author, "PUBLISHED")
    await log_in(client, host)
    text = (await client.get("/host")).text
    latest = text.split("最新帖子")[1].split("即将举行的活动")[0]
    assert f'href="/posts/{shown.id}"' in latest and "待审核" in latest
    assert f'href="/posts/{waiting.id}"' not in latest  # a pending post has no public page yet
    assert f'href="/posts/{rejected.id}"' not in latest and f"/posts/{elsewhere.id}" not in latest
    assert latest.count("王阿姨") == 2
