"""acceptPrivacyPolicy: the viewer accepts the privacy policy version in force, as the portal
asks at sign-in after an admin published a new one."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import InvalidInput, as_user_error
from api.permissions import logged_in
from api.programme.types import PrivacyPolicy
from domain.errors import DomainError
from domain.privacy import consent
from domain.programme.queries import current_privacy_policy


@strawberry.type(
    description="Accepted: `viewer.privacyPolicyToAccept` is null until the next version."
)
class AcceptPrivacyPolicySuccess:
    policy: PrivacyPolicy = strawberry.field(description="The version the viewer accepted.")


AcceptPrivacyPolicyResult = Annotated[
    AcceptPrivacyPolicySuccess | InvalidInput,
    strawberry.union(
        "AcceptPrivacyPolicyResult",
        description="The outcome of `acceptPrivacyPolicy`: `InvalidInput` on `version` when it "
        "is not the version in force (a newer one was published meanwhile: show "
        "`viewer.privacyPolicyToAccept` again); nothing is recorded then.",
    ),
]


async def accept_privacy_policy(
    info: Info[Context, Any], version: str
) -> AcceptPrivacyPolicyResult:
    member = logged_in(info)
    c = info.context.collaborators
    # Read before accepting: accepted, ``version`` was this one (labels are never reused).
    policy = await current_privacy_policy(c.settings.privacy_policy_version)
    try:
        await consent.accept_policy(c, member.id, version)
    except DomainError as error:
        return as_user_error(error, AcceptPrivacyPolicyResult)
    return AcceptPrivacyPolicySuccess(policy=PrivacyPolicy.of(policy))
