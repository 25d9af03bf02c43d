"""Honours' mutation root fields: the shown badge; admins' manual badges."""

from __future__ import annotations

import strawberry

from api.honours.mutations.choose_badge import ChooseBadgeResult, choose_badge
from api.honours.mutations.grant_badge import GrantBadgeResult, grant_badge
from api.honours.mutations.revoke_badge import RevokeBadgeResult, revoke_badge
from api.permissions import IsAuthenticated


@strawberry.type
class HonoursMutation:
    choose_badge: ChooseBadgeResult = strawberry.mutation(
        resolver=choose_badge,
        description="Show one of the viewer's badges next to their name (null: none).",
        permission_classes=[IsAuthenticated],
    )
    grant_badge: GrantBadgeResult = strawberry.mutation(
        resolver=grant_badge,
        description="Admins: grant a manual badge with a reason (audited). Anyone else gets a "
        "top-level FORBIDDEN error.",
    )
    revoke_badge: RevokeBadgeResult = strawberry.mutation(
        resolver=revoke_badge,
        description="Admins: revoke a manual badge with a reason (audited); it is no longer "
        "shown. Anyone else gets a top-level FORBIDDEN error.",
    )
