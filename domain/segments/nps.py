"""The NPS question (你有多大可能把邻里推荐给朋友？): 0-10, at most once a quarter."""

from __future__ import annotations

from datetime import date

from tortoise.exceptions import IntegrityError

from domain.collaborators import Collaborators
from domain.errors import FieldError, InvalidInputError
from domain.identity.models import Member
from domain.segments.errors import NpsAlreadyAnsweredError
from domain.segments.models import NpsResponse

COMMENT_MAX = 500


def quarter_of(day: date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


async def may_answer(c: Collaborators, member: Member) -> bool:
    quarter = quarter_of(c.clock.today())
    return not await NpsResponse.filter(member_id=member.id, quarter=quarter).exists()


async def submit_nps(
    c: Collaborators, member: Member, score: int, comment: str = ""
) -> NpsResponse:
    comment = comment.strip()
    errors = []
    if not 0 <= score <= 10:
        errors.append(FieldError("score", "请选择 0 到 10 之间的分数"))
    if len(comment) > COMMENT_MAX:
        errors.append(FieldError("comment", f"补充说明最多 {COMMENT_MAX} 字"))
    if errors:
        raise InvalidInputError(errors)
    quarter = quarter_of(c.clock.today())
    try:  # the unique (member, quarter) decides when two answers race
        return await NpsResponse.create(
            member_id=member.id,
            quarter=quarter,
            score=score,
            comment=comment,
            created_at=c.clock.now(),
        )
    except IntegrityError as error:
        raise NpsAlreadyAnsweredError() from error
