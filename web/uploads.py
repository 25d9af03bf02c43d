"""``POST /api/uploads`` and ``GET /media/{key}``: authentication, a streamed multipart body
refused past the size limit, and domain outcomes translated to statuses. The rules live in
``domain.media``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from domain.collaborators import Collaborators
from domain.errors import DomainError, InvalidInputError, NotFoundError, RateLimitedError
from domain.media import services
from domain.media.errors import (
    InvalidImageError,
    TooManyPixelsError,
    UnsupportedMediaTypeError,
    UploadTooLargeError,
)
from domain.media.images import MAX_UPLOAD_BYTES
from web.auth import request_member
from web.ids import encode_id

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks

FIELD = "file"
MULTIPART_OVERHEAD = 64 * 1024  # boundaries, part headers and small extra fields
MAX_BODY_BYTES = MAX_UPLOAD_BYTES + MULTIPART_OVERHEAD
IMMUTABLE = "public, max-age=31536000, immutable"

STATUSES: dict[type[DomainError], int] = {
    InvalidInputError: 400,
    NotFoundError: 404,
    UploadTooLargeError: 413,
    UnsupportedMediaTypeError: 415,
    TooManyPixelsError: 422,
    InvalidImageError: 422,
    RateLimitedError: 429,
}


async def upload(request: Request) -> Response:
    collaborators: Collaborators = request.app.state.collaborators
    member = await request_member(request)
    if member is None:
        return _error(401, "UNAUTHENTICATED", "请先登录")
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > MAX_BODY_BYTES):
        return refusal(UploadTooLargeError())
    storage = collaborators.images

    async def read_file(limit: int) -> bytes:
        return await read_file_field(request, limit)

    try:
        image = await services.upload_image(collaborators, storage, member, read_file)
    except DomainError as error:
        return refusal(error)
    body = {
        "id": encode_id("Image", image.id),
        "url": storage.url(image.storage_key),
        "width": image.width,
        "height": image.height,
    }
    return JSONResponse(body, status_code=201)


async def media(request: Request) -> Response:
    collaborators: Collaborators = request.app.state.collaborators
    try:
        stored = await collaborators.images.open(request.path_params["key"])
    except NotFoundError as error:
        return refusal(error)
    headers = {"Cache-Control": IMMUTABLE, "X-Content-Type-Options": "nosniff"}
    return Response(stored.data, media_type=stored.content_type, headers=headers)


async def read_file_field(request: Request, limit: int) -> bytes:
    """The ``file`` part of a multipart body, parsed as it streams in; stops reading at the limit
    whatever Content-Length said (or if it said nothing)."""
    kind, params = parse_options_header(request.headers.get("content-type", ""))
    boundary = params.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        raise InvalidInputError.single(FIELD, "请以 multipart/form-data 上传图片（字段 file）")
    collector = _FileCollector(limit)
    seen = 0
    try:
        parser = MultipartParser(boundary, collector.callbacks())
        async for chunk in request.stream():
            seen += len(chunk)
            if seen > limit + MULTIPART_OVERHEAD:
                raise UploadTooLargeError()
            parser.write(chunk)
        parser.finalize()
    except FormParserError as error:
        raise InvalidInputError.single(FIELD, "上传内容格式有误") from error
    if not collector.complete:
        raise InvalidInputError.single(FIELD, "请选择要上传的图片")
    return bytes(collector.data)


class _FileCollector:
    """Keeps the first ``file`` part in memory, refusing it past ``limit`` bytes."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.data = bytearray()
        self.complete = False
        self._reading = False
        self._name = bytearray()
        self._value = bytearray()
        self._disposition = b""

    def callbacks(self) -> MultipartCallbacks:
        return {
            "on_part_begin": self._part_begin,
            "on_header_field": lambda data, start, end: self._name.extend(data[start:end]),
            "on_header_value": lambda data, start, end: self._value.extend(data[start:end]),
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
            "on_part_data": self._part_data,
            "on_part_end": self._part_end,
        }

    def _part_begin(self) -> None:
        self._disposition = b""
        self._name.clear()
        self._value.clear()

    def _header_end(self) -> None:
        if bytes(self._name).lower() == b"content-disposition":
            self._disposition = bytes(self._value)
        self._name.clear()
        self._value.clear()

    def _headers_finished(self) -> None:
        _, params = parse_options_header(self._disposition)
        self._reading = not self.complete and params.get(b"name") == FIELD.encode()

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        if not self._reading:
            return
        if len(self.data) + (end - start) > self.limit:
            raise UploadTooLargeError()
        self.data.extend(data[start:end])

    def _part_end(self) -> None:
        if self._reading:
            self.complete = True
            self._reading = False


def refusal(error: DomainError) -> Response:
    status = next((s for kind, s in STATUSES.items() if isinstance(error, kind)), 400)
    response = _error(status, error.code, error.message)
    if isinstance(error, RateLimitedError):
        response.headers["Retry-After"] = str(error.retry_after_seconds)
    return response


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"code": code, "message": message}, status_code=status)
