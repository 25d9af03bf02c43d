"""Sightings on the portal: feed cards a signed-in resident looked at are reported by
``sightings.js`` to POST /posts/seen, and opening a post counts it; neither writes to the database
while the page is served."""

from __future__ import annotations

import httpx
import pytest

from domain.collaborators import Collaborators
from domain.columns import column
from domain.exposures import services as exposures
from domain.exposures.models import ExposureSource, PostExposure
from tests.api.test_posts_api import make_post
from tests.factories import make_member
from tests.portal.test_points_pages import log_in, visitor_csrf
from tests.sqlcount import count_sql


async def test_feed_cards_carry_their_post_for_a_signed_in_reader_only(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    post = await make_post(collaborators, await make_member())
    visitor = (await client.get("/")).text
    assert "data-sighting" not in visitor and "sightings.js" not in visitor
    await log_in(client, await make_member())
    home = (await client.get("/")).text
    assert f'data-sighting="{post.id}"' in home and "/static/sightings.js" in home


async def test_reported_cards_are_buffered_and_written_once_by_the_job(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    c = collaborators
    author, reader = await make_member(), await make_member()
    posts = [await make_post(c, author, f"帖子{n}") for n in range(2)]
    csrf = await log_in(client, reader)
    headers = {"X-CSRF-Token": csrf}
    with count_sql() as statements:
        seen = await client.post(
            "/posts/seen", json={"posts": [p.id for p in posts]}, headers=headers
        )
    assert seen.status_code == 204
    assert not [s for s in statements if "post_exposure" in s]
    assert len(c.sightings) == 2  # held by the process until its next push
    assert await exposures.push(c) == 2
    assert await exposures.flush(c) == 2
    rows = await column(PostExposure.filter(member_id=reader.id), "source")
    assert rows == [ExposureSource.FEED, ExposureSource.FEED]


async def test_bad_reports_get_a_clear_answer_and_record_nothing(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    csrf = await visitor_csrf(client)
    signed_out = await client.post(
        "/posts/seen", json={"posts": [1]}, headers={"X-CSRF-Token": csrf}
    )
    assert signed_out.status_code == 401
    csrf = await log_in(client, await make_member())
    headers = {"X-CSRF-Token": csrf}
    not_ids = await client.post("/posts/seen", json={"posts": ["1"]}, headers=headers)
    assert not_ids.status_code == 422 and "帖子编号无效" in not_ids.json()["message"]
    too_many = await client.post("/posts/seen", json={"posts": list(range(1, 60))}, headers=headers)
    assert too_many.status_code == 422 and "50" in too_many.json()["message"]
    garbled = await client.post(
        "/posts/seen", content=b"{posts", headers=headers | {"Content-Type": "application/json"}
    )
    assert garbled.status_code == 400
    no_token = await client.post("/posts/seen", json={"posts": [1]})
    assert no_token.status_code == 403  # CSRF, as every portal POST
    assert await collaborators.redis.exists(exposures.BUFFER) == 0


async def test_opening_a_post_counts_it_for_the_reader(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    c = collaborators
    post = await make_post(c, await make_member())
    await client.get(f"/posts/{post.id}")  # a visitor: nobody to count
    assert await c.redis.exists(exposures.BUFFER) == 0
    reader = await make_member()
    await log_in(client, reader)
    with count_sql() as statements:
        assert (await client.get(f"/posts/{post.id}")).status_code == 200
    assert not [s for s in statements if "post_exposure" in s]
    await exposures.flush(c)
    row = await PostExposure.get(member_id=reader.id)
    assert (row.post_id, row.source) == (post.id, ExposureSource.DETAIL)


async def test_with_exposures_off_the_beacon_and_the_post_page_answer_as_before_and_count_nothing(
    client: httpx.AsyncClient, collaborators: Collaborators, monkeypatch: pytest.MonkeyPatch
) -> None:
    c = collaborators
    monkeypatch.setattr(c, "settings", c.settings.with_overrides(exposures_enabled=False))
    post = await make_post(c, await make_member())
    csrf = await log_in(client, await make_member())
    seen = await client.post(
        "/posts/seen", json={"posts": [post.id]}, headers={"X-CSRF-Token": csrf}
    )
    assert seen.status_code == 204
    assert (await client.get(f"/posts/{post.id}")).status_code == 200
    assert await c.redis.exists(exposures.BUFFER) == 0
    assert await exposures.flush(c) == 0 and await PostExposure.all().count() == 0
