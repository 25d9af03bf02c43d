"""Portal: the programme rules form and version history at /admin/settings, publishing a privacy
policy at /admin/privacy (shown on /privacy), the points history naming rule versions; admins
only, with 422 re-renders naming each field's problem."""

from __future__ import annotations

import httpx
import pytest

from domain.collaborators import Collaborators
from domain.identity.models import Role
from domain.points.services import award_points
from domain.posts.models import AuditLogEntry
from domain.programme.models import PrivacyPolicy, ProgrammeRules
from domain.programme.rules import DEFAULT_RULES
from portal.forms.settings import rule_values
from tests.factories import make_member
from tests.portal.test_points_pages import htmx, log_in, sent_to_log_in, visitor_csrf

POLICY = "我们只为登录和邻里活动保存你的手机号与昵称。\n\n我们不会出售任何数据。"


async def log_in_admin(client: httpx.AsyncClient) -> str:
    admin = await make_member(display_name="运营小林", roles=(Role.RESIDENT, Role.ADMIN))
    return await log_in(client, admin)


def rule_form(**changes: str) -> dict[str, str]:
    return {**rule_values(DEFAULT_RULES), "baseVersion": "1", **changes}


async def test_the_admin_home_links_to_the_settings_pages(client: httpx.AsyncClient) -> None:
    await log_in_admin(client)
    home = await client.get("/admin")
    assert 'href="/admin/settings"' in home.text and 'href="/admin/privacy"' in home.text


async def test_an_admin_saves_a_rule_version_and_sees_it_in_the_history(
    client: httpx.AsyncClient,
) -> None:
    csrf = await log_in_admin(client)
    page = await client.get("/admin/settings")
    assert (
        page.status_code == 200 and "当前生效规则：版本 1" in page.text and "内置规则" in page.text
    )
    assert 'name="postPublished" type="number" value="10"' in page.text
    saved = await client.post(
        "/admin/settings", data=rule_form(postPublished="15", note="春季活动"), headers=htmx(csrf)
    )
    assert saved.status_code == 200 and saved.headers["HX-Redirect"] == "/admin/settings"
    row = await ProgrammeRules.get(version=2)
    assert row.rules["post_published"] == 15 and row.note == "春季活动"
    after = await client.get("/admin/settings")
    assert "当前生效规则：版本 2" in after.text and "运营小林 保存于" in after.text
    assert "春季活动" in after.text and 'value="15"' in after.text


async def test_a_bad_value_re_renders_the_form_at_422_with_the_fields_message(
    client: httpx.AsyncClient,
) -> None:
    csrf = await log_in_admin(client)
    refused = await client.post(
        "/admin/settings",
        data=rule_form(dailyContributionCap="0", expiryYears="abc"),
        headers=htmx(csrf),
    )
    assert refused.status_code == 422
    assert "每日贡献积分上限须在 1–10000 之间" in refused.text
    assert "积分有效年数须在 1–5 之间" in refused.text
    assert 'id="rules-form"' in refused.text and "<html" not in refused.text
    unchanged = await client.post("/admin/settings", data=rule_form(), headers=htmx(csrf))
    assert unchanged.status_code == 422 and "没有修改任何规则" in unchanged.text
    assert not await ProgrammeRules.exists() and not await AuditLogEntry.exists()


async def test_a_form_over_an_older_version_is_refused_at_422(client: httpx.AsyncClient) -> None:
    csrf = await log_in_admin(client)
    await client.post("/admin/settings", data=rule_form(voteCast="2"), headers=htmx(csrf))
    stale = await client.post("/admin/settings", data=rule_form(referral="50"), headers=htmx(csrf))
    assert stale.status_code == 422 and "规则刚被其他管理员修改" in stale.text
    assert [r.version for r in await ProgrammeRules.all()] == [2]


@pytest.mark.parametrize("role", [Role.RESIDENT, Role.HOST, Role.MODERATOR])
async def test_every_other_role_is_refused_both_pages_and_changes_nothing(
    client: httpx.AsyncClient, role: Role
) -> None:
    csrf = await log_in(client, await make_member(roles=(Role.RESIDENT, role)))
    for path in ("/admin/settings", "/admin/privacy"):
        assert (await client.get(path)).status_code == 403
    posted = await client.post(
        "/admin/settings", data=rule_form(postPublished="99"), headers=htmx(csrf)
    )
    published = await client.post(
        "/admin/privacy", data={"version": "2027-01", "body": POLICY}, headers=htmx(csrf)
    )
    assert (posted.status_code, published.status_code) == (403, 403)
    assert not await ProgrammeRules.exists() and not await PrivacyPolicy.exists()


async def test_signed_out_visitors_are_sent_to_log_in(client: httpx.AsyncClient) -> None:
    for path in ("/admin/settings", "/admin/privacy"):
        response = await client.get(path)
        assert response.status_code == 303 and response.headers["location"] == "/login"


async def test_an_admin_publishes_a_policy_that_the_privacy_page_then_shows(
    client: httpx.AsyncClient,
) -> None:
    csrf = await log_in_admin(client)
    before = await client.get("/privacy")
    assert "版本 2026-11" in before.text
    page = await client.get("/admin/privacy")
    assert "当前生效：版本 2026-11" in page.text and "目前只有内置版本" in page.text
    done = await client.post(
        "/admin/privacy", data={"version": "2027-01", "body": POLICY}, headers=htmx(csrf)
    )
    assert done.status_code == 200 and done.headers["HX-Redirect"] == "/admin/privacy"
    shown = await client.get("/privacy")
    assert "版本 2027-01" in shown.text
    assert "<p>我们只为登录和邻里活动保存你的手机号与昵称。</p>" in shown.text
    assert "<p>我们不会出售任何数据。</p>" in shown.text
    listing = await client.get("/admin/privacy")
    assert "当前生效：版本 2027-01" in listing.text and "运营小林 发布于" in listing.text


async def test_a_used_label_or_short_text_re_renders_the_policy_form_at_422(
    client: httpx.AsyncClient,
) -> None:
    csrf = await log_in_admin(client)
    taken = await client.post(
        "/admin/privacy", data={"version": "2026-11", "body": POLICY}, headers=htmx(csrf)
    )
    assert taken.status_code == 422 and "这个版本号已经用过了" in taken.text
    short = await client.post(
        "/admin/privacy", data={"version": "2027-01", "body": "太短"}, headers=htmx(csrf)
    )
    assert short.status_code == 422 and "隐私政策正文" in short.text
    assert 'id="privacy-form"' in short.text and "2027-01" in short.text
    assert not await PrivacyPolicy.exists()


async def test_the_points_history_names_the_rule_version_of_each_award(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    member = await make_member()
    await award_points(collaborators, member.id, "post_published", "post:1")
    await ProgrammeRules.create(
        version=2,
        rules={**DEFAULT_RULES.values(), "post_published": 12},
        created_at=collaborators.clock.now(),
    )
    await award_points(collaborators, member.id, "post_published", "post:2")
    await log_in(client, member)
    page = await client.get("/points")
    assert "发布内容 · 规则 v1" in page.text and "发布内容 · 规则 v2" in page.text
    assert "+12" in page.text and "+10" in page.text


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/admin/settings", rule_form(postPublished="99")),
        ("/admin/privacy", {"version": "2027-01", "body": POLICY}),
    ],
    ids=["rules", "privacy"],
)
async def test_a_signed_out_post_with_a_valid_csrf_token_is_sent_to_log_in_changing_nothing(
    client: httpx.AsyncClient, path: str, data: dict[str, str]
) -> None:
    csrf = await visitor_csrf(client)
    response = await client.post(path, data=data, headers={"X-CSRF-Token": csrf})
    assert sent_to_log_in(response), (path, response.status_code, response.text[:200])
    assert not await ProgrammeRules.exists() and not await PrivacyPolicy.exists()
    assert not await AuditLogEntry.exists()
