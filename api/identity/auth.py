"""Turns a signed-in member into an ``AuthSuccess`` with a fresh token pair."""

from __future__ import annotations

from api.context import Context
from api.identity.types import AuthSuccess, Viewer
from domain.identity import services
from domain.identity.models import Member


async def auth_success(context: Context, member: Member, is_new_member: bool) -> AuthSuccess:
    tokens = await services.issue_api_tokens(context.collaborators, member)
    return AuthSuccess(
        access_token=tokens.access_token,
        refresh_token=tokens.refresh_token,
        expires_at=tokens.expires_at,
        is_new_member=is_new_member,
        viewer=Viewer(model=member),
    )
