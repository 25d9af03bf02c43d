"""Consent to the privacy policy: a member who accepted an older version than the one in force
is asked again when they next sign in (the portal holds the sign-in until they accept), and
every acceptance is kept (``ConsentRecord``)."""

from __future__ import annotations

from tortoise.expressions import Q

from domain.aftercommit import atomic
from domain.collaborators import Collaborators
from domain.errors import InvalidInputError
from domain.identity.models import Member
from domain.privacy.record_models import ConsentRecord
from domain.programme.privacy import PolicyVersion
from domain.programme.queries import current_privacy_policy

STALE_VERSION = "隐私政策刚刚更新过，请阅读新版本后再同意"


async def policy_to_accept(c: Collaborators, member: Member) -> PolicyVersion | None:
    """The policy in force when ``member`` has not accepted it yet, else None."""
    policy = await current_privacy_policy(c.settings.privacy_policy_version)
    return None if member.consent_version == policy.version else policy


async def accept_policy(c: Collaborators, member_id: int, version: str) -> Member | None:
    """Record that the member accepted ``version``, which must be the version in force (a page
    left open while an admin published a new one is refused, and nothing is recorded); returns
    the member (None if they are gone). Accepting the version already accepted records nothing
    again: the update is conditional, so a repeated or concurrent tap keeps one record."""
    policy = await current_privacy_policy(c.settings.privacy_policy_version)
    if version != policy.version:
        raise InvalidInputError.single("version", STALE_VERSION)
    now = c.clock.now()
    not_yet = Q(consent_version__isnull=True) | ~Q(consent_version=version)
    async with atomic():
        changed = await Member.filter(not_yet, id=member_id).update(
            consent_version=version, consented_at=now
        )
        if changed:
            await ConsentRecord.create(member_id=member_id, version=version, accepted_at=now)
    return await Member.get_or_none(id=member_id)


async def consent_history(member_id: int) -> list[ConsentRecord]:
    """The versions the member accepted, newest first."""
    return await ConsentRecord.filter(member_id=member_id).order_by("-id")
