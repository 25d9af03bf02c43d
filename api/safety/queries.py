"""The sensitive-word list for admins."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.fields import field
from api.permissions import require_role
from api.safety.types import HeldComment, SensitiveWord
from domain.identity.models import Role
from domain.posts import comment_review
from domain.posts.policies import STAFF_ROLES
from domain.safety import services
from web.ids import decode_id


@strawberry.type
class SafetyQuery:
    @field(
        description="Admins: the sensitive-word list by category then word (one SQL statement). "
        "Anyone else gets a top-level FORBIDDEN error."
    )
    async def sensitive_words(self, info: Info[Context, Any]) -> list[SensitiveWord]:
        actor = require_role(info, Role.ADMIN)
        return [SensitiveWord.from_model(w) for w in await services.list_words(actor)]

    @field(
        description="Moderators, admins and hosts: comments the safety checks held that await a "
        "decision, in the groups the viewer moderates, oldest first, `first` (1–50) after the "
        "comment `after`. Anyone else gets a top-level FORBIDDEN error."
    )
    async def held_comments(
        self, info: Info[Context, Any], first: int = 20, after: strawberry.ID | None = None
    ) -> list[HeldComment]:
        actor = require_role(info, *STAFF_ROLES)
        after_id = decode_id(after, "Comment", "after", []) if after else None
        rows = await comment_review.comments_awaiting_review(
            actor, after_id, max(1, min(first, 50))
        )
        return [HeldComment.from_model(c) for c in rows[: max(1, min(first, 50))]]
