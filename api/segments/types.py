"""GraphQL types of the segments area's own outcomes: the NPS answer."""

from __future__ import annotations

import strawberry


@strawberry.type(description="The answer was recorded; thank you.")
class SubmitNpsResponseSuccess:
    score: int
    quarter: str = strawberry.field(description="The calendar quarter answered, e.g. 2026Q4.")
