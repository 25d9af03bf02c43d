"""Upload outcomes the clients switch on; the HTTP handler gives each its status."""

from __future__ import annotations

from domain.errors import DomainError, NotFoundError


class UploadTooLargeError(DomainError):
    code = "PAYLOAD_TOO_LARGE"
    message = "图片不能超过 10 MB"


class UnsupportedMediaTypeError(DomainError):
    code = "UNSUPPORTED_MEDIA_TYPE"
    message = "只支持 JPEG、PNG 或 WebP 格式的图片"


class TooManyPixelsError(DomainError):
    code = "IMAGE_TOO_LARGE"
    message = "图片尺寸过大，不能超过 4000 万像素"


class InvalidImageError(DomainError):
    code = "INVALID_IMAGE"
    message = "图片已损坏，无法读取"


class ImageNotFoundError(NotFoundError):
    message = "没有找到这张图片"
