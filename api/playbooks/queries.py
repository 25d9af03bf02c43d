"""Reads of tier playbooks: admins' list with the reports."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.fields import field
from api.permissions import require_role
from api.playbooks.types import Playbook
from domain.identity.models import Role
from domain.playbooks.queries import list_playbooks


@strawberry.type
class PlaybooksQuery:
    @field(
        description="Admins: every tier playbook, newest first, with its treatment and holdout "
        "reports. Anyone else gets a top-level FORBIDDEN error."
    )
    async def playbooks(self, info: Info[Context, Any]) -> list[Playbook]:
        require_role(info, Role.ADMIN)
        return [Playbook.of(item) for item in await list_playbooks()]
