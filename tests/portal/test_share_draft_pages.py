"""The share form keeps a server-side draft as the member types: saved a moment after typing
stops, offered back when the form opens again, gone once the post is submitted."""

from __future__ import annotations

import httpx

from domain.collaborators import Collaborators
from domain.posts.models import Post, ShareDraft
from tests.factories import make_member
from tests.portal.test_points_pages import htmx, log_in
from tests.portal.test_posts_pages import recipe_form, veteran


async def test_typing_saves_one_draft_per_member_that_the_form_brings_back(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    member = await veteran(collaborators)
    csrf = await log_in(client, member)
    form = (await client.get("/share")).text
    assert 'hx-post="/share/draft" hx-trigger="keyup changed delay:2s' in form
    assert 'id="draft-restored"' not in form

    first = await client.post(
        "/share/draft", data=recipe_form(csrf, title="番茄"), headers=htmx(csrf)
    )
    second = await client.post(
        "/share/draft", data=recipe_form(csrf, step=["番茄切块", "先炒蛋"]), headers=htmx(csrf)
    )

    assert first.status_code == 200 and second.status_code == 200
    assert second.text.strip() == "草稿已保存" and "<html" not in second.text
    kept = await ShareDraft.get(member_id=member.id)
    assert await ShareDraft.all().count() == 1
    assert kept.content["values"]["title"] == "番茄炒蛋"
    assert kept.content["steps"] == ["番茄切块", "先炒蛋"]
    again = (await client.get("/share")).text
    assert 'id="draft-restored"' in again and "上次没发出的草稿已为你恢复" in again
    assert 'value="番茄炒蛋"' in again and ">家常味道，十分钟就好。</textarea>" in again
    assert "先炒蛋" in again and 'value="3 个"' in again
    assert '<option value="RECIPE" selected>' in again


async def test_submitting_the_post_clears_the_draft(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    member = await veteran(collaborators)
    csrf = await log_in(client, member)
    await client.post("/share/draft", data=recipe_form(csrf), headers=htmx(csrf))
    assert await ShareDraft.filter(member_id=member.id).exists()

    response = await client.post("/share", data=recipe_form(csrf))

    assert response.status_code == 303 and await Post.filter(author_id=member.id).exists()
    assert not await ShareDraft.filter(member_id=member.id).exists()
    assert 'id="draft-restored"' not in (await client.get("/share")).text


async def test_a_refused_post_keeps_the_draft(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    member = await veteran(collaborators)
    csrf = await log_in(client, member)
    await client.post("/share/draft", data=recipe_form(csrf, title="番茄"), headers=htmx(csrf))

    refused = await client.post("/share", data=recipe_form(csrf, step=[""]))

    assert refused.status_code == 422
    assert (await ShareDraft.get(member_id=member.id)).content["values"]["title"] == "番茄"


async def test_an_oversized_draft_is_refused_and_the_kept_one_stays(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    member = await make_member()
    csrf = await log_in(client, member)
    await client.post("/share/draft", data=recipe_form(csrf), headers=htmx(csrf))

    refused = await client.post(
        "/share/draft", data=recipe_form(csrf, body="长" * 30_000), headers=htmx(csrf)
    )

    assert refused.status_code == 422 and "草稿太长，无法保存" in refused.text
    assert "<html" not in refused.text
    kept = await ShareDraft.get(member_id=member.id)
    assert kept.content["values"]["body"] == "家常味道，十分钟就好。"


async def test_signed_out_visitors_keep_no_draft(client: httpx.AsyncClient) -> None:
    login = await client.get("/login")
    csrf = login.text.split('name="csrf_token" value="')[1].split('"')[0]

    response = await client.post("/share/draft", data=recipe_form(csrf), headers=htmx(csrf))

    assert response.status_code in (200, 303) and await ShareDraft.all().count() == 0
