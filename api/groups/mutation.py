"""Interest groups' mutation root fields: joining and leaving, and the back office's groups and
hosts."""

from __future__ import annotations

import strawberry

from api.groups.mutations.appoint_host import AppointHostResult, appoint_host
from api.groups.mutations.archive_group import ArchiveGroupResult, archive_group
from api.groups.mutations.create_group import CreateGroupResult, create_group
from api.groups.mutations.decide_join_request import (
    DecideJoinRequestResult,
    decide_join_request,
)
from api.groups.mutations.invite_to_group import InviteToGroupResult, invite_to_group
from api.groups.mutations.join_group import JoinGroupResult, join_group
from api.groups.mutations.leave_group import LeaveGroupResult, leave_group
from api.groups.mutations.remove_from_group import RemoveFromGroupResult, remove_from_group
from api.groups.mutations.remove_host import RemoveHostResult, remove_host
from api.groups.mutations.request_to_join_group import (
    RequestToJoinGroupResult,
    request_to_join_group,
)
from api.groups.mutations.restore_group import RestoreGroupResult, restore_group
from api.groups.mutations.set_lead_host import SetLeadHostResult, set_lead_host
from api.groups.mutations.update_group import UpdateGroupResult, update_group
from api.permissions import IsAuthenticated


@strawberry.type
class GroupsMutation:
    join_group: JoinGroupResult = strawberry.mutation(
        resolver=join_group,
        description="Join an interest group (joining twice changes nothing).",
        permission_classes=[IsAuthenticated],
    )
    leave_group: LeaveGroupResult = strawberry.mutation(
        resolver=leave_group,
        description="Leave an interest group.",
        permission_classes=[IsAuthenticated],
    )
    # ---- private groups ----
    request_to_join_group: RequestToJoinGroupResult = strawberry.mutation(
        resolver=request_to_join_group,
        description="Ask to join a private group, with an optional message; the hosts approve or "
        "decline (the member is told), or it expires after 14 days.",
        permission_classes=[IsAuthenticated],
    )
    decide_join_request: DecideJoinRequestResult = strawberry.mutation(
        resolver=decide_join_request,
        description="A private group's hosts (and admins): approve or decline a join request; "
        "anyone else's answer is `NotFound`.",
        permission_classes=[IsAuthenticated],
    )
    invite_to_group: InviteToGroupResult = strawberry.mutation(
        resolver=invite_to_group,
        description="A private group's hosts (and admins): bring a member in at once (lifts the "
        "30 days' hold of a removal).",
        permission_classes=[IsAuthenticated],
    )
    remove_from_group: RemoveFromGroupResult = strawberry.mutation(
        resolver=remove_from_group,
        description="A private group's hosts (and admins): take a member out; they may not ask "
        "again for 30 days.",
        permission_classes=[IsAuthenticated],
    )
    # ---- back office: groups ----
    create_group: CreateGroupResult = strawberry.mutation(
        resolver=create_group,
        description="Admins: create an interest group with its hosts (audited). Anyone else "
        "gets a top-level FORBIDDEN error.",
    )
    update_group: UpdateGroupResult = strawberry.mutation(
        resolver=update_group,
        description="Admins: change a group's name, slug, description, visibility or cover "
        "(audited). Anyone else gets a top-level FORBIDDEN error.",
    )
    archive_group: ArchiveGroupResult = strawberry.mutation(
        resolver=archive_group,
        description="Admins: archive a group, read-only from now (audited). Anyone else gets a "
        "top-level FORBIDDEN error.",
    )
    restore_group: RestoreGroupResult = strawberry.mutation(
        resolver=restore_group,
        description="Admins: reopen an archived group (audited). Anyone else gets a top-level "
        "FORBIDDEN error.",
    )
    appoint_host: AppointHostResult = strawberry.mutation(
        resolver=appoint_host,
        description="Admins: make a member a host (主理人) of a group, with the HOST role if they "
        "lack it (audited). Anyone else gets a top-level FORBIDDEN error.",
    )
    remove_host: RemoveHostResult = strawberry.mutation(
        resolver=remove_host,
        description="Admins: take a host off a group, never its last (audited); their roles stay. "
        "Anyone else gets a top-level FORBIDDEN error.",
    )
    set_lead_host: SetLeadHostResult = strawberry.mutation(
        resolver=set_lead_host,
        description="Admins: make one of a group's co-hosts its lead, the name shown as its "
        "host (audited). Anyone else gets a top-level FORBIDDEN error.",
    )
