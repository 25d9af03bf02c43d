"""Offline events (线下活动) and the members registered for them."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from domain.groups.models import InterestGroup
    from domain.identity.models import Member


class RegistrationStatus(StrEnum):
    CONFIRMED = "CONFIRMED"
    WAITLISTED = "WAITLISTED"
    CANCELLED = "CANCELLED"
    CHECKED_IN = "CHECKED_IN"
    NO_SHOW = "NO_SHOW"


# Statuses that hold one of the event's seats: seats_taken counts exactly these.
SEATED = (RegistrationStatus.CONFIRMED, RegistrationStatus.CHECKED_IN, RegistrationStatus.NO_SHOW)


class Event(Model):
    """An offline event. seats_taken is the hot counter the conditional UPDATE decides on."""

    id = fields.IntField(primary_key=True)
    title = fields.CharField(max_length=60)
    description = fields.TextField()
    # Null: an event of the whole programme, run by the operators.
    group: fields.ForeignKeyNullableRelation[InterestGroup] = fields.ForeignKeyField(
        "linli.InterestGroup", related_name="events", null=True, on_delete=fields.RESTRICT
    )
    created_by: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "linli.Member", related_name="events_created", on_delete=fields.RESTRICT
    )
    location = fields.CharField(max_length=100)
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField()
    capacity = fields.IntField()
    seats_taken = fields.IntField(default=0)
    # Last waitlist number handed out: arrival order on the waitlist.
    waitlist_seq = fields.IntField(default=0)
    # Cancelled by staff: every confirmed and waitlisted registration is cancelled with it.
    cancelled_at = fields.DatetimeField(null=True)
    cancel_reason = fields.CharField(max_length=200, null=True)
    created_at = fields.DatetimeField()

    group_id: int | None
    created_by_id: int

    class Meta:
        table = "event"
        indexes = (("starts_at", "id"), ("ends_at",))

    @property
    def seats_left(self) -> int:
        """Seats a new registration could take: none once the event is cancelled."""
        if self.cancelled_at is not None:
            return 0
        return max(0, self.capacity - self.seats_taken)


class EventRegistration(Model):
    """One member's place at one event: a seat with a check-in code, or a waitlist number."""

    id = fields.IntField(primary_key=True)
    event: fields.ForeignKeyRelation[Event] = fields.ForeignKeyField(
        "linli.Event", related_name="registrations", on_delete=fields.CASCADE
    )
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "linli.Member", related_name="event_registrations", on_delete=fields.CASCADE
    )
    status = fields.CharEnumField(RegistrationStatus, max_length=10)
    waitlist_position = fields.IntField(null=True)
    check_in_code = fields.CharField(max_length=8, unique=True, null=True)
    created_at = fields.DatetimeField()
    confirmed_at = fields.DatetimeField(null=True)
    cancelled_at = fields.DatetimeField(null=True)
    checked_in_at = fields.DatetimeField(null=True)
    checked_in_by: fields.ForeignKeyNullableRelation[Member] = fields.ForeignKeyField(
        "linli.Member", related_name="event_check_ins", null=True, on_delete=fields.RESTRICT
    )

    event_id: int
    member_id: int
    checked_in_by_id: int | None

    class Meta:
        table = "event_registration"
        unique_together = (("event", "member"),)
        indexes = (("event_id", "status", "waitlist_position"), ("member_id", "id"))
