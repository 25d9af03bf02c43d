"""updateNotificationPreferences: the viewer's channels for some kinds."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import InvalidInput, RateLimited, as_user_error
from api.notifications.types import (
    NotificationKind,
    NotificationPreference,
    UpdateNotificationPreferencesSuccess,
)
from api.permissions import logged_in
from domain.errors import DomainError
from domain.notifications import inbox


@strawberry.input(description="The channels for one kind.")
class NotificationPreferenceInput:
    kind: NotificationKind = strawberry.field(description="The kind.")
    in_app: bool = strawberry.field(description="Show it in the inbox.")
    wechat: bool = strawberry.field(description="Also push it on WeChat (with consent).")


@strawberry.input(description="The kinds to change; the others stay as they are.")
class UpdateNotificationPreferencesInput:
    preferences: list[NotificationPreferenceInput] = strawberry.field(
        description="One entry per kind (a kind named twice is refused)."
    )


UpdateNotificationPreferencesResult = Annotated[
    UpdateNotificationPreferencesSuccess | InvalidInput | RateLimited,
    strawberry.union(
        "UpdateNotificationPreferencesResult",
        description="The outcome of `updateNotificationPreferences`: `InvalidInput` names each "
        "entry of a kind given twice (nothing saved).",
    ),
]


async def update_notification_preferences(
    info: Info[Context, Any], input: UpdateNotificationPreferencesInput
) -> UpdateNotificationPreferencesResult:
    member = logged_in(info)
    changes = [
        inbox.PreferenceChange(p.kind.name, in_app=p.in_app, wechat=p.wechat)
        for p in input.preferences
    ]
    try:
        saved = await inbox.update_preferences(info.context.collaborators, member.id, changes)
    except DomainError as error:
        return as_user_error(error, UpdateNotificationPreferencesResult)
    return UpdateNotificationPreferencesSuccess(
        preferences=[NotificationPreference.of(p) for p in saved]
    )
