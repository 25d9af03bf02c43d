"""The estates back office in the portal: /admin/estates lists and creates, /admin/estates/{id}
edits, manages pickup points and archives or restores behind a confirmation; a refusal re-renders
its form at 422 with the message; every other role gets 403 and changes nothing. The register and
profile pickers offer active estates only, and residents see their estate's pickup points where
they show a pickup code."""

from __future__ import annotations

import httpx
import pytest

from domain.identity.models import Estate, Member, PickupPoint, Role
from domain.posts.models import AuditLogEntry
from tests.factories import CLOCK_START, make_estate, make_member
from tests.portal.test_points_pages import HTMX, htmx, log_in, sent_to_log_in, visitor_csrf

NEW_ESTATE = {
    "name": "碧水苑",
    "city": "上海",
    "district": "徐汇区",
    "address": "漕溪路 1 号",
    "pickupPoints.0.name": "南门驿站",
    "pickupPoints.0.address": "南门岗亭旁",
    "pickupPoints.0.openingHours": "每天 9:00–21:00",
}


async def admin_logged_in(client: httpx.AsyncClient) -> str:
    admin = await make_member(
        estate=await make_estate("翠湖花园"), roles=(Role.RESIDENT, Role.ADMIN)
    )
    return await log_in(client, admin)


async def test_the_back_office_home_links_to_the_estates_page(client: httpx.AsyncClient) -> None:
    await admin_logged_in(client)
    home = await client.get("/admin")
    assert 'href="/admin/estates"' in home.text and "小区与自提点" in home.text


async def test_an_admin_creates_an_estate_with_a_pickup_point_and_lands_on_its_page(
    client: httpx.AsyncClient,
) -> None:
    csrf = await admin_logged_in(client)
    listing = await client.get("/admin/estates")
    assert listing.status_code == 200 and "翠湖花园" in listing.text and "使用中" in listing.text
    created = await client.post("/admin/estates", data=NEW_ESTATE, headers=htmx(csrf))
    estate = await Estate.get(name="碧水苑")
    assert created.status_code == 200
    assert created.headers["HX-Redirect"] == f"/admin/estates/{estate.id}"
    point = await PickupPoint.get(estate_id=estate.id)
    assert (point.name, point.opening_hours) == ("南门驿站", "每天 9:00–21:00")
    page = await client.get(f"/admin/estates/{estate.id}")
    assert page.status_code == 200 and "南门驿站" in page.text and "漕溪路 1 号" in page.text
    assert (
        await AuditLogEntry.filter(action__in=["ESTATE_CREATED", "PICKUP_POINT_ADDED"]).count() == 2
    )


async def test_without_javascript_creating_redirects_and_blank_pickup_fields_mean_no_point(
    client: httpx.AsyncClient,
) -> None:
    csrf = await admin_logged_in(client)
    data = {"csrf_token": csrf, "name": "碧水苑", "city": "上海", "district": "徐汇区"}
    created = await client.post("/admin/estates", data=data)
    estate = await Estate.get(name="碧水苑")
    assert (
        created.status_code == 303 and created.headers["location"] == f"/admin/estates/{estate.id}"
    )
    assert await PickupPoint.all().count() == 0


async def test_a_taken_name_or_blank_fields_re_render_the_form_at_422_with_the_message(
    client: httpx.AsyncClient,
) -> None:
    csrf = await admin_logged_in(client)
    taken = await client.post(
        "/admin/estates", data={**NEW_ESTATE, "name": "翠湖花园"}, headers=htmx(csrf)
    )
    assert taken.status_code == 422 and "已有同名小区" in taken.text
    assert 'value="漕溪路 1 号"' in taken.text  # what the admin typed stays
    blank = await client.post(
        "/admin/estates",
        data={**NEW_ESTATE, "city": " ", "pickupPoints.0.openingHours": ""},
        headers=htmx(csrf),
    )
    assert (
        blank.status_code == 422 and "请填写城市" in blank.text and "请填写开放时间" in blank.text
    )
    assert "<html" not in blank.text  # the form block only
    assert await Estate.all().count() == 1 and await PickupPoint.all().count() == 0


async def test_an_admin_edits_the_details_and_a_taken_name_is_refused_at_422(
    client: httpx.AsyncClient,
) -> None:
    csrf = await admin_logged_in(client)
    estate = await make_estate("碧水苑")
    data = {"name": "碧水新苑", "city": "上海", "district": "徐汇区", "address": "漕溪路 2 号"}
    saved = await client.post(f"/admin/estates/{estate.id}", data=data, headers=htmx(csrf))
    assert saved.status_code == 200 and "已保存" in saved.text
    assert (await Estate.get(id=estate.id)).address == "漕溪路 2 号"
    taken = await client.post(
        f"/admin/estates/{estate.id}", data={**data, "name": "翠湖花园"}, headers=htmx(csrf)
    )
    assert taken.status_code == 422 and "已有同名小区" in taken.text
    assert (await Estate.get(id=estate.id)).name == "碧水新苑"


async def test_pickup_points_are_added_edited_and_archived_on_the_estate_page(
    client: httpx.AsyncClient,
) -> None:
    csrf = await admin_logged_in(client)
    estate = await make_estate("碧水苑")
    point_data = {"name": "南门驿站", "address": "南门岗亭旁", "openingHours": "每天 9:00–21:00"}
    added = await client.post(
        f"/admin/estates/{estate.id}/pickup-points", data=point_data, headers=htmx(csrf)
    )
    assert added.status_code == 200 and "自提点已添加" in added.text
    point = await PickupPoint.get(estate_id=estate.id)
    blank = await client.post(
        f"/admin/estates/{estate.id}/pickup-points",
        data={**point_data, "address": ""},
        headers=htmx(csrf),
    )
    assert blank.status_code == 422 and "请填写自提点地址" in blank.text
    assert await PickupPoint.all().count() == 1

    edited = await client.post(
        f"/admin/pickup-points/{point.id}",
        data={**point_data, "openingHours": "每天 8:00–22:00"},
        headers=htmx(csrf),
    )
    assert edited.status_code == 200 and "已保存" in edited.text
    assert (await PickupPoint.get(id=point.id)).opening_hours == "每天 8:00–22:00"
    too_long = await client.post(
        f"/admin/pickup-points/{point.id}",
        data={**point_data, "name": "点" * 41},
        headers=htmx(csrf),
    )
    assert too_long.status_code == 422 and "自提点名称最多40个字" in too_long.text
    archived = await client.post(f"/admin/pickup-points/{point.id}/archive", headers=htmx(csrf))
    assert archived.status_code == 200 and "自提点已停用" in archived.text
    assert (await PickupPoint.get(id=point.id)).archived_at == CLOCK_START


async def test_archiving_asks_for_confirmation_first_and_restoring_reopens_the_estate(
    client: httpx.AsyncClient,
) -> None:
    csrf = await admin_logged_in(client)
    estate = await make_estate("碧水苑")
    resident = await make_member(estate=estate)
    confirm = await client.get(f"/admin/estates/{estate.id}/archive", headers=HTMX)
    assert confirm.status_code == 200 and "确定停用碧水苑" in confirm.text
    assert (await Estate.get(id=estate.id)).archived_at is None  # asking changes nothing
    full_page = await client.get(f"/admin/estates/{estate.id}/archive")
    assert "<html" in full_page.text and "确定停用碧水苑" in full_page.text
    archived = await client.post(f"/admin/estates/{estate.id}/archive", headers=htmx(csrf))
    assert archived.status_code == 200 and "小区已停用" in archived.text
    assert (await Estate.get(id=estate.id)).archived_at == CLOCK_START
    assert (await Member.get(id=resident.id)).estate_id == estate.id
    listing = await client.get("/admin/estates")
    assert "已停用" in listing.text

    confirm = await client.get(f"/admin/estates/{estate.id}/restore", headers=HTMX)
    assert "确定恢复碧水苑" in confirm.text
    restored = await client.post(f"/admin/estates/{estate.id}/restore", headers=htmx(csrf))
    assert restored.status_code == 200 and "小区已恢复" in restored.text
    assert (await Estate.get(id=estate.id)).archived_at is None


async def test_an_archived_estate_offers_no_add_form_and_refuses_a_posted_point_at_422(
    client: httpx.AsyncClient,
) -> None:
    csrf = await admin_logged_in(client)
    estate = await make_estate("碧水苑")
    await Estate.filter(id=estate.id).update(archived_at=CLOCK_START)
    page = await client.get(f"/admin/estates/{estate.id}")
    assert "add-pickup-point-form" not in page.text and "已停用的小区不能再添加自提点" in page.text
    posted = await client.post(
        f"/admin/estates/{estate.id}/pickup-points",
        data={"name": "南门", "address": "南门", "openingHours": "全天"},
        headers=htmx(csrf),
    )
    assert posted.status_code == 422 and "该小区已停用" in posted.text
    assert await PickupPoint.all().count() == 0


async def test_unknown_estates_and_points_are_404(client: httpx.AsyncClient) -> None:
    csrf = await admin_logged_in(client)
    assert (await client.get("/admin/estates/999")).status_code == 404
    assert (await client.post("/admin/pickup-points/999", headers=htmx(csrf))).status_code == 404
    estate = await make_estate("碧水苑")
    assert (await client.get(f"/admin/estates/{estate.id}/delete")).status_code == 404


async def estates_world() -> tuple[Estate, Estate, PickupPoint]:
    """An open estate with a pickup point, and an archived estate."""
    estate = await make_estate("碧水苑")
    closed = await make_estate("旧村")
    await Estate.filter(id=closed.id).update(archived_at=CLOCK_START)
    point = await PickupPoint.create(
        estate=estate, name="南门", address="南门", opening_hours="全天", created_at=CLOCK_START
    )
    return estate, closed, point


def estates_posts(
    estate: Estate, closed: Estate, point: PickupPoint
) -> dict[str, tuple[str, dict[str, str]]]:
    """Every estates action: its path and a form an admin's POST would carry out."""
    new_point = {"name": "北门", "address": "北门", "openingHours": "全天"}
    return {
        "create": ("/admin/estates", NEW_ESTATE),
        "edit": (
            f"/admin/estates/{estate.id}",
            {"name": "改名", "city": "上海", "district": "徐汇区"},
        ),
        "archive": (f"/admin/estates/{estate.id}/archive", {}),
        "restore": (f"/admin/estates/{closed.id}/restore", {}),
        "add-point": (f"/admin/estates/{estate.id}/pickup-points", new_point),
        "edit-point": (
            f"/admin/pickup-points/{point.id}",
            {"name": "改", "address": "改", "openingHours": "改"},
        ),
        "archive-point": (f"/admin/pickup-points/{point.id}/archive", {}),
    }


ESTATES_POSTS = ["create", "edit", "archive", "restore", "add-point", "edit-point", "archive-point"]


async def assert_estates_unchanged(estate: Estate, closed: Estate, point: PickupPoint) -> None:
    saved = await Estate.get(id=estate.id)
    assert (saved.name, saved.archived_at) == ("碧水苑", None)
    assert (await Estate.get(id=closed.id)).archived_at == CLOCK_START
    assert await Estate.all().count() == 2 and await PickupPoint.all().count() == 1
    saved_point = await PickupPoint.get(id=point.id)
    assert (saved_point.name, saved_point.archived_at) == ("南门", None)
    assert await AuditLogEntry.all().count() == 0


@pytest.mark.parametrize("role", [Role.RESIDENT, Role.HOST, Role.MODERATOR])
async def test_every_estates_page_and_action_is_refused_to_other_roles(
    client: httpx.AsyncClient, role: Role
) -> None:
    estate, closed, point = await estates_world()
    csrf = await log_in(client, await make_member(estate=estate, roles=(Role.RESIDENT, role)))
    for path in (
        "/admin/estates",
        f"/admin/estates/{estate.id}",
        f"/admin/estates/{estate.id}/archive",
        f"/admin/estates/{closed.id}/restore",
    ):
        assert (await client.get(path)).status_code == 403, path
    for path, data in estates_posts(estate, closed, point).values():
        assert (await client.post(path, data=data, headers=htmx(csrf))).status_code == 403, path
    await assert_estates_unchanged(estate, closed, point)


async def test_a_visitor_is_sent_to_log_in(client: httpx.AsyncClient) -> None:
    estate = await make_estate("碧水苑")
    for path in ("/admin/estates", f"/admin/estates/{estate.id}"):
        response = await client.get(path)
        assert response.status_code == 303 and response.headers["location"] == "/login"


@pytest.mark.parametrize("action", ESTATES_POSTS)
async def test_a_signed_out_post_with_a_valid_csrf_token_is_sent_to_log_in_changing_nothing(
    client: httpx.AsyncClient, action: str
) -> None:
    estate, closed, point = await estates_world()
    csrf = await visitor_csrf(client)
    path, data = estates_posts(estate, closed, point)[action]
    response = await client.post(path, data=data, headers={"X-CSRF-Token": csrf})
    assert sent_to_log_in(response), (path, response.status_code, response.text[:200])
    await assert_estates_unchanged(estate, closed, point)


async def test_the_register_page_offers_active_estates_only_and_refuses_an_archived_one(
    client: httpx.AsyncClient,
) -> None:
    await make_estate("碧水苑")
    closed = await make_estate("旧村")
    await Estate.filter(id=closed.id).update(archived_at=CLOCK_START)
    page = await client.get("/register")
    assert "碧水苑" in page.text and "旧村" not in page.text
    csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    posted = await client.post(
        "/register",
        data={
            "csrf_token": csrf,
            "phone": "13812345678",
            "password": "neighbour-2026",
            "displayName": "新邻居",
            "estateId": str(closed.id),
            "acceptPrivacyPolicy": "on",
        },
        headers=HTMX,
    )
    assert posted.status_code == 422 and "该小区已停用" in posted.text
    assert not await Member.filter(phone="13812345678").exists()


async def test_the_profile_offers_active_estates_and_keeps_a_members_own_archived_estate(
    client: httpx.AsyncClient,
) -> None:
    home, closed = await make_estate("旧村"), await make_estate("废园")
    await make_estate("碧水苑")
    member = await make_member(estate=home, display_name="老王")
    await Estate.filter(id__in=[home.id, closed.id]).update(archived_at=CLOCK_START)
    csrf = await log_in(client, member)
    page = await client.get("/profile")
    assert "旧村" in page.text and "碧水苑" in page.text and "废园" not in page.text
    kept = await client.post(
        "/profile", data={"displayName": "王伯", "estateId": str(home.id)}, headers=htmx(csrf)
    )
    assert kept.status_code == 200 and "已保存" in kept.text
    refused = await client.post(
        "/profile", data={"displayName": "王伯伯", "estateId": str(closed.id)}, headers=htmx(csrf)
    )
    assert refused.status_code == 422 and "该小区已停用" in refused.text
    saved = await Member.get(id=member.id)
    assert (saved.display_name, saved.estate_id) == ("王伯", home.id)


async def test_residents_see_their_estates_active_pickup_points_on_my_redemptions(
    client: httpx.AsyncClient,
) -> None:
    estate, other = await make_estate("碧水苑"), await make_estate("翠湖花园")
    for owner, name, archived in (
        (estate, "南门驿站", None),
        (estate, "旧驿站", CLOCK_START),
        (other, "别家驿站", None),
    ):
        await PickupPoint.create(
            estate=owner,
            name=name,
            address="门口",
            opening_hours="每天 9:00–21:00",
            archived_at=archived,
            created_at=CLOCK_START,
        )
    await log_in(client, await make_member(estate=estate))
    page = await client.get("/redemptions")
    assert "取货地点" in page.text and "南门驿站" in page.text and "每天 9:00–21:00" in page.text
    assert "旧驿站" not in page.text and "别家驿站" not in page.text
