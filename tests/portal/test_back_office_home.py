"""The back office's home page: the admins' entrance to every back-office screen, refused to
every other role."""

from __future__ import annotations

import httpx
import pytest

from domain.identity.models import Role
from tests.factories import make_estate, make_member
from tests.portal.test_points_pages import log_in


async def test_an_admin_sees_the_back_office_home_with_its_operations(
    client: httpx.AsyncClient,
) -> None:
    admin = await make_member(estate=await make_estate(), roles=(Role.ADMIN,))
    await log_in(client, admin)
    home = await client.get("/admin")
    assert home.status_code == 200
    assert "后台" in home.text and 'href="/admin/rewards"' in home.text


@pytest.mark.parametrize("role", [Role.RESIDENT, Role.HOST, Role.MODERATOR])
async def test_every_other_role_is_refused_the_back_office_home(
    client: httpx.AsyncClient, role: Role
) -> None:
    member = await make_member(estate=await make_estate(), roles=(role,))
    await log_in(client, member)
    home = await client.get("/admin")
    assert home.status_code == 403
    assert 'href="/admin/rewards"' not in home.text


async def test_a_visitor_is_sent_to_log_in(client: httpx.AsyncClient) -> None:
    home = await client.get("/admin")
    assert home.status_code in (302, 303) and "/login" in home.headers["location"]
