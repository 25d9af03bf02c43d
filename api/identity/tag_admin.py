"""Interest tags for admins: every tag with how many members carry it (the back office's list)."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.fields import field
from api.identity.types import InterestTag
from api.permissions import require_role
from domain.identity import tags
from domain.identity.models import Role


@strawberry.type(description="An interest tag as the back office lists it.")
class InterestTagUsage:
    tag: InterestTag = strawberry.field(description="The tag.")
    member_count: int = strawberry.field(description="How many members carry it now.")
    merged_into: InterestTag | None = strawberry.field(
        description="The tag it was merged into; null unless merged."
    )


@strawberry.type
class TagAdminQuery:
    @field(
        description="Admins: every interest tag, offered ones first then retired ones, with "
        "member counts (two SQL statements). Anyone else gets a top-level FORBIDDEN error."
    )
    async def admin_interest_tags(self, info: Info[Context, Any]) -> list[InterestTagUsage]:
        require_role(info, Role.ADMIN)
        return [
            InterestTagUsage(
                tag=InterestTag.from_model(tag),
                member_count=count,
                merged_into=InterestTag.from_model(tag.merged_into) if tag.merged_into else None,
            )
            for tag, count in await tags.list_tags_with_counts()
        ]
