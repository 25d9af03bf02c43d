"""PIPL records on the portal: a new privacy policy version is accepted before the next sign-in
completes (every acceptance kept), each version has its page, and staff reads of a member's
personal data are recorded, one statement per page or file batch, and shown to the member by
role only."""

from __future__ import annotations

import re

import httpx

from domain.collaborators import Collaborators
from domain.columns import column
from domain.identity.models import Member, Role
from domain.privacy.record_models import AccessKind, ConsentRecord, PersonalDataAccess
from domain.programme.services import publish_privacy_policy
from tests.api.test_groups_api import token_for
from tests.api.test_identity_api import op
from tests.conftest import GraphQLClient
from tests.factories import PASSWORD, make_estate, make_member
from tests.portal.test_points_pages import log_in, visitor_csrf
from tests.sqlcount import count_sql
from web.ids import encode_id

NEW_POLICY = "我们更新了照片的保存方式：原图在处理后立即删除，只保留去除位置信息的副本。"


async def _sign_in(client: httpx.AsyncClient, member: Member) -> httpx.Response:
    csrf = await visitor_csrf(client)
    return await client.post(
        "/login", data={"csrf_token": csrf, "phone": member.phone, "password": PASSWORD}
    )


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, html[:500]
    return found.group(1)


async def _signed_in(client: httpx.AsyncClient) -> bool:
    return (await client.get("/me/data")).status_code == 200


async def test_a_new_policy_is_accepted_before_the_next_sign_in_completes(
    collaborators: Collaborators, client: httpx.AsyncClient
) -> None:
    c = collaborators
    boss = await make_member(roles=(Role.ADMIN,))
    member = await make_member()
    await publish_privacy_policy(c, boss, "2026-12", NEW_POLICY)

    asked = await _sign_in(client, member)
    assert asked.status_code == 303 and asked.headers["location"].endswith("/login/consent")
    assert not await _signed_in(client)  # no session until they accept
    page = await client.get("/login/consent")
    assert "2026-12" in page.text and "原图在处理后立即删除" in page.text

    declined = await client.post(
        "/login/consent", data={"csrf_token": _csrf(page.text), "decision": "decline"}
    )
    assert "需要同意新版隐私政策才能登录" in declined.text
    assert not await _signed_in(client)
    assert await ConsentRecord.filter(member=member).count() == 0

    await _sign_in(client, member)
    page = await client.get("/login/consent")
    stale = await client.post(
        "/login/consent",
        data={"csrf_token": _csrf(page.text), "decision": "accept", "version": "2026-11"},
    )
    assert stale.status_code == 422 and "隐私政策刚刚更新过" in stale.text
    assert not await _signed_in(client)
    assert await ConsentRecord.filter(member=member).count() == 0

    accepted = await client.post(
        "/login/consent",
        data={"csrf_token": _csrf(stale.text), "decision": "accept", "version": "2026-12"},
    )
    assert accepted.status_code == 303
    assert await _signed_in(client)
    fresh = await Member.get(id=member.id)
    assert fresh.consent_version == "2026-12" and fresh.consented_at == c.clock.now()
    records = await column(ConsentRecord.filter(member=member), "version")
    assert records == ["2026-12"]
    assert "/privacy/v/2026-12" in (await client.get("/me/data")).text

    await client.post("/logout", data={"csrf_token": _csrf((await client.get("/")).text)})
    again = await _sign_in(client, member)
    assert again.status_code == 303 and not again.headers["location"].endswith("/consent")


async def test_the_consent_step_cannot_be_reached_without_a_sign_in(
    client: httpx.AsyncClient,
) -> None:
    page = await client.get("/login/consent")
    assert page.status_code == 303 and page.headers["location"].endswith("/login")
    posted = await client.post(
        "/login/consent",
        data={"csrf_token": await visitor_csrf(client), "decision": "accept", "version": "x"},
    )
    assert posted.status_code == 303 and not await _signed_in(client)


async def test_registration_records_the_consent_and_every_version_has_its_page(
    collaborators: Collaborators, client: httpx.AsyncClient
) -> None:
    boss = await make_member(roles=(Role.ADMIN,))
    await publish_privacy_policy(collaborators, boss, "2026-12", NEW_POLICY)
    current = await client.get("/privacy")
    assert "原图在处理后立即删除" in current.text and "/privacy/v/2026-11" in current.text
    old = await client.get("/privacy/v/2026-11")
    assert old.status_code == 200 and "原图在处理后立即删除" not in old.text
    assert "手机号" in old.text  # the built-in first version
    assert (await client.get("/privacy/v/1999-01")).status_code == 404


async def test_staff_reads_are_recorded_in_one_statement_and_shown_to_the_member_by_role(
    collaborators: Collaborators, client: httpx.AsyncClient
) -> None:
    estate = await make_estate()
    boss = await make_member(roles=(Role.ADMIN,), display_name="王管理员", estate=estate)
    wangs = [await make_member(display_name=f"王{i}号", estate=estate) for i in range(6)]
    await log_in(client, boss)

    with count_sql() as statements:
        listed = await client.get("/admin/members", params={"q": "王"})
    assert listed.status_code == 200
    inserts = [s for s in statements if "personal_data_access" in s and "INSERT" in s.upper()]
    assert len(inserts) == 1, inserts  # one statement for the whole page
    kinds = await column(PersonalDataAccess.filter(member_id__in=[w.id for w in wangs]), "kind")
    assert sorted(kinds) == [AccessKind.MEMBERS_LIST] * 6
    assert not await PersonalDataAccess.filter(member=boss).exists()  # their own row is not

    assert (await client.get(f"/admin/members/{wangs[0].id}")).status_code == 200
    csv = await client.get("/admin/members.csv")
    assert csv.status_code == 200
    seen = (
        await PersonalDataAccess.filter(member=wangs[0])
        .order_by("id")
        .values_list("kind", "staff_role", "staff_id")
    )
    assert seen == [
        (AccessKind.MEMBERS_LIST, "ADMIN", boss.id),
        (AccessKind.MEMBER_PAGE, "ADMIN", boss.id),
        (AccessKind.CSV_EXPORT, "ADMIN", boss.id),
    ]

    await client.post("/logout", data={"csrf_token": _csrf((await client.get("/")).text)})
    await log_in(client, wangs[0])
    mine = (await client.get("/me/data")).text
    section = mine[mine.index('id="data-reads"') :]
    assert section.count("<td>管理</td>") == 3  # the role, once per read
    for what in ("会员列表", "你的会员档案", "会员文件（CSV）"):
        assert what in section
    assert "王管理员" not in section  # never the staff member's name


async def test_the_staff_api_records_its_reads_as_the_portal_does(
    collaborators: Collaborators, gql: GraphQLClient
) -> None:
    estate = await make_estate()
    boss = await make_member(roles=(Role.ADMIN,), estate=estate)
    neighbours = [await make_member(estate=estate) for _ in range(3)]
    token = await token_for(collaborators, boss)
    listed = await gql(
        op("Members"), {"first": 50, "estateId": encode_id("Estate", estate.id)}, token
    )
    assert "errors" not in listed, listed
    record = await gql(
        op("MemberRecord"), {"memberId": encode_id("Member", neighbours[0].id)}, token
    )
    assert "errors" not in record, record
    rows = await PersonalDataAccess.filter(member_id__in=[n.id for n in neighbours]).values_list(
        "member_id", "kind"
    )
    assert sorted(rows) == sorted(
        [(n.id, AccessKind.MEMBERS_LIST) for n in neighbours]
        + [(neighbours[0].id, AccessKind.MEMBER_PAGE)]
    )
