"""The identity operations of the contract, over HTTP, with the security limits of /graphql."""

from __future__ import annotations

from typing import Any

import httpx
from graphql import print_ast

from domain.identity.models import AuthToken, Member, MemberInterestTag, Role
from tests.api.test_contract import OPERATIONS
from tests.conftest import GraphQLClient
from tests.factories import PASSWORD, make_estate, make_image, make_member, make_tag
from web.ids import encode_id


def op(name: str) -> str:
    """The contract's own text of an operation: the tests send exactly what the clients send."""
    return print_ast(OPERATIONS[name])


async def register(gql: GraphQLClient, estate_id: int, **changes: Any) -> dict[str, Any]:
    variables = {
        "input": {
            "phone": "13812345678",
            "password": PASSWORD,
            "displayName": "邻居小王",
            "estateId": encode_id("Estate", estate_id),
            "acceptPrivacyPolicy": True,
            **changes,
        }
    }
    body = await gql(op("Register"), variables)
    result: dict[str, Any] = body["data"]["register"]
    return result


async def test_a_resident_registers_logs_in_and_reads_their_profile(gql: GraphQLClient) -> None:
    estate = await make_estate()
    registered = await register(gql, estate.id)
    assert registered["__typename"] == "AuthSuccess" and registered["isNewMember"] is True
    member = await Member.get(phone="13812345678")
    assert registered["viewer"] == {"id": encode_id("Member", member.id), "displayName": "邻居小王"}

    login = (await gql(op("PhoneLogin"), {"phone": "13812345678", "password": PASSWORD}))["data"]
    assert login["login"]["__typename"] == "AuthSuccess"
    token = login["login"]["accessToken"]
    viewer = await gql(
        "{ viewer { id displayName phone phoneMasked roles referralCode estate { name } } }",
        token=token,
    )
    assert viewer["data"]["viewer"] == {
        "id": encode_id("Member", member.id),
        "displayName": "邻居小王",
        "phone": "13812345678",
        "phoneMasked": "138****5678",
        "roles": ["RESIDENT"],
        "referralCode": member.invite_code,
        "estate": {"name": estate.name},
    }


async def test_bad_registration_input_is_an_invalid_input_union_member(gql: GraphQLClient) -> None:
    estate = await make_estate()
    result = await register(
        gql, estate.id, phone="123", password="short", acceptPrivacyPolicy=False
    )
    assert result["__typename"] == "InvalidInput" and result["code"] == "INVALID_INPUT"
    fields = [e["field"] for e in result["fieldErrors"]]
    assert fields == ["phone", "password", "acceptPrivacyPolicy"]
    assert await Member.all().count() == 0


async def test_an_estate_id_of_another_type_is_invalid_input(gql: GraphQLClient) -> None:
    await make_estate()
    result = await register(gql, 1, estateId=encode_id("Member", 1))
    assert result["__typename"] == "InvalidInput"
    assert result["fieldErrors"][0]["field"] == "estateId"


async def test_registering_a_taken_phone_and_a_bad_invite_code_are_typed(
    gql: GraphQLClient,
) -> None:
    estate = await make_estate()
    await make_member(phone="13812345678")
    assert (await register(gql, estate.id))["code"] == "PHONE_TAKEN"
    other = await register(gql, estate.id, phone="13812340000", inviteCode="NOPE2345")
    assert other["code"] == "INVALID_INVITE_CODE"


async def test_wrong_password_then_flooding_gives_invalid_credentials_then_rate_limited(
    gql: GraphQLClient,
) -> None:
    await make_member(phone="13812345678")
    codes = []
    for _ in range(11):
        body = await gql(op("PhoneLogin"), {"phone": "13812345678", "password": "wrong-pass"})
        codes.append(body["data"]["login"]["code"])
    assert codes == ["INVALID_CREDENTIALS"] * 10 + ["RATE_LIMITED"]
    limited = await gql(
        'mutation { login(input: {phone: "13812345678", password: "x"}) '
        "{ ... on RateLimited { retryAfterSeconds } } }"
    )
    assert 1 <= limited["data"]["login"]["retryAfterSeconds"] <= 60


async def test_refresh_and_logout(gql: GraphQLClient) -> None:
    member = await make_member(phone="13812345678")
    login = (await gql(op("PhoneLogin"), {"phone": "13812345678", "password": PASSWORD}))["data"]
    pair = login["login"]
    assert await AuthToken.filter(member=member).count() == 2
    rotated = (await gql(op("RefreshToken"), {"refreshToken": pair["refreshToken"]}))["data"]
    assert rotated["refreshToken"]["__typename"] == "AuthSuccess"
    new_access = rotated["refreshToken"]["accessToken"]
    out = (await gql(op("Logout"), token=new_access))["data"]["logout"]
    assert out == {"__typename": "LogoutSuccess", "ok": True}
    after = await gql("{ viewer { id } }", token=new_access)
    assert after["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert await AuthToken.filter(member=member, revoked_at__isnull=True).count() == 0


async def test_a_replayed_refresh_token_logs_its_whole_login_out(gql: GraphQLClient) -> None:
    member = await make_member(phone="13812345678")
    login = (await gql(op("PhoneLogin"), {"phone": "13812345678", "password": PASSWORD}))["data"]
    first = login["login"]["refreshToken"]
    rotated = (await gql(op("RefreshToken"), {"refreshToken": first}))["data"]["refreshToken"]
    assert (await gql("{ viewer { id } }", token=rotated["accessToken"]))["data"]["viewer"]
    replayed = (await gql(op("RefreshToken"), {"refreshToken": first}))["data"]
    assert replayed["refreshToken"]["code"] == "INVALID_TOKEN"
    after = await gql("{ viewer { id } }", token=rotated["accessToken"])
    assert after["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    again = await gql(op("RefreshToken"), {"refreshToken": rotated["refreshToken"]})
    assert again["data"]["refreshToken"]["code"] == "INVALID_TOKEN"
    assert await AuthToken.filter(member=member, revoked_at__isnull=True).count() == 0


async def test_wechat_login_over_graphql_never_returns_the_session_key(gql: GraphQLClient) -> None:
    body = await gql(op("WechatLogin"), {"code": "ok-wx-openid"})
    result = body["data"]["wechatLogin"]
    assert result["__typename"] == "AuthSuccess" and result["isNewMember"] is True
    assert "sk-wx-openid" not in str(body)
    wrong = await gql(op("WechatLogin"), {"code": "expired"})
    assert wrong["data"]["wechatLogin"]["code"] == "INVALID_WECHAT_CODE"


async def test_update_profile_saves_and_reports_bad_fields(gql: GraphQLClient) -> None:
    estate = await make_estate()
    tag = await make_tag("手冲爱好者")
    member = await make_member(estate=estate)
    token = await _log_in(gql, member.phone)
    good = await gql(
        op("UpdateProfile"),
        {
            "input": {
                "displayName": "咖啡阿姨",
                "interestTagIds": [encode_id("InterestTag", tag.id)],
            }
        },
        token=token,
    )
    viewer = good["data"]["updateProfile"]["viewer"]
    assert viewer["displayName"] == "咖啡阿姨" and viewer["interestTags"] == [
        {"id": encode_id("InterestTag", tag.id), "name": "手冲爱好者"}
    ]
    bad = await gql(
        op("UpdateProfile"),
        {"input": {"displayName": "", "interestTagIds": ["garbage"]}},
        token=token,
    )
    result = bad["data"]["updateProfile"]
    assert result["__typename"] == "InvalidInput"
    assert {e["field"] for e in result["fieldErrors"]} == {"interestTagIds.0"}
    assert (await Member.get(id=member.id)).display_name == "咖啡阿姨"
    assert await MemberInterestTag.filter(member=member).count() == 1


async def test_a_member_sets_their_avatar_from_their_own_upload_only(gql: GraphQLClient) -> None:
    member, neighbour = await make_member(), await make_member()
    token = await _log_in(gql, member.phone)
    mine, theirs = await make_image(member), await make_image(neighbour)

    async def update(image_id: str) -> dict[str, Any]:
        variables = {"input": {"avatarImageId": image_id}}
        body = await gql(op("UpdateProfile"), variables, token=token)
        result: dict[str, Any] = body["data"]["updateProfile"]
        return result

    for refused_id in (encode_id("Image", theirs.id), encode_id("Image", 99999), "garbage"):
        refused = await update(refused_id)
        assert refused["__typename"] == "InvalidInput"
        assert [e["field"] for e in refused["fieldErrors"]] == ["avatarImageId"]
    assert (await Member.get(id=member.id)).avatar_url is None
    done = await update(encode_id("Image", mine.id))
    assert done["viewer"]["avatarUrl"] == f"/media/{mine.storage_key}"
    assert (await Member.get(id=member.id)).avatar_url == f"/media/{mine.storage_key}"


async def test_update_profile_needs_a_member(gql: GraphQLClient) -> None:
    body = await gql(op("UpdateProfile"), {"input": {"displayName": "x"}})
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def _log_in(gql: GraphQLClient, phone: str | None) -> str:
    body = await gql(op("PhoneLogin"), {"phone": phone, "password": PASSWORD})
    token: str = body["data"]["login"]["accessToken"]
    return token


async def test_phone_numbers_are_masked_for_others_and_whole_for_the_owner_and_admins(
    gql: GraphQLClient,
) -> None:
    member = await make_member(phone="13812345678")
    neighbour = await make_member()
    admin = await make_member(roles=(Role.RESIDENT, Role.ADMIN))
    query = "query($id: ID!) { node(id: $id) { ... on Member { phone phoneMasked } } }"
    variables = {"id": encode_id("Member", member.id)}
    seen = {}
    for who in (member, neighbour, admin):
        seen[who.id] = (await gql(query, variables, token=await _log_in(gql, who.phone)))["data"]
    anonymous = (await gql(query, variables))["data"]["node"]
    assert seen[member.id]["node"]["phone"] == "13812345678"
    assert seen[admin.id]["node"]["phone"] == "13812345678"
    assert seen[neighbour.id]["node"] == {"phone": None, "phoneMasked": "138****5678"}
    assert anonymous == {"phone": None, "phoneMasked": "138****5678"}


async def test_estates_and_interest_tags_are_public(gql: GraphQLClient) -> None:
    estate = await make_estate()
    await make_tag("亲子家庭")
    body = await gql(op("Estates"))
    assert body["data"]["estates"] == [
        {
            "id": encode_id("Estate", estate.id),
            "name": "翠湖花园",
            "city": "上海",
            "district": "浦东新区",
        }
    ]
    assert (await gql(op("InterestTags")))["data"]["interestTags"][0]["name"] == "亲子家庭"


async def test_a_malformed_global_id_is_the_clients_error_not_a_masked_one(
    gql: GraphQLClient,
) -> None:
    body = await gql('{ node(id: "not-a-global-id") { id } }')
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT"}


async def test_queries_deeper_than_eight_are_refused(gql: GraphQLClient) -> None:
    # The schema has no cycle deep enough yet, so the document nests fields that do not exist:
    # the depth limiter still measures it and says so among the validation errors.
    def nested(levels: int) -> str:
        return "{ viewer " + "{ estate " * (levels - 1) + "{ id }" + " }" * (levels - 1) + " }"

    shallow = await gql(nested(8))
    deep = await gql(nested(9))
    assert not any("depth" in e["message"] for e in shallow["errors"])
    assert any("exceeds maximum operation depth" in e["message"] for e in deep["errors"])


async def test_too_many_aliases_and_tokens_are_refused(gql: GraphQLClient) -> None:
    aliases = "{ " + " ".join(f"e{n}: estates {{ id }}" for n in range(16)) + " }"
    assert "aliases" in (await gql(aliases))["errors"][0]["message"].lower()
    tokens = "{ estates { " + "id " * 1001 + "} }"
    assert "token" in (await gql(tokens))["errors"][0]["message"].lower()


async def test_introspection_and_field_suggestions_are_off_outside_debug(
    gql: GraphQLClient,
) -> None:
    body = await gql("{ __schema { types { name } } }")
    assert "introspection" in body["errors"][0]["message"].lower()
    typo = await gql("{ estatez { id } }")
    assert "Did you mean" not in typo["errors"][0]["message"]


async def test_a_body_over_64_kb_is_refused_before_it_is_read(client: httpx.AsyncClient) -> None:
    big = {"query": "{ estates { id } }", "variables": {"pad": "x" * 70_000}}
    response = await client.post("/graphql", json=big)
    assert response.status_code == 413


async def test_batched_operations_and_mutations_over_get_are_refused(
    client: httpx.AsyncClient,
) -> None:
    batch = await client.post("/graphql", json=[{"query": "{ estates { id } }"}] * 2)
    assert batch.status_code == 400
    get = await client.get("/graphql", params={"query": "mutation { logout { __typename } }"})
    assert get.status_code in (400, 405)


async def test_an_unexpected_error_is_masked_with_a_request_id(
    client: httpx.AsyncClient, monkeypatch: Any
) -> None:
    from domain.identity import queries

    async def broken() -> list[Any]:
        raise RuntimeError("database password is hunter2")

    monkeypatch.setattr(queries, "list_active_estates", broken)
    response = await client.post("/graphql", json={"query": "{ estates { id } }"})
    error = response.json()["errors"][0]
    assert error["message"] == "Unexpected error."
    assert "hunter2" not in response.text
    assert error["extensions"]["requestId"] == response.headers["x-request-id"]


async def test_responses_carry_security_headers(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": "{ estates { id } }"})
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
