"""chooseBadge: the badge shown next to the viewer's name."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import NotFound, as_user_error
from api.honours.badge_kind import BadgeKind
from api.honours.types import ChooseBadgeSuccess
from api.permissions import logged_in
from domain.errors import DomainError
from domain.honours import services

ChooseBadgeResult = Annotated[
    ChooseBadgeSuccess | NotFound,
    strawberry.union(
        "ChooseBadgeResult",
        description="`NotFound` (code `BADGE_NOT_HELD`) when the viewer does not hold the badge.",
    ),
]


async def choose_badge(info: Info[Context, Any], code: str | None = None) -> ChooseBadgeResult:
    member = logged_in(info)
    try:
        chosen = await services.choose_badge(info.context.collaborators, member, code)
    except DomainError as error:
        return as_user_error(error, ChooseBadgeResult)
    return ChooseBadgeSuccess(shown_badge=BadgeKind.of(chosen.shown_badge))
