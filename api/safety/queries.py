"""The sensitive-word list for admins."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.fields import field
from api.permissions import require_role
from api.safety.types import SensitiveWord
from domain.identity.models import Role
from domain.safety import services


@strawberry.type
class SafetyQuery:
    @field(
        description="Admins: the sensitive-word list by category then word (one SQL statement). "
        "Anyone else gets a top-level FORBIDDEN error."
    )
    async def sensitive_words(self, info: Info[Context, Any]) -> list[SensitiveWord]:
        actor = require_role(info, Role.ADMIN)
        return [SensitiveWord.from_model(w) for w in await services.list_words(actor)]
