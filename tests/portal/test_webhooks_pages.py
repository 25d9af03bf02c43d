"""/admin/webhooks: an admin registers an endpoint (the secret shown once), reads the delivery log
with the response codes, sends a delivery again and switches the endpoint off; a refused address
re-renders the form with the reason; other roles get 403."""

from __future__ import annotations

import dataclasses
import re

import httpx

from domain.collaborators import Collaborators
from domain.identity.models import Role
from domain.webhooks import outbox
from domain.webhooks.delivery import deliver_due
from domain.webhooks.guard import PRIVATE
from domain.webhooks.models import DeliveryStatus, EventKind, WebhookDelivery, WebhookEndpoint
from tests.factories import make_member
from tests.portal.test_points_pages import log_in
from tests.webhook_receiver import webhook_receiver


async def test_an_admin_registers_an_endpoint_reads_the_log_and_sends_again(
    collaborators: Collaborators, client: httpx.AsyncClient
) -> None:
    c = collaborators
    c.settings = dataclasses.replace(c.settings, webhooks_allow_private=True)
    boss = await make_member(roles=(Role.ADMIN,))
    csrf = await log_in(client, boss)
    with webhook_receiver() as receiver:
        made = await client.post(
            "/admin/webhooks",
            data={"csrf_token": csrf, "url": receiver.url, "kinds": ["post.featured"]},
        )
        assert made.status_code == 201
        endpoint = await WebhookEndpoint.get()
        assert endpoint.secret in made.text  # shown once, at creation
        page = await client.get("/admin/webhooks")
        assert endpoint.secret not in page.text and endpoint.secret[-4:] in page.text

        receiver.answer(502)
        await outbox.enqueue(EventKind.POST_FEATURED, {"post_id": 7}, c.clock.now())
        await deliver_due(c)
        delivery = await WebhookDelivery.get()
        log = (await client.get("/admin/webhooks")).text
        row = log[log.index(f'id="delivery-{delivery.id}"') :]
        assert "502" in row[:600] and "PENDING" in row[:600]

        sent = await client.post(
            f"/admin/webhooks/deliveries/{delivery.id}/redeliver", data={"csrf_token": csrf}
        )
        assert sent.status_code == 303
        await deliver_due(c)
        assert (await WebhookDelivery.get()).status == DeliveryStatus.DELIVERED
        assert receiver.event_ids() == [delivery.event_id, delivery.event_id]

    off = await client.post(f"/admin/webhooks/{endpoint.id}/disable", data={"csrf_token": csrf})
    assert off.status_code == 303 and not (await WebhookEndpoint.get()).enabled
    assert (
        await client.post(f"/admin/webhooks/{endpoint.id}/explode", data={"csrf_token": csrf})
    ).status_code == 404


async def test_a_private_address_is_refused_with_the_form_again_and_nothing_written(
    client: httpx.AsyncClient,
) -> None:
    boss = await make_member(roles=(Role.ADMIN,))
    csrf = await log_in(client, boss)
    refused = await client.post(
        "/admin/webhooks",
        data={"csrf_token": csrf, "url": "http://169.254.169.254/x", "kinds": ["post.featured"]},
    )
    assert refused.status_code == 422 and PRIVATE in refused.text
    assert 'value="http://169.254.169.254/x"' in refused.text
    assert re.search(r'value="post.featured" checked', refused.text)
    assert await WebhookEndpoint.all().count() == 0


async def test_other_roles_are_refused(client: httpx.AsyncClient) -> None:
    host = await make_member(roles=(Role.HOST,))
    csrf = await log_in(client, host)
    assert (await client.get("/admin/webhooks")).status_code == 403
    posted = await client.post(
        "/admin/webhooks",
        data={"csrf_token": csrf, "url": "https://8.8.8.8/x", "kinds": ["post.featured"]},
    )
    assert posted.status_code == 403
    assert await WebhookEndpoint.all().count() == 0
