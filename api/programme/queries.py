"""The programme's root fields: the rules with their history (admins), the privacy policy and
the brand (anyone)."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.fields import field
from api.permissions import require_role
from api.programme.types import Brand, PrivacyPolicy, ProgrammeRules, ProgrammeRuleVersion
from domain.identity.models import Role
from domain.programme import queries
from domain.programme.brand import current_brand


@strawberry.type
class ProgrammeQuery:
    @field(
        description="Admins: the earn rules in force and their version history (who saved each, "
        "when, why). Anyone else gets a top-level FORBIDDEN error."
    )
    async def programme_rules(self, info: Info[Context, Any]) -> ProgrammeRules:
        require_role(info, Role.ADMIN)
        history = await queries.programme_rules_history()
        versions = [ProgrammeRuleVersion.of(r.rules, r) for r in history]
        return ProgrammeRules(current=versions[0], versions=versions)

    @field(
        description="The privacy policy in force: what registering consents to (its `version` "
        "is recorded). Readable without signing in."
    )
    async def privacy_policy(self, info: Info[Context, Any]) -> PrivacyPolicy:
        built_in = info.context.collaborators.settings.privacy_policy_version
        return PrivacyPolicy.of(await queries.current_privacy_policy(built_in))


@strawberry.type
class BrandQuery:
    @field(description="The brand, for everyone (signed in or not).")
    async def brand(self, info: Info[Context, Any]) -> Brand:
        return Brand.from_view(await current_brand(info.context.collaborators))
