"""Admin: import the mall's purchases CSV from the browser, with the same idempotent recording as
``linli import-purchases``, and see each refused row by its line number."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any, BinaryIO, cast

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from domain.errors import DomainError, InvalidInputError
from domain.identity.models import Role
from domain.purchases.csv_file import decoded_lines
from domain.purchases.csv_import import import_purchases_csv
from portal.auth import collaborators, redirect
from portal.outcomes import error_status, error_text, logged_in, page, refusal

MAX_UPLOAD_BYTES = 20 * 2**20
SHOWN_ERRORS = 200


def _lines(handle: IO[bytes]) -> Iterator[str]:
    """The uploaded file line by line (starlette spooled it to disk past 1 MB), UTF-8 or
    GB18030 as it was saved."""
    return decoded_lines(cast(BinaryIO, handle))


async def import_page(request: Request) -> Response:
    admin = await logged_in(request)
    if admin is None:
        return redirect(request, "log_in")
    if refused := refusal(request, admin, Role.ADMIN):
        return refused
    if request.method == "GET":
        return page(request, "purchases/import.html", {})
    context: dict[str, Any] = {}
    status, headers = 200, dict[str, str]()
    async with request.form(max_files=1) as form:
        upload = form.get("file")
        try:
            if not isinstance(upload, UploadFile) or not upload.filename:
                raise InvalidInputError.single("file", "请选择要导入的 CSV 文件")
            if (upload.size or 0) > MAX_UPLOAD_BYTES:
                raise InvalidInputError.single("file", "文件不能超过 20 MB")
            summary = await import_purchases_csv(collaborators(request), admin, _lines(upload.file))
            context = {
                "summary": summary,
                "errors_shown": summary.errors[:SHOWN_ERRORS],
                "filename": upload.filename,
            }
        except DomainError as error:
            status, headers = error_status(error)
            context = {"message": error_text(error)}
    block = "result" if request.headers.get("HX-Request") else None
    return page(
        request,
        "purchases/import.html",
        context,
        block=block,
        status_code=status,
        headers=headers,
    )
