"""requestDataExport: a copy of everything Linli holds about the viewer, built in the background."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import ExportInProgress, as_user_error
from api.permissions import logged_in
from api.privacy.types import DataExport, RequestDataExportSuccess
from domain.errors import DomainError
from domain.privacy import export

RequestDataExportResult = Annotated[
    RequestDataExportSuccess | ExportInProgress,
    strawberry.union(
        "RequestDataExportResult",
        description="`ExportInProgress` while the previous export is still being built.",
    ),
]


async def request_data_export(info: Info[Context, Any]) -> RequestDataExportResult:
    member = logged_in(info)
    c = info.context.collaborators
    try:
        made = await export.request_data_export(c, member)
    except DomainError as error:
        return as_user_error(error, RequestDataExportResult)
    latest = await export.latest_export(member.id)  # built already when there is no queue
    return RequestDataExportSuccess(export=DataExport(model=latest or made, now=c.clock.now()))
