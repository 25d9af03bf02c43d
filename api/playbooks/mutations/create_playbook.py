"""createPlaybook: admins make a tier playbook (audited)."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import InvalidInput, as_user_error
from api.identity.types import Tier
from api.permissions import require_role
from api.playbooks.types import CreatePlaybookSuccess, Playbook
from domain.errors import DomainError
from domain.identity.models import Role
from domain.playbooks import services
from domain.playbooks.queries import PlaybookWithReport
from domain.playbooks.report import ArmFigures, PlaybookReport


@strawberry.input(description="A new tier playbook.")
class CreatePlaybookInput:
    name: str = strawberry.field(description="What operators call it, 2–60 characters.")
    to_tier: Tier = strawberry.field(description="The tier entered that sets it off.")
    from_tier: Tier | None = strawberry.field(
        default=None, description="The tier left; null: from any tier (or none)."
    )
    message: str = strawberry.field(
        default="", description="The notification's words, up to 200 characters; empty: none."
    )
    bonus_points: int = strawberry.field(default=0, description="Bonus points, 0–10,000.")
    bonus_expiry_days: int = strawberry.field(
        default=14, description="Days until the bonus expires, 1–365."
    )
    add_to_winback: bool = strawberry.field(
        default=False, description="Put treated members on their groups' win-back list."
    )
    holdout_percent: int = strawberry.field(
        default=10, description="Share of members held out to compare against, 0–50."
    )


CreatePlaybookResult = Annotated[
    CreatePlaybookSuccess | InvalidInput,
    strawberry.union(
        "CreatePlaybookResult",
        description="`InvalidInput` for each field out of range, or a playbook that does "
        "nothing (no message, no points, not on the win-back list).",
    ),
]


async def create_playbook(
    info: Info[Context, Any], input: CreatePlaybookInput
) -> CreatePlaybookResult:
    actor = require_role(info, Role.ADMIN)
    draft = services.PlaybookDraft(
        name=input.name,
        to_tier=input.to_tier.name,
        from_tier=input.from_tier.name if input.from_tier else None,
        message=input.message,
        bonus_points=input.bonus_points,
        bonus_expiry_days=input.bonus_expiry_days,
        add_to_winback=input.add_to_winback,
        holdout_percent=input.holdout_percent,
    )
    try:
        playbook = await services.create_playbook(info.context.collaborators, actor, draft)
    except DomainError as error:
        return as_user_error(error, CreatePlaybookResult)
    nothing_yet = PlaybookReport(ArmFigures(), ArmFigures())
    return CreatePlaybookSuccess(playbook=Playbook.of(PlaybookWithReport(playbook, nothing_yet)))
