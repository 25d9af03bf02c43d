"""Reads of honours: a member's public profile, the viewer's trust level, the badge catalogue
and, for admins, the badges with their holders."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.fields import field
from api.honours.badge_kind import BadgeKind
from api.honours.types import BadgeHolder, BadgeWithHolders, PublicMember, TrustLevel
from api.permissions import logged_in, require_role
from domain.honours import queries, rules
from domain.identity.models import Role
from web.ids import pk_of


def _kinds() -> list[BadgeKind]:
    return [kind for code in rules.CATALOGUE if (kind := BadgeKind.of(code)) is not None]


@strawberry.type
class HonoursQuery:
    @field(
        description="A member's public profile (name, avatar, estate name, badges, published "
        "posts); null when there is no such member."
    )
    async def member(self, info: Info[Context, Any], id: strawberry.ID) -> PublicMember | None:
        member_id = pk_of(id, "Member")
        viewer = info.context.member
        profile = (
            await queries.public_profile(member_id, viewer.id if viewer else None)
            if member_id is not None
            else None
        )
        return PublicMember(profile=profile) if profile else None

    @field(description="The signed-in member's trust level and what the next level needs.")
    async def my_trust_level(self, info: Info[Context, Any]) -> TrustLevel:
        member = logged_in(info)
        facts = await queries.trust_facts(member, info.context.collaborators.clock.now())
        return TrustLevel.of(facts)

    @field(description="Every badge of the catalogue.")
    def badge_catalogue(self) -> list[BadgeKind]:
        return _kinds()

    @field(description="Admins: every badge with its current holders.")
    async def admin_badges(self, info: Info[Context, Any]) -> list[BadgeWithHolders]:
        require_role(info, Role.ADMIN)
        holders = await queries.holders_by_badge()
        return [
            BadgeWithHolders(kind=kind, holders=[BadgeHolder.of(h) for h in holders[kind.code]])
            for kind in _kinds()
        ]
