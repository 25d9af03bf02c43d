"""Privacy's mutation root fields: a copy of the viewer's data, deleting their account, and
accepting a new version of the privacy policy."""

from __future__ import annotations

import strawberry

from api.permissions import IsAuthenticated
from api.privacy.mutations.accept_privacy_policy import (
    AcceptPrivacyPolicyResult,
    accept_privacy_policy,
)
from api.privacy.mutations.request_account_deletion import (
    RequestAccountDeletionResult,
    request_account_deletion,
)
from api.privacy.mutations.request_data_export import (
    RequestDataExportResult,
    request_data_export,
)


@strawberry.type
class PrivacyMutation:
    request_data_export: RequestDataExportResult = strawberry.mutation(
        resolver=request_data_export,
        description="Ask for a copy of everything Linli holds about the viewer; it is built in "
        "the background (`viewer.dataExport` shows its status and, once READY, its download "
        "URL, valid 24 hours). A new request replaces the previous copy.",
        permission_classes=[IsAuthenticated],
    )
    request_account_deletion: RequestAccountDeletionResult = strawberry.mutation(
        resolver=request_account_deletion,
        description="Delete the viewer's account: every token is revoked at once; after 7 days "
        "the phone, WeChat ids, name, avatar and tags are erased (points expire, orders and "
        "votes stay counted under an anonymous member) and the posts are deleted or kept as "
        "已注销用户, as chosen. Signing in again within the 7 days cancels it.",
        permission_classes=[IsAuthenticated],
    )
    accept_privacy_policy: AcceptPrivacyPolicyResult = strawberry.mutation(
        resolver=accept_privacy_policy,
        description="Accept the privacy policy version in force (`viewer.privacyPolicyToAccept`"
        "): the acceptance is kept in the viewer's consent history. Only the version in force "
        "is accepted; accepting it again changes nothing.",
        permission_classes=[IsAuthenticated],
    )
