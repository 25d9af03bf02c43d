"""WeChat subscription messages (订阅消息): which notifications are offered to WeChat, and the
consents members give for them. The sending is the worker's (``push_delivery.py``).

``offer`` runs after ``notify`` wrote its rows. A notification is offered when its kind has a
template (setting ``WECHAT_TEMPLATES``) and its member left WeChat on for the kind
(``NotificationPreference.wechat``; no row = on). Each offer leaves one ``PushDelivery``:

- no consent left for the template: SKIPPED (NO_CONSENT), never sent;
- transactional kinds (``TRANSACTIONAL``: codes and things a member waits for) go at once, at
  any hour, and neither need nor spend the day's budget;
- the others are due now, or at 08:00 when written in quiet hours (22:00–08:00 Shanghai), and
  take one of the member's ``NOTIFICATION_PUSH_BUDGET`` slots of the Shanghai day they are due
  on; with none free: SKIPPED (OVER_BUDGET). The notification stays in the inbox either way.

Then the delivery job is kicked; the hourly due-jobs run sweeps whatever is due as well."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date, datetime

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from domain.collaborators import Collaborators
from domain.columns import column
from domain.notifications import push_rules
from domain.notifications.models import (
    TRANSACTIONAL,
    Notification,
    NotificationKind,
    NotificationPreference,
)
from domain.notifications.push_errors import TooManyTemplatesError, UnknownTemplateError
from domain.notifications.push_models import PushDelivery, PushStatus, SubscriptionConsent

BATCH = 1000
MAX_TEMPLATES_PER_CONSENT = 10
DELIVER_TASK = "deliver_pushes"
log = logging.getLogger("linli.notifications.push")

Offer = tuple[int, int]  # (notification id, member id)


async def offer(
    c: Collaborators, kind: NotificationKind, members: Sequence[int], written_at: datetime
) -> None:
    """Offer the ``kind`` notifications written at ``written_at`` for ``members`` to WeChat. A
    failure here is logged: the notifications are written, only their push is lost."""
    template = c.settings.template_for(kind)
    if template is None or not members:
        return
    try:
        pending = False
        for start in range(0, len(members), BATCH):
            batch = list(members[start : start + BATCH])
            pending |= await _offer_batch(c, kind, template, batch, written_at)
    except Exception:
        log.exception("push offer of %s failed", kind)
        return
    if pending:
        await kick_deliveries(c)


async def kick_deliveries(c: Collaborators) -> None:
    """Ask the worker to send what is due; without a queue (or with Redis away) the hourly
    due-jobs run sends it."""
    if c.jobs is None:
        return
    try:
        await c.jobs.kick(DELIVER_TASK)
    except Exception as error:
        log.warning("push delivery not kicked: %s", error)


async def _offer_batch(
    c: Collaborators, kind: NotificationKind, template: str, members: list[int], at: datetime
) -> bool:
    offers = await _wanted(kind, await _unoffered(kind, members, at))
    pending = False
    # Every round either lands a slot for each member still waiting or finds the member's day
    # full (committed), which decides the rest as OVER_BUDGET: ``budget`` + 1 rounds always
    # finish them; one more is a margin.
    races = c.settings.notification_push_budget + 2
    for _ in range(races):
        if not offers:
            break
        rows = await _plan(c, kind, template, offers)
        # A row whose slot a concurrent offer took meanwhile is dropped here and planned again.
        await PushDelivery.bulk_create(rows, ignore_conflicts=True)
        pending |= any(row.status == PushStatus.PENDING for row in rows)
        offers = await _unoffered_of(offers)
    if offers:
        log.warning("push offers lost their budget slots %d times: %s", races, offers)
    return pending


async def _unoffered(kind: NotificationKind, members: list[int], at: datetime) -> list[Offer]:
    rows: list[Offer] = (
        await Notification.filter(recipient_id__in=members, kind=kind, created_at=at)
        .order_by("id")
        .values_list("id", "recipient_id")
    )
    return await _unoffered_of(rows)


async def _unoffered_of(offers: list[Offer]) -> list[Offer]:
    ids = [notification_id for notification_id, _ in offers]
    done = set(await column(PushDelivery.filter(notification_id__in=ids), "notification_id"))
    return [o for o in offers if o[0] not in done]


async def _wanted(kind: NotificationKind, offers: list[Offer]) -> list[Offer]:
    """Without the members who turned WeChat off for the kind."""
    members = [member_id for _, member_id in offers]
    muted = NotificationPreference.filter(member_id__in=members, kind=kind, wechat=False)
    off = set(await column(muted, "member_id"))
    return [o for o in offers if o[1] not in off]


async def _plan(
    c: Collaborators, kind: NotificationKind, template: str, offers: list[Offer]
) -> list[PushDelivery]:
    now = c.clock.now()
    members = [member_id for _, member_id in offers]
    consents = SubscriptionConsent.filter(
        member_id__in=members, template_id=template, remaining__gt=0
    )
    consenting = set(await column(consents, "member_id"))
    transactional = kind in TRANSACTIONAL
    due = push_rules.due_at(now, transactional)
    day = None if transactional else push_rules.budget_day(due)
    taken = await _slots_taken(members, day) if day else {}
    budget = c.settings.notification_push_budget
    full = {member_id for member_id, slots in taken.items() if len(slots) >= budget}
    rows = []
    for notification_id, member_id in offers:
        row = PushDelivery(
            notification_id=notification_id,
            member_id=member_id,
            kind=kind,
            template_id=template,
            due_at=due,
            created_at=now,
        )
        slots = taken.setdefault(member_id, set())
        if _decide(row, member_id in consenting, day, slots, budget, member_id in full):
            rows.append(row)
    return rows


def _decide(
    row: PushDelivery,
    consented: bool,
    day: date | None,
    taken: set[int],
    budget: int,
    committed_full: bool,
) -> bool:
    """Decide ``row``; False leaves it for the next round. OVER_BUDGET only when the slots
    other offers committed fill the day: slots this round's own rows claim may still be lost to
    a race, and the budget must not go unused because of a claim that never landed."""
    row.status = PushStatus.PENDING
    if not consented:
        row.status, row.error_code = PushStatus.SKIPPED, "NO_CONSENT"
    elif day is not None:
        slot = push_rules.free_slot(taken, budget)
        if slot is None and not committed_full:
            return False
        if slot is None:
            row.status, row.error_code = PushStatus.SKIPPED, "OVER_BUDGET"
        else:
            taken.add(slot)
            row.budget_day, row.budget_slot = day, slot
    return True


async def _slots_taken(members: list[int], day: date) -> dict[int, set[int]]:
    rows: list[tuple[int, int]] = await PushDelivery.filter(
        member_id__in=members, budget_day=day, budget_slot__isnull=False
    ).values_list("member_id", "budget_slot")
    taken: dict[int, set[int]] = {}
    for member_id, slot in rows:
        taken.setdefault(member_id, set()).add(slot)
    return taken


async def record_consent(
    c: Collaborators, member_id: int, template_ids: Sequence[str]
) -> list[SubscriptionConsent]:
    """The member accepted these templates once each in the mini-program: one more send each
    (an id named twice counts once). Every id must be one of the configured templates, else
    nothing is recorded. Returns the member's consents for them now."""
    accepted = list(dict.fromkeys(template_ids))
    if len(accepted) > MAX_TEMPLATES_PER_CONSENT:
        raise TooManyTemplatesError(MAX_TEMPLATES_PER_CONSENT)
    unknown = [t for t in accepted if t not in c.settings.template_ids]
    if unknown:
        raise UnknownTemplateError(unknown)
    for template_id in accepted:
        await _add_consent(member_id, template_id, c.clock.now())
    mine = SubscriptionConsent.filter(member_id=member_id, template_id__in=accepted)
    return await mine.order_by("template_id")


async def _add_consent(member_id: int, template_id: str, now: datetime) -> None:
    mine = SubscriptionConsent.filter(member_id=member_id, template_id=template_id)
    if await mine.update(remaining=F("remaining") + 1, updated_at=now):
        return
    try:
        await SubscriptionConsent.create(
            member_id=member_id, template_id=template_id, remaining=1, updated_at=now
        )
    except IntegrityError:  # created by a concurrent report meanwhile: add to it
        await mine.update(remaining=F("remaining") + 1, updated_at=now)
