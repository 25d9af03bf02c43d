"""GraphQL types of the programme settings: a version of the earn rules, the privacy policy, the
brand."""

from __future__ import annotations

from datetime import datetime

import strawberry

from api.identity.types import Member
from domain.programme.brand import Brand as BrandView
from domain.programme.privacy import PolicyVersion
from domain.programme.queries import RuleVersionRecord
from domain.programme.rules import ProgrammeRuleSet


@strawberry.type(
    description="One version of the earn rules, daily cap, expiry policy and report threshold. "
    "A version is never changed: saving writes the next one, in force for awards from then on."
)
class ProgrammeRuleVersion:
    version: int = strawberry.field(description="1 is the built-in set; each save adds one.")
    post_published: int = strawberry.field(description="Points for a published post.")
    recipe_published: int = strawberry.field(description="Points for a published recipe.")
    post_featured: int = strawberry.field(description="Points when a post is featured.")
    vote_cast: int = strawberry.field(description="Points per vote in a campaign.")
    check_in: int = strawberry.field(description="Points for the daily check-in (签到).")
    check_in_streak_bonus: int = strawberry.field(
        description="Extra points on every `checkInStreakDays`-th day in a row."
    )
    check_in_streak_days: int = strawberry.field(
        description="Days in a row that earn the streak bonus."
    )
    event_attended: int = strawberry.field(description="Points for attending an event.")
    campaign_won: int = strawberry.field(description="Points for winning a campaign (uncapped).")
    referral: int = strawberry.field(
        description="Points to each of referrer and invitee when a referral qualifies (uncapped)."
    )
    purchase_points_per_yuan: int = strawberry.field(
        description="Pending points per whole yuan of a purchase (uncapped)."
    )
    purchase_pending_days: int = strawberry.field(
        description="Days purchase points stay pending (the after-sales window)."
    )
    daily_contribution_cap: int = strawberry.field(
        description="Most points a member earns a day from posts, features, votes, check-ins and "
        "events together; a lowered cap applies to the rest of today."
    )
    expiry_years: int = strawberry.field(
        description="Points expire at the end of this many calendar years after the year they "
        "became available (1: points of 2026 expire at the end of 2027). New lots only."
    )
    reports_to_hide: int = strawberry.field(
        description="Distinct reporters that hide a published post until a moderator decides."
    )
    note: str | None = strawberry.field(description="Why the admin saved this version.")
    created_at: datetime | None = strawberry.field(
        description="When it was saved; null for the built-in version 1."
    )
    created_by: Member | None = strawberry.field(
        description="Who saved it; null for the built-in version 1 (or a removed admin)."
    )

    @classmethod
    def of(
        cls, rules: ProgrammeRuleSet, record: RuleVersionRecord | None = None
    ) -> ProgrammeRuleVersion:
        return cls(
            version=rules.version,
            **rules.values(),
            note=record.note if record else None,
            created_at=record.created_at if record else None,
            created_by=Member.from_model(record.created_by)
            if record and record.created_by
            else None,
        )


@strawberry.type(description="The earn rules in force and the versions before them.")
class ProgrammeRules:
    current: ProgrammeRuleVersion = strawberry.field(
        description="The version every award uses from now on."
    )
    versions: list[ProgrammeRuleVersion] = strawberry.field(
        description="The newest 100 versions, newest first, with who saved each and when."
    )


@strawberry.type(description="A version of the privacy policy members consent to.")
class PrivacyPolicy:
    version: str = strawberry.field(
        description="The label registration records as the member's consent, e.g. `2026-11`."
    )
    body: str = strawberry.field(
        description="The text, plain; paragraphs are separated by a blank line."
    )
    published_at: datetime | None = strawberry.field(
        description="When an admin published it; null for the built-in first version."
    )

    @classmethod
    def of(cls, policy: PolicyVersion) -> PrivacyPolicy:
        return cls(version=policy.version, body=policy.body, published_at=policy.published_at)


@strawberry.type(description="The programme's brand: its name, logo and about page.")
class Brand:
    name: str = strawberry.field(
        description="The programme's name, shown where the app names itself (邻里 until set)."
    )
    logo_url: str | None = strawberry.field(
        description="The logo, a path on this server (`/media/…`); null when there is none."
    )
    about: str = strawberry.field(
        description="The about page as plain text; a blank line separates paragraphs. Show it "
        "as text, never as HTML."
    )
    version: int = strawberry.field(
        description="The brand's version, raised by every change; 0 before an admin set it."
    )

    @classmethod
    def from_view(cls, brand: BrandView) -> Brand:
        return cls(
            name=brand.name, logo_url=brand.logo_url, about=brand.about, version=brand.version
        )
