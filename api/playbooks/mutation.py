"""Tier playbooks' mutation root fields: admins make and switch them."""

from __future__ import annotations

import strawberry

from api.playbooks.mutations.create_playbook import CreatePlaybookResult, create_playbook
from api.playbooks.mutations.update_playbook import UpdatePlaybookResult, update_playbook


@strawberry.type
class PlaybooksMutation:
    create_playbook: CreatePlaybookResult = strawberry.mutation(
        resolver=create_playbook,
        description="Admins: make a tier playbook (audited); it runs on tier changes from now "
        "on. Anyone else gets a top-level FORBIDDEN error.",
    )
    update_playbook: UpdatePlaybookResult = strawberry.mutation(
        resolver=update_playbook,
        description="Admins: switch a tier playbook on or off (audited). Anyone else gets a "
        "top-level FORBIDDEN error.",
    )
