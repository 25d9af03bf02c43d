"""publishPrivacyPolicy: an admin publishes a new version of the privacy policy."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import InvalidInput, PolicyVersionTaken, as_user_error
from api.permissions import require_role
from api.programme.types import PrivacyPolicy
from domain.errors import DomainError
from domain.identity.models import Role
from domain.programme import services
from domain.programme.privacy import PolicyVersion


@strawberry.input(description="A new privacy policy version.")
class PublishPrivacyPolicyInput:
    version: str = strawberry.field(
        description="A new label, 1–20 letters, digits, dots, dashes or underscores, e.g. "
        "`2027-01`; never used before (the built-in `2026-11` included)."
    )
    body: str = strawberry.field(
        description="The text, 20–20,000 characters; a blank line separates paragraphs."
    )


@strawberry.type(
    description="Published: `/privacy` shows it and registration records its version from now on."
)
class PublishPrivacyPolicySuccess:
    policy: PrivacyPolicy = strawberry.field(description="The version now in force.")


PublishPrivacyPolicyResult = Annotated[
    PublishPrivacyPolicySuccess | InvalidInput | PolicyVersionTaken,
    strawberry.union(
        "PublishPrivacyPolicyResult",
        description="The outcome of `publishPrivacyPolicy`: `PolicyVersionTaken` for a label "
        "used before.",
    ),
]


async def publish_privacy_policy(
    info: Info[Context, Any], input: PublishPrivacyPolicyInput
) -> PublishPrivacyPolicyResult:
    actor = require_role(info, Role.ADMIN)
    try:
        row = await services.publish_privacy_policy(
            info.context.collaborators, actor, input.version, input.body
        )
    except DomainError as error:
        return as_user_error(error, PublishPrivacyPolicyResult)
    policy = PolicyVersion(row.version, row.body, row.created_at)
    return PublishPrivacyPolicySuccess(policy=PrivacyPolicy.of(policy))
