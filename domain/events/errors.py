"""Event outcomes the clients switch on."""

from __future__ import annotations

from domain.errors import DomainError, FieldError, InvalidInputError


class AlreadyRegisteredError(DomainError):
    code = "ALREADY_REGISTERED"
    message = "你已经报名了这个活动"


class RegistrationClosedError(DomainError):
    code = "REGISTRATION_CLOSED"
    message = "活动已开始或已结束，不能再报名"


class NotCancellableError(DomainError):
    code = "NOT_CANCELLABLE"
    message = "这条报名已取消、已签到或活动已开始，不能再取消"


class AttendeeAlreadyCheckedInError(DomainError):
    code = "ALREADY_CHECKED_IN"
    message = "这位邻居已经签到过了"


class NotCheckableError(DomainError):
    code = "NOT_ELIGIBLE"
    message = "这条报名不是已确认状态（候补、已取消或已记为缺席），不能签到"


class CheckInClosedError(DomainError):
    code = "CHECK_IN_CLOSED"
    message = "不在签到时间内：活动开始前 2 小时至结束时可签到"


class EventCancelledError(DomainError):
    code = "EVENT_CANCELLED"
    message = "活动已取消"


class EventOverError(DomainError):
    code = "EVENT_OVER"
    message = "活动已结束，不能再修改或取消"


class CapacityBelowSeatsTakenError(InvalidInputError):
    """Fewer seats than members already hold one: the capacity field is refused."""

    code = "CAPACITY_BELOW_TAKEN"

    def __init__(self, field_errors: list[FieldError], seats_taken: int) -> None:
        message = f"已有 {seats_taken} 位邻居占了名额，名额不能少于 {seats_taken}"
        super().__init__(field_errors, message)
        self.seats_taken = seats_taken
