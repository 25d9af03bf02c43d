"""The demo's events are written through the real services: a full event with a waitlist and a
promotion, past events with check-ins (ledger entries) and no-shows, and reconcile stays clean."""

from __future__ import annotations

from demo import residents
from demo.events import DEMO_EVENTS, seed_events_demo
from demo.groups import seed_groups_demo
from domain.collaborators import Collaborators
from domain.events.models import Event, EventRegistration, RegistrationStatus
from domain.identity.models import Member
from domain.points.models import LedgerEntry, LedgerReason
from domain.points.reconcile import reconcile
from tests.domain.events_helpers import seats_consistent

Status = RegistrationStatus


async def test_the_demo_events_have_a_waitlist_check_ins_and_no_shows_and_reconcile(
    collaborators: Collaborators,
) -> None:
    await residents.seed_demo(collaborators.clock)
    await seed_groups_demo()
    made = await seed_events_demo(collaborators)
    assert made["events"] == len(DEMO_EVENTS) == await Event.all().count()
    assert made["checked_in"] == await EventRegistration.filter(status=Status.CHECKED_IN).count()
    assert made["checked_in"] > 20 and made["no_shows"] > 3 and made["promoted"] == 1
    assert made["no_shows"] == await EventRegistration.filter(status=Status.NO_SHOW).count()
    attended = await LedgerEntry.filter(reason=LedgerReason.EVENT_ATTENDED).count()
    assert attended == made["checked_in"]
    now = collaborators.clock.now()
    full = await Event.get(title="咖啡品鉴会·冷萃特饮")
    assert full.seats_taken == full.capacity and full.starts_at > now
    waiting = await EventRegistration.filter(event_id=full.id, status=Status.WAITLISTED)
    assert len(waiting) == 4
    resident = await Member.get(phone=residents.DEMO_RESIDENT_PHONE)
    assert any(r.member_id == resident.id for r in waiting)
    assert not await EventRegistration.filter(
        status=Status.CONFIRMED, event__ends_at__lte=now
    ).exists()
    for event in await Event.all():
        taken, seated, capacity = await seats_consistent(event.id)
        assert taken == seated <= capacity
    report = await reconcile()
    assert report.clean, report.mismatches
