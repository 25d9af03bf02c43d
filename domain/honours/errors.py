"""Outcomes of the honours actions."""

from __future__ import annotations

from domain.errors import DomainError, InvalidInputError, NotFoundError


class BadgeAlreadyHeldError(DomainError):
    code = "BADGE_ALREADY_HELD"

    def __init__(self) -> None:
        super().__init__("该会员已持有这枚徽章")


class BadgeNotHeldError(NotFoundError):
    code = "BADGE_NOT_HELD"

    def __init__(self) -> None:
        super().__init__("该会员没有这枚徽章")


def not_manual() -> InvalidInputError:
    return InvalidInputError.single("code", "只能授予或收回人工徽章")


def reason_missing() -> InvalidInputError:
    return InvalidInputError.single("reason", "请填写原因")
