"""Malformed phones (and invite codes) on every way in are typed refusals that change nothing:
never "Unexpected error.", never an ERROR in the log, never a row."""

from __future__ import annotations

import logging

import httpx
import pytest

from domain.identity import rules
from domain.identity.models import AuthToken, Member
from tests.api.test_identity_api import op, register
from tests.conftest import GraphQLClient
from tests.factories import PASSWORD, make_estate, make_member
from tests.portal.test_identity_pages import csrf_of, register_form
from tests.refusals import has_control_characters, refused_at_the_edge

BAD_PHONES = [
    "138123456789",  # twelve digits
    "1" * 300,
    "13812345678\x00",
    "1381234\x1b5678",
    "1381234٥678",  # an Arabic-Indic digit
    "1381234²678",
    "+86" + "9" * 60,
    "",
]


@pytest.mark.parametrize("phone", BAD_PHONES)
async def test_a_malformed_phone_is_refused_with_a_type_by_login_and_registration(
    gql: GraphQLClient, phone: str, caplog: pytest.LogCaptureFixture
) -> None:
    estate = await make_estate()
    login = await gql(op("PhoneLogin"), {"phone": phone, "password": PASSWORD})
    if has_control_characters(phone):  # the edge refuses it before the resolver sees it
        assert refused_at_the_edge(login), login
    else:
        assert login["data"]["login"]["code"] == "INVALID_CREDENTIALS", login
        registered = await register(gql, estate.id, phone=phone)
        assert registered["code"] == "INVALID_INPUT", registered
        assert [e["field"] for e in registered["fieldErrors"]] == ["phone"]
    assert await Member.all().count() == 0 and await AuthToken.all().count() == 0
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize("phone", BAD_PHONES[:4])
async def test_a_malformed_phone_on_the_portal_login_is_the_wrong_credentials_message(
    client: httpx.AsyncClient, phone: str
) -> None:
    await make_member(phone="13812345678")
    csrf = await csrf_of(client, "/login")
    page = await client.post(
        "/login", data={"csrf_token": csrf, "phone": phone, "password": PASSWORD}
    )
    assert page.status_code == 422 and "手机号或密码不正确" in page.text
    assert await AuthToken.all().count() == 0


async def test_a_malformed_phone_on_the_portal_registration_rerenders_the_form(
    client: httpx.AsyncClient,
) -> None:
    estate = await make_estate()
    csrf = await csrf_of(client)
    page = await client.post("/register", data=register_form(csrf, estate.id, phone="1" * 12))
    assert page.status_code == 422 and "请输入11位中国大陆手机号" in page.text
    odd_estate = register_form(csrf, estate.id, estateId="²")
    assert (await client.post("/register", data=odd_estate)).status_code == 422
    assert await Member.all().count() == 0


async def test_full_width_digits_are_the_same_phone_and_other_scripts_are_not_a_phone() -> None:
    assert rules.normalise_phone("１３８１２３４５６７８") == "13812345678"
    assert rules.phone_error(rules.normalise_phone("1381234٥678")) is not None


async def test_an_overlong_invite_code_is_the_invalid_invite_code_answer(
    gql: GraphQLClient,
) -> None:
    estate = await make_estate()
    for code in ("ABCDEFGHJ", "邀请码", "A" * 300):
        registered = await register(gql, estate.id, inviteCode=code)
        assert registered["code"] == "INVALID_INVITE_CODE", registered
    assert await Member.all().count() == 0
