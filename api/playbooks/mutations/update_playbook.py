"""updatePlaybook: admins switch a tier playbook on or off (audited)."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import InvalidInput, NotFound, as_user_error
from api.permissions import require_role
from api.playbooks.types import Playbook, UpdatePlaybookSuccess
from domain.errors import DomainError
from domain.identity.models import Role
from domain.playbooks import services
from domain.playbooks.queries import PlaybookWithReport
from domain.playbooks.report import playbook_reports
from web.ids import decode_required_id


@strawberry.input(description="Which playbook, and whether it should run.")
class UpdatePlaybookInput:
    id: strawberry.ID = strawberry.field(description="The `Playbook` id.")
    active: bool = strawberry.field(description="True: runs on new tier changes; false: stops.")


UpdatePlaybookResult = Annotated[
    UpdatePlaybookSuccess | InvalidInput | NotFound,
    strawberry.union(
        "UpdatePlaybookResult",
        description="`InvalidInput` for an id that is not a playbook's; `NotFound` for none.",
    ),
]


async def update_playbook(
    info: Info[Context, Any], input: UpdatePlaybookInput
) -> UpdatePlaybookResult:
    actor = require_role(info, Role.ADMIN)
    try:
        playbook_id = decode_required_id(input.id, "Playbook", "id")
        playbook = await services.set_playbook_active(
            info.context.collaborators, actor, playbook_id, input.active
        )
    except DomainError as error:
        return as_user_error(error, UpdatePlaybookResult)
    report = (await playbook_reports([playbook.id]))[playbook.id]
    return UpdatePlaybookSuccess(playbook=Playbook.of(PlaybookWithReport(playbook, report)))
