"""The viewer's privacy fields (``Viewer`` inherits them): their data export and the policy
version they still have to accept."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.fields import field
from api.privacy.types import DataExport
from domain.identity.models import Member
from domain.privacy import consent, export

if TYPE_CHECKING:
    from api.programme.types import PrivacyPolicy


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

    @field(
        description="The privacy policy in force when the viewer has not accepted it yet (an "
        "admin published a new version since they last did): show it and ask them to accept "
        "it with `acceptPrivacyPolicy`. Null when there is nothing to accept."
    )
    async def privacy_policy_to_accept(
        self, info: Info[Context, Any]
    ) -> Annotated[PrivacyPolicy, strawberry.lazy("api.programme.types")] | None:
        from api.programme.types import PrivacyPolicy  # it imports the types that import this

        policy = await consent.policy_to_accept(info.context.collaborators, self.model)
        return None if policy is None else PrivacyPolicy.of(policy)
