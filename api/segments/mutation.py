"""Segments' mutation root field: the NPS survey answer."""

from __future__ import annotations

import strawberry

from api.permissions import IsAuthenticated
from api.segments.mutations.submit_nps_response import SubmitNpsResponseResult, submit_nps_response


@strawberry.type
class SegmentsMutation:
    submit_nps_response: SubmitNpsResponseResult = strawberry.mutation(
        resolver=submit_nps_response,
        description="Answer 0–10 to 你有多大可能把邻里推荐给朋友？, at most once a calendar "
        "quarter (`LimitReached` after that); an optional comment of up to 500 characters.",
        permission_classes=[IsAuthenticated],
    )
