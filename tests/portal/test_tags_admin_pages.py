"""Portal: /admin/tags (list with member counts, create, rename, merge after a confirmation, retire
and restore) for admins only, and the audit page's filters, paging and before/after values."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest

from domain.clock import FrozenClock
from domain.collaborators import Collaborators
from domain.identity import tags
from domain.identity.models import InterestTag, Member, MemberInterestTag, Role
from domain.posts.models import AuditLogEntry
from tests.factories import CLOCK_START, make_member, make_tag
from tests.portal.test_points_pages import htmx, log_in, sent_to_log_in, visitor_csrf
from tests.sqlcount import count_sql


async def admin() -> Member:
    return await make_member(roles=(Role.RESIDENT, Role.ADMIN), display_name="运营小林")


async def tag_state() -> list[tuple[object, ...]]:
    rows = (
        await InterestTag.all().order_by("id").values_list("name", "retired_at", "merged_into_id")
    )
    return [*rows, (await AuditLogEntry.all().count(),)]


async def tag_posts() -> dict[str, tuple[str, dict[str, str]]]:
    """Two tags and a retired one; every tag action with a form an admin's POST would carry out."""
    coffee, tea, old = await make_tag("咖啡"), await make_tag("茶"), await make_tag("旧爱好")
    await InterestTag.filter(id=old.id).update(retired_at=CLOCK_START)
    return {
        "create": ("/admin/tags", {"name": "亲子"}),
        "rename": (f"/admin/tags/{coffee.id}/rename", {"name": "手冲"}),
        "merge": (f"/admin/tags/{coffee.id}/merge", {"targetId": str(tea.id), "confirm": "yes"}),
        "retire": (f"/admin/tags/{coffee.id}/retire", {}),
        "restore": (f"/admin/tags/{old.id}/restore", {}),
    }


@pytest.mark.parametrize("role", [Role.RESIDENT, Role.HOST, Role.MODERATOR])
async def test_the_tag_pages_are_refused_to_every_role_but_admin(
    client: httpx.AsyncClient, role: Role
) -> None:
    attempts = await tag_posts()
    before = await tag_state()
    anonymous = await client.get("/admin/tags")
    assert anonymous.status_code == 303 and anonymous.headers["location"].endswith("/login")
    csrf = await log_in(client, await make_member(roles=(Role.RESIDENT, role)))
    assert (await client.get("/admin/tags")).status_code == 403
    for url, data in attempts.values():
        assert (await client.post(url, data=data, headers=htmx(csrf))).status_code == 403, url
    assert await tag_state() == before


@pytest.mark.parametrize("action", ["create", "rename", "merge", "retire", "restore"])
async def test_a_signed_out_post_with_a_valid_csrf_token_is_sent_to_log_in_changing_nothing(
    client: httpx.AsyncClient, action: str
) -> None:
    url, data = (await tag_posts())[action]
    before = await tag_state()
    csrf = await visitor_csrf(client)
    response = await client.post(url, data=data, headers={"X-CSRF-Token": csrf})
    assert sent_to_log_in(response), (url, response.status_code, response.text[:200])
    assert await tag_state() == before


async def test_an_admin_creates_and_renames_a_tag_and_a_taken_name_comes_back_at_422(
    client: httpx.AsyncClient,
) -> None:
    await make_tag("茶")
    csrf = await log_in(client, await admin())
    home = await client.get("/admin")
    assert 'href="/admin/tags"' in home.text and 'href="/moderation/audit"' in home.text
    created = await client.post("/admin/tags", data={"name": " 亲子 "}, headers=htmx(csrf))
    assert created.status_code == 200 and "已创建：成员现在可以选择它" in created.text
    assert 'id="admin-tags" hx-swap-oob="true"' in created.text and "亲子" in created.text
    new = await InterestTag.get(name="亲子")
    taken = await client.post("/admin/tags", data={"name": "茶"}, headers=htmx(csrf))
    assert taken.status_code == 422 and "已有同名的兴趣标签" in taken.text
    assert 'value="茶"' in taken.text  # what was typed comes back
    blank = await client.post("/admin/tags", data={"name": ""}, headers=htmx(csrf))
    assert blank.status_code == 422 and "请填写标签名称" in blank.text
    no_token = await client.post(
        "/admin/tags", data={"name": "园艺"}, headers={"HX-Request": "true"}
    )
    assert no_token.status_code == 403
    assert await InterestTag.all().count() == 2

    renamed = await client.post(
        f"/admin/tags/{new.id}/rename", data={"name": "亲子家庭"}, headers=htmx(csrf)
    )
    assert renamed.status_code == 200 and "已改名" in renamed.text
    assert (await InterestTag.get(id=new.id)).name == "亲子家庭"
    clash = await client.post(
        f"/admin/tags/{new.id}/rename", data={"name": "茶"}, headers=htmx(csrf)
    )
    assert clash.status_code == 422 and "已有同名的兴趣标签" in clash.text
    assert (await InterestTag.get(id=new.id)).name == "亲子家庭"


async def test_merging_asks_first_then_moves_the_members_and_the_list_shows_the_counts(
    client: httpx.AsyncClient,
) -> None:
    coffee, brew = await make_tag("咖啡"), await make_tag("手冲咖啡")
    for member in [await make_member() for _ in range(3)]:
        await MemberInterestTag.create(member=member, tag=coffee, created_at=CLOCK_START)
    csrf = await log_in(client, await admin())
    listing = await client.get("/admin/tags")
    assert listing.status_code == 200 and "3 位成员" in listing.text

    asked = await client.post(
        f"/admin/tags/{coffee.id}/merge", data={"targetId": str(brew.id)}, headers=htmx(csrf)
    )
    assert asked.status_code == 200
    assert "确定把「咖啡」合并到「手冲咖啡」吗？它的 3 位成员" in asked.text
    assert 'name="confirm" value="yes"' in asked.text
    assert await MemberInterestTag.filter(tag=coffee).count() == 3  # nothing yet

    merged = await client.post(
        f"/admin/tags/{coffee.id}/merge",
        data={"targetId": str(brew.id), "confirm": "yes"},
        headers=htmx(csrf),
    )
    assert merged.status_code == 200 and "已合并：3 位成员现在带有「手冲咖啡」" in merged.text
    assert "已合并到「手冲咖啡」" in merged.text
    assert await MemberInterestTag.filter(tag=brew).count() == 3
    assert (await InterestTag.get(id=coffee.id)).merged_into_id == brew.id

    itself = await client.post(
        f"/admin/tags/{brew.id}/merge", data={"targetId": str(brew.id)}, headers=htmx(csrf)
    )
    assert itself.status_code == 422 and "不能把标签合并到它自己" in itself.text


async def test_retiring_hides_the_tag_from_pickers_and_restoring_offers_it_again(
    client: httpx.AsyncClient,
) -> None:
    dance, garden = await make_tag("广场舞"), await make_tag("园艺")
    member = await make_member(display_name="老王")
    await MemberInterestTag.create(member=member, tag=dance, created_at=CLOCK_START)
    csrf = await log_in(client, await admin())
    retired = await client.post(f"/admin/tags/{dance.id}/retire", headers=htmx(csrf))
    assert retired.status_code == 200 and "已停用：不再供选择" in retired.text
    assert (await InterestTag.get(id=dance.id)).retired_at is not None
    await client.post("/logout", data={"csrf_token": csrf})

    # The member still sees (and may keep) it, marked; someone without it is not offered it.
    await log_in(client, member)
    profile = await client.get("/profile")
    assert "广场舞" in profile.text and "（已停用）" in profile.text and "园艺" in profile.text
    await client.post("/logout", data={"csrf_token": csrf})
    await log_in(client, await make_member())
    assert "广场舞" not in (await client.get("/profile")).text
    await client.post("/logout", data={"csrf_token": csrf})

    csrf = await log_in(client, await admin())
    restored = await client.post(f"/admin/tags/{dance.id}/restore", headers=htmx(csrf))
    assert restored.status_code == 200 and "已恢复：重新可选" in restored.text
    assert (await InterestTag.get(id=dance.id)).retired_at is None
    assert [t.id for t in await InterestTag.filter(retired_at__isnull=True)] == [
        dance.id,
        garden.id,
    ]


# -- the audit page ------------------------------------------------------------------------------


async def test_the_audit_page_filters_by_who_kind_and_day_and_shows_old_and_new_values(
    client: httpx.AsyncClient, collaborators: Collaborators, clock: FrozenClock
) -> None:
    lin, other = (
        await admin(),
        await make_member(roles=(Role.RESIDENT, Role.ADMIN), display_name="运营小周"),
    )
    coffee = await make_tag("咖啡")
    await tags.rename_tag(collaborators, lin, coffee.id, "手冲咖啡")
    clock.advance(days=2)
    await tags.create_tag(collaborators, other, "亲子")
    await log_in(client, lin)

    page = await client.get("/moderation/audit")
    assert page.status_code == 200
    assert "标签改名" in page.text and "创建标签" in page.text and "兴趣标签 #" in page.text
    assert "名称</span>: <del>咖啡</del> → <ins>手冲咖啡</ins>" in page.text
    assert f'<option value="{other.id}">运营小周</option>' in page.text
    assert '<option value="TAG_RENAMED">标签改名</option>' in page.text

    by_other = await client.get(f"/moderation/audit?actor={other.id}")
    assert "创建标签" in by_other.text and "标签改名</strong>" not in by_other.text
    by_kind = await client.get("/moderation/audit?action=TAG_RENAMED")
    assert "标签改名</strong>" in by_kind.text and "创建标签</strong>" not in by_kind.text
    first_day = (collaborators.clock.today() - timedelta(days=2)).isoformat()
    by_day = await client.get(f"/moderation/audit?since={first_day}&until={first_day}")
    assert "标签改名</strong>" in by_day.text and "创建标签</strong>" not in by_day.text
    both = await client.get(f"/moderation/audit?actor={other.id}&until={first_day}")
    assert "这里还没有内容。" in both.text and 'class="row audit-row"' not in both.text
    garbled = await client.get("/moderation/audit?since=yesterday&actor=x")
    assert garbled.status_code == 200 and "部分筛选条件无法识别" in garbled.text
    assert "标签改名</strong>" in garbled.text  # the rest of the log as unfiltered


async def test_load_more_keeps_the_filters_and_answers_a_fragment(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    lin = await admin()
    for n in range(55):
        await tags.create_tag(collaborators, lin, f"标签{n}")
    await tags.retire_tag(collaborators, lin, (await InterestTag.get(name="标签0")).id)
    await log_in(client, lin)
    page = await client.get("/moderation/audit?action=TAG_CREATED")
    assert page.text.count('class="row audit-row"') == 50
    more = re.search(r'href="(/moderation/audit\?[^"]+)"', page.text.split('id="audit-more"')[1])
    assert more is not None
    url = more.group(1).replace("&amp;", "&")
    assert "action=TAG_CREATED" in url and "after=" in url
    rest = await client.get(url, headers={"HX-Request": "true"})
    assert rest.status_code == 200 and "<html" not in rest.text
    assert rest.text.count('class="row audit-row"') == 5 and "停用标签" not in rest.text
    assert 'id="audit-more"' not in rest.text


async def test_the_audit_page_sends_the_same_statements_for_three_entries_or_fifty(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    lin = await admin()
    await log_in(client, lin)
    counts = []
    for size in (3, 50):
        while await AuditLogEntry.all().count() < size:
            await tags.create_tag(collaborators, lin, f"标签{await AuditLogEntry.all().count()}")
        with count_sql() as statements:
            page = await client.get("/moderation/audit")
        assert page.text.count('class="row audit-row"') == size
        counts.append(len(statements))
    assert counts[0] == counts[1]


async def test_a_moderator_reads_no_back_office_entry_on_the_audit_page(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    lin = await admin()
    await tags.create_tag(collaborators, lin, "亲子")
    await log_in(client, await make_member(roles=(Role.RESIDENT, Role.MODERATOR)))
    page = await client.get("/moderation/audit?action=TAG_CREATED")
    assert page.status_code == 200 and "创建标签</strong>" not in page.text
    assert "运营小林" not in page.text
