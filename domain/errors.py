"""Expected outcomes that are not success. Each has a stable ``code`` the clients switch on and a
Chinese ``message`` for people. Entrypoints map them to typed results; they are never masked."""

from __future__ import annotations

from dataclasses import dataclass


class DomainError(Exception):
    code = "ERROR"
    message = "操作未能完成"

    def __init__(self, message: str | None = None) -> None:
        if message is not None:
            self.message = message
        super().__init__(self.message)


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


class InvalidInputError(DomainError):
    code = "INVALID_INPUT"
    message = "输入有误，请检查后重试"

    def __init__(self, field_errors: list[FieldError], message: str | None = None) -> None:
        super().__init__(message)
        self.field_errors = field_errors

    @classmethod
    def single(cls, field: str, message: str) -> InvalidInputError:
        return cls([FieldError(field, message)])


class NotFoundError(DomainError):
    """Also what "not yours" looks like: the two must be indistinguishable."""

    code = "NOT_FOUND"
    message = "没有找到"


class RateLimitedError(DomainError):
    code = "RATE_LIMITED"
    message = "操作太频繁，请稍后再试"

    def __init__(self, retry_after_seconds: int) -> None:
        super().__init__(f"操作太频繁，请 {retry_after_seconds} 秒后再试")
        self.retry_after_seconds = retry_after_seconds


class PermissionDeniedError(DomainError):
    code = "FORBIDDEN"
    message = "没有权限"


class ServiceBusyError(DomainError):
    """A store was too slow or away (a statement or lock timeout, no free connection, a lost
    connection): nothing was changed by the request that failed, and retrying later is safe."""

    code = "SERVICE_BUSY"
    message = "服务繁忙，请稍后重试"
    retryable = True
