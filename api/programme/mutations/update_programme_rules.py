"""updateProgrammeRules: an admin saves the next version of the earn rules."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import InvalidInput, RulesChanged, as_user_error
from api.permissions import require_role
from api.programme.types import ProgrammeRuleVersion
from domain.errors import DomainError
from domain.identity.models import Role
from domain.programme import services
from domain.programme.rules import RULE_FIELDS

_OMITTED = "Left out or null: unchanged."


@strawberry.input(
    description="The rules to change; every field is optional and one left out keeps its value. "
    "Bounds are checked per field (`InvalidInput` names each one out of bounds)."
)
class UpdateProgrammeRulesInput:
    post_published: int | None = strawberry.field(
        default=None, description=f"Points for a published post, 0–1000. {_OMITTED}"
    )
    recipe_published: int | None = strawberry.field(
        default=None, description=f"Points for a published recipe, 0–1000. {_OMITTED}"
    )
    post_featured: int | None = strawberry.field(
        default=None, description=f"Points when a post is featured, 0–1000. {_OMITTED}"
    )
    vote_cast: int | None = strawberry.field(
        default=None, description=f"Points per vote, 0–100. {_OMITTED}"
    )
    check_in: int | None = strawberry.field(
        default=None, description=f"Points for the daily check-in, 0–100. {_OMITTED}"
    )
    check_in_streak_bonus: int | None = strawberry.field(
        default=None, description=f"Streak bonus points, 0–1000. {_OMITTED}"
    )
    check_in_streak_days: int | None = strawberry.field(
        default=None, description=f"Days in a row for the streak bonus, 2–365. {_OMITTED}"
    )
    event_attended: int | None = strawberry.field(
        default=None, description=f"Points for attending an event, 0–1000. {_OMITTED}"
    )
    campaign_won: int | None = strawberry.field(
        default=None, description=f"Points for winning a campaign, 0–10000. {_OMITTED}"
    )
    referral: int | None = strawberry.field(
        default=None, description=f"Points per side of a referral, 0–10000. {_OMITTED}"
    )
    purchase_points_per_yuan: int | None = strawberry.field(
        default=None, description=f"Purchase points per whole yuan, 0–100. {_OMITTED}"
    )
    purchase_pending_days: int | None = strawberry.field(
        default=None, description=f"Days purchase points stay pending, 1–90. {_OMITTED}"
    )
    daily_contribution_cap: int | None = strawberry.field(
        default=None, description=f"Daily contribution cap, 1–10000. {_OMITTED}"
    )
    expiry_years: int | None = strawberry.field(
        default=None, description=f"Years until points expire (end of year), 1–5. {_OMITTED}"
    )
    reports_to_hide: int | None = strawberry.field(
        default=None, description=f"Reporters that hide a post, 1–100. {_OMITTED}"
    )
    note: str | None = strawberry.field(
        default=None, description="Why, up to 200 characters; shown in the version history."
    )
    base_version: int | None = strawberry.field(
        default=None,
        description="The version the admin edited: if another was saved since, `RulesChanged` "
        "and nothing is saved. Left out: saved over whatever version is in force.",
    )

    def changes(self) -> dict[str, int]:
        given = asdict(self)
        return {name: given[name] for name in RULE_FIELDS if given[name] is not None}


@strawberry.type(description="Saved: the new version is in force for awards from now on.")
class UpdateProgrammeRulesSuccess:
    rules: ProgrammeRuleVersion = strawberry.field(description="The version now in force.")


UpdateProgrammeRulesResult = Annotated[
    UpdateProgrammeRulesSuccess | InvalidInput | RulesChanged,
    strawberry.union(
        "UpdateProgrammeRulesResult",
        description="The outcome of `updateProgrammeRules`: `InvalidInput` for values out of "
        "bounds or no change at all, `RulesChanged` when another admin saved first.",
    ),
]


async def update_programme_rules(
    info: Info[Context, Any], input: UpdateProgrammeRulesInput
) -> UpdateProgrammeRulesResult:
    actor = require_role(info, Role.ADMIN)
    try:
        saved = await services.update_programme_rules(
            info.context.collaborators, actor, input.changes(), input.note, input.base_version
        )
    except DomainError as error:
        return as_user_error(error, UpdateProgrammeRulesResult)
    return UpdateProgrammeRulesSuccess(rules=ProgrammeRuleVersion.of(saved))
