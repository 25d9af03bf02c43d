"""The viewer's data-export field (``Viewer`` inherits it)."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.fields import field
from api.privacy.types import DataExport
from domain.identity.models import Member
from domain.privacy import export


@strawberry.type
class ViewerPrivacy:
    model: strawberry.Private[Member]

    @field(
        description="The viewer's latest data export (`requestDataExport`), whatever its "
        "status; null when they never asked."
    )
    async def data_export(self, info: Info[Context, Any]) -> DataExport | None:
        latest = await export.latest_export(self.model.id)
        if latest is None:
            return None
        return DataExport(model=latest, now=info.context.collaborators.clock.now())
