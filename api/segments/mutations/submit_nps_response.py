"""submitNpsResponse: the 0–10 "would you recommend us" question, once a quarter."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import InvalidInput, LimitReached, as_user_error
from api.permissions import logged_in
from api.segments.types import SubmitNpsResponseSuccess
from domain.errors import DomainError
from domain.segments import nps

SubmitNpsResponseResult = Annotated[
    SubmitNpsResponseSuccess | InvalidInput | LimitReached,
    strawberry.union(
        "SubmitNpsResponseResult",
        description="`LimitReached` when the member already answered this quarter.",
    ),
]


async def submit_nps_response(
    info: Info[Context, Any], score: int, comment: str | None = None
) -> SubmitNpsResponseResult:
    member = logged_in(info)
    try:
        answer = await nps.submit_nps(info.context.collaborators, member, score, comment or "")
    except DomainError as error:
        outcome: SubmitNpsResponseResult = as_user_error(error)
        return outcome
    return SubmitNpsResponseSuccess(score=answer.score, quarter=answer.quarter)
