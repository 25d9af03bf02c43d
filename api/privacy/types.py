"""GraphQL types of a member's data rights: the data export and the account deletion."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from api.fields import field
from domain.privacy import export
from domain.privacy.request_models import AccountDeletion as DeletionModel
from domain.privacy.request_models import DataExport as ExportModel
from domain.privacy.request_models import ExportStatus
from web.ids import encode_id


@strawberry.enum(description="Where a data export stands.")
class DataExportStatus(Enum):
    PENDING = strawberry.enum_value("PENDING", description="Being built; ask again shortly.")
    READY = strawberry.enum_value("READY", description="Built: `downloadUrl` gives the ZIP.")
    EXPIRED = strawberry.enum_value("EXPIRED", description="Past its 24 hours; ask for a new one.")
    FAILED = strawberry.enum_value("FAILED", description="Could not be built; ask again.")


@strawberry.enum(description="What happens to a deleted account's posts.")
class DeletedAccountPosts(Enum):
    DELETE = strawberry.enum_value("DELETE", description="Their content is deleted.")
    KEEP_ANONYMOUS = strawberry.enum_value(
        "KEEP_ANONYMOUS", description="They stay, signed 已注销用户 (deleted account)."
    )


def download_path(export_id: int) -> str:
    """Where the ZIP is served (the portal's route, which also takes the bearer token)."""
    return f"/me/data/{export_id}/download"


@strawberry.type(
    description="A copy of everything Linli holds about the viewer (profile, posts, comments, "
    "likes, votes, points, redemptions, event registrations, referrals, purchases, "
    "notifications): a ZIP with one JSON file of everything and a CSV per category."
)
class DataExport:
    model: strawberry.Private[ExportModel]
    now: strawberry.Private[datetime]

    @field(description="The export's global ID.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(encode_id("DataExport", self.model.id))

    @field(description="Where it stands.")
    def status(self) -> DataExportStatus:
        if self.model.status == ExportStatus.READY and export.is_expired(self.model, self.now):
            return DataExportStatus.EXPIRED
        return DataExportStatus(self.model.status.value)

    @field(description="When the viewer asked for it.")
    def requested_at(self) -> datetime:
        return self.model.requested_at

    @field(description="Until when it can be downloaded; null until it is built.")
    def expires_at(self) -> datetime | None:
        return self.model.expires_at

    @field(description="The ZIP's size in bytes (0 until it is built).")
    def size_bytes(self) -> int:
        return self.model.size_bytes

    @field(
        description="While READY: the path of the ZIP on this server, fetched with the same "
        "`Authorization: Bearer` header; it answers 404 to anyone else. Null otherwise."
    )
    def download_url(self) -> str | None:
        if self.status() is not DataExportStatus.READY:
            return None
        return download_path(self.model.id)


@strawberry.type(description="The viewer's request to delete their account.")
class AccountDeletion:
    model: strawberry.Private[DeletionModel]

    @field(description="When it was asked for.")
    def requested_at(self) -> datetime:
        return self.model.requested_at

    @field(description="When the account will be erased, unless the member signs in again before.")
    def erases_at(self) -> datetime:
        return self.model.due_at

    @field(description="What happens to the member's posts.")
    def posts(self) -> DeletedAccountPosts:
        keep = self.model.keep_posts
        return DeletedAccountPosts.KEEP_ANONYMOUS if keep else DeletedAccountPosts.DELETE


@strawberry.type(description="The export was asked for; it is built in the background.")
class RequestDataExportSuccess:
    export: DataExport = strawberry.field(description="The new export (PENDING or READY).")


@strawberry.type(
    description="Deletion requested: every token of the member was revoked (this one too)."
)
class RequestAccountDeletionSuccess:
    deletion: AccountDeletion = strawberry.field(description="The pending deletion.")
