"""The share form's server-side draft: saved as the member types, offered back when the form
opens again, removed once the post is submitted."""

from __future__ import annotations

import json
from typing import Any

from domain.collaborators import Collaborators
from domain.errors import InvalidInputError
from domain.identity.models import Member
from domain.identity.suspensions import refuse_if_suspended
from domain.posts.models import ShareDraft

LONGEST = 20_000  # characters of JSON: far more than a post may hold, so only abuse is refused


async def save_share_draft(c: Collaborators, member: Member, content: dict[str, Any]) -> None:
    """Replace the member's draft with ``content`` (the form's values as typed)."""
    refuse_if_suspended(member, c.clock.now())
    if len(json.dumps(content, ensure_ascii=False)) > LONGEST:
        raise InvalidInputError.single("draft", "草稿太长，无法保存")
    now = c.clock.now()
    updated = await ShareDraft.filter(member_id=member.id).update(content=content, updated_at=now)
    if not updated:
        await ShareDraft.update_or_create(
            member_id=member.id, defaults={"content": content, "updated_at": now}
        )


async def clear_share_draft(member: Member) -> None:
    await ShareDraft.filter(member_id=member.id).delete()
