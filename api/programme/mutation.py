"""The programme's mutation root fields (admins): the rules, the privacy policy and the brand."""

from __future__ import annotations

import strawberry

from api.programme.mutations.publish_privacy_policy import (
    PublishPrivacyPolicyResult,
    publish_privacy_policy,
)
from api.programme.mutations.update_brand import UpdateBrandResult, update_brand
from api.programme.mutations.update_programme_rules import (
    UpdateProgrammeRulesResult,
    update_programme_rules,
)


@strawberry.type
class ProgrammeMutation:
    # ---- back office: settings ----
    update_programme_rules: UpdateProgrammeRulesResult = strawberry.mutation(
        resolver=update_programme_rules,
        description="Admins: save the next version of the earn rules, daily cap, expiry policy "
        "and report threshold (audited). It applies to awards from now on; awards made keep "
        "their amounts and expiry. Anyone else gets a top-level FORBIDDEN error.",
    )
    publish_privacy_policy: PublishPrivacyPolicyResult = strawberry.mutation(
        resolver=publish_privacy_policy,
        description="Admins: publish a new privacy policy version (audited); registration "
        "records its version from now on. Anyone else gets a top-level FORBIDDEN error.",
    )
    # ---- back office: firstrun ----
    update_brand: UpdateBrandResult = strawberry.mutation(
        resolver=update_brand,
        description="Admins: save the brand's next version (name, about page, logo). Anyone else "
        "gets a top-level FORBIDDEN (or UNAUTHENTICATED) error. There is no mutation that makes "
        "the first admin: that is the setup page's, with the server's one-time setup code.",
    )
