"""Programme settings changes: a new version of the earn rules, a new privacy policy. Admins only;
each writes the next version and its audit entry in one transaction, and never edits a version."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tortoise.exceptions import IntegrityError

from domain.aftercommit import atomic
from domain.audit import changed, record_change
from domain.collaborators import Collaborators
from domain.errors import FieldError, InvalidInputError
from domain.identity.models import Member, Role
from domain.identity.policies import require_role
from domain.posts.text import clean_text
from domain.programme.errors import PolicyVersionTakenError, RulesChangedError
from domain.programme.models import PrivacyPolicy, ProgrammeRules
from domain.programme.privacy import policy_errors
from domain.programme.queries import current_privacy_policy, current_programme_rules
from domain.programme.rules import ProgrammeRuleSet, next_rules

MAX_NOTE = 200


async def update_programme_rules(
    c: Collaborators,
    actor: Member,
    changes: Mapping[str, Any],
    note: str | None,
    base_version: int | None = None,
) -> ProgrammeRuleSet:
    """Save ``changes`` (rule field -> value; fields left out keep their value) as the next
    version, in force for every award from its commit on. ``base_version`` is the version the
    admin edited: if another was saved since, ``RulesChangedError`` and nothing is saved. Two
    saves at once get two versions in turn or one refusal: the version number is unique."""
    require_role(actor, Role.ADMIN)
    note = clean_text(note)[: MAX_NOTE + 1] or None
    if note is not None and len(note) > MAX_NOTE:
        raise InvalidInputError.single("note", f"说明最多 {MAX_NOTE} 字")
    now = c.clock.now()
    try:
        async with atomic():
            current = await current_programme_rules()
            if base_version is not None and base_version != current.version:
                raise RulesChangedError()
            following = next_rules(current, changes)
            row = await ProgrammeRules.create(
                version=following.version,
                rules=following.values(),
                note=note,
                created_by=actor,
                created_at=now,
            )
            before, after = changed(current.values(), following.values())
            await record_change(
                actor_id=actor.id,
                action="PROGRAMME_RULES_CHANGED",
                target_type="PROGRAMME_RULES",
                target_id=row.id,
                now=now,
                before={"version": current.version, **before},
                after={"version": following.version, **after},
                reason=note,
            )
    except IntegrityError as error:  # another admin's save took this version number first
        raise RulesChangedError() from error
    return following


async def publish_privacy_policy(
    c: Collaborators, actor: Member, version: str, body: str
) -> PrivacyPolicy:
    """Publish a new privacy policy under a new, unique version label: from now on it is what
    ``/privacy`` shows and what registration records as the member's consent."""
    require_role(actor, Role.ADMIN)
    version, body = clean_text(version), clean_text(body)
    errors: list[FieldError] = policy_errors(version, body)
    if errors:
        raise InvalidInputError(errors)
    now = c.clock.now()
    try:
        async with atomic():
            current = await current_privacy_policy(c.settings.privacy_policy_version)
            if version in (current.version, c.settings.privacy_policy_version):
                raise PolicyVersionTakenError()
            row = await PrivacyPolicy.create(
                version=version, body=body, created_by=actor, created_at=now
            )
            await record_change(
                actor_id=actor.id,
                action="PRIVACY_POLICY_PUBLISHED",
                target_type="PRIVACY_POLICY",
                target_id=row.id,
                now=now,
                before={"version": current.version, "body": current.body},
                after={"version": version, "body": body},
            )
    except IntegrityError as error:  # the label was published before (or concurrently)
        raise PolicyVersionTakenError() from error
    return row
