"""Every mutation that answers with an object reads it under the same rule as the query that
reads it: an object the caller may not read (a hidden post, a pending post of another group, an
entry waiting for a moderator, someone else's registration, another group's check-in code) is
answered exactly like an id that does not exist, shows none of its fields, and nothing changes.

Groups, campaigns and events are open to everyone (their lists show them all), so for them the
only object a caller may not read is one that does not exist."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from domain.campaigns.models import (
    Ballot,
    Campaign,
    CampaignEntry,
    CampaignKind,
    EntryStatus,
    Vote,
)
from domain.collaborators import Collaborators
from domain.events.models import EventRegistration
from domain.events.services import register_for_event
from domain.groups.models import GroupMembership, InterestGroup
from domain.identity.models import Member, Role
from domain.points.models import LedgerEntry
from domain.posts.models import (
    AuditLogEntry,
    Comment,
    Post,
    PostKind,
    PostLike,
    PostStatus,
    Report,
)
from tests.api.test_groups_api import token_for
from tests.conftest import GraphQLClient
from tests.domain.campaign_helpers import voting_campaign
from tests.domain.events_helpers import make_event, make_group
from tests.domain.test_posts import veteran
from tests.factories import make_member
from web.ids import encode_id

SECRET_TITLE = "不该被看到的标题"
SECRET_BODY = "不该被看到的正文内容"
SECRET_AUTHOR = "不该露面的作者"
SECRET_ENTRY = "待审的名字"
MISSING = 999_999

_POST = "fragment Seen on Post { id title excerpt bodyHtml status author { id displayName } }"
_ENTRY = (
    "fragment Entry on CampaignEntry { id title description status proposer { id } "
    "post { ...Seen } }"
)

LIKE = (
    "mutation($id: ID!) { likePost(input: {postId: $id}) { __typename "
    "... on LikePostSuccess { post { ...Seen } } ... on UserError { code message } } }" + _POST
)
UNLIKE = (
    "mutation($id: ID!) { unlikePost(input: {postId: $id}) { __typename "
    "... on UnlikePostSuccess { post { ...Seen } } ... on UserError { code message } } }" + _POST
)
COMMENT = (
    'mutation($id: ID!) { addComment(input: {postId: $id, body: "我也来说两句"}) { __typename '
    "... on AddCommentSuccess { comment { id } post { ...Seen } } "
    "... on UserError { code message } } }" + _POST
)
REPORT = (
    "mutation($id: ID!) { reportContent(input: {postId: $id, reason: SPAM}) { __typename "
    "... on ReportContentSuccess { ok } ... on UserError { code message } } }"
)
MODERATE = (
    "mutation($id: ID!, $action: ModerationAction!) { moderatePost(input: "
    '{postId: $id, action: $action, reason: "看看"}) { __typename '
    "... on ModeratePostSuccess { post { ...Seen } } ... on UserError { code message } } }" + _POST
)
VOTE = (
    "mutation($id: ID!) { castVote(input: {entryId: $id}) { __typename "
    "... on CastVoteSuccess { entry { ...Entry } campaign { id viewerVotesLeft } } "
    "... on UserError { code message } } }" + _ENTRY + _POST
)
PROPOSE = (
    "mutation($campaign: ID!, $id: ID!) { proposeEntry(input: "
    '{campaignId: $campaign, title: "", postId: $id}) { __typename '
    "... on ProposeEntrySuccess { entry { ...Entry } } ... on UserError { code message } } }"
    + _ENTRY
    + _POST
)
JOIN = (
    "mutation($id: ID!) { joinGroup(input: {groupId: $id}) { __typename "
    "... on JoinGroupSuccess { group { id name memberCount } } "
    "... on UserError { code message } } }"
)
LEAVE = (
    "mutation($id: ID!) { leaveGroup(input: {groupId: $id}) { __typename "
    "... on LeaveGroupSuccess { group { id name memberCount } } "
    "... on UserError { code message } } }"
)
REGISTER = (
    "mutation($id: ID!) { registerForEvent(input: {eventId: $id}) { __typename "
    "... on RegisterForEventSuccess { registration { id checkInCode } event { id title } } "
    "... on UserError { code message } } }"
)
CANCEL = (
    "mutation($id: ID!) { cancelEventRegistration(input: {registrationId: $id}) { __typename "
    "... on CancelEventRegistrationSuccess { registration { id checkInCode } event { id } } "
    "... on UserError { code message } } }"
)
CHECK_IN = (
    "mutation($code: String!) { checkInAttendee(input: {checkInCode: $code}) { __typename "
    "... on CheckInAttendeeSuccess { registration { id status checkInCode } } "
    "... on UserError { code message } } }"
)


async def _post(author: Member, group: InterestGroup, status: PostStatus, kind: PostKind) -> Post:
    now = author.created_at + timedelta(days=20)
    return await Post.create(
        author=author,
        group=group,
        kind=kind,
        title=SECRET_TITLE,
        body=SECRET_BODY,
        body_html=f"<p>{SECRET_BODY}</p>",
        excerpt=SECRET_BODY,
        status=status,
        created_at=now,
        published_at=now if status == PostStatus.HIDDEN else None,
        like_count=1 if status == PostStatus.HIDDEN else 0,
        report_count=3 if status == PostStatus.HIDDEN else 0,
    )


async def _state() -> dict[str, Any]:
    """What any of the walked mutations could change."""
    return {
        "posts": sorted(
            await Post.all().values_list(
                "id", "status", "featured", "like_count", "comment_count", "report_count"
            )
        ),
        "likes": sorted(await PostLike.all().values_list("post_id", "member_id")),
        "comments": await Comment.all().count(),
        "reports": await Report.all().count(),
        "audit": await AuditLogEntry.all().count(),
        "groups": sorted(await InterestGroup.all().values_list("id", "member_count")),
        "memberships": sorted(await GroupMembership.all().values_list("group_id", "member_id")),
        "entries": sorted(await CampaignEntry.all().values_list("id", "status", "vote_count")),
        "votes": await Vote.all().count(),
        "ballots": sorted(await Ballot.all().values_list("campaign_id", "member_id", "votes_left")),
        "registrations": sorted(
            await EventRegistration.all().values_list("id", "status", "checked_in_at")
        ),
        "ledger": await LedgerEntry.all().count(),
    }


async def test_every_mutation_answers_an_unreadable_object_as_a_missing_one_and_changes_nothing(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    c = collaborators
    host, other_host = (
        await make_member(roles=(Role.RESIDENT, Role.HOST)),
        await make_member(roles=(Role.RESIDENT, Role.HOST)),
    )
    group = await make_group(host)
    await make_group(other_host, "家常菜研究所", "home-cooking")
    author = await veteran(c)
    await Member.filter(id=author.id).update(display_name=SECRET_AUTHOR)
    author = await Member.get(id=author.id)
    resident = await veteran(c)
    hidden = await _post(author, group, PostStatus.HIDDEN, PostKind.STORY)
    pending = await _post(author, group, PostStatus.PENDING, PostKind.STORY)
    pending_photo = await _post(author, group, PostStatus.PENDING, PostKind.PHOTO)
    # The resident liked the post before reports hid it: unliking it now must change nothing.
    await PostLike.create(post=hidden, member=resident, created_at=c.clock.now())

    naming, _ = await voting_campaign(c, entries=1)
    waiting = await CampaignEntry.create(
        campaign=naming,
        proposer=author,
        title=SECRET_ENTRY,
        status=EntryStatus.PENDING,
        created_at=c.clock.now(),
    )
    refused = await CampaignEntry.create(
        campaign=naming,
        proposer=author,
        title=SECRET_ENTRY + "二",
        status=EntryStatus.REJECTED,
        created_at=c.clock.now(),
    )
    photo = await Campaign.create(
        kind=CampaignKind.PHOTO,
        title="最美春日",
        description="晒晒阳台",
        proposal_starts_at=c.clock.now() - timedelta(days=1),
        proposal_ends_at=c.clock.now() + timedelta(days=1),
        voting_starts_at=c.clock.now() + timedelta(days=2),
        voting_ends_at=c.clock.now() + timedelta(days=3),
        created_by=host,
        created_at=c.clock.now(),
    )

    event = await make_event(c, group, starts_in=timedelta(hours=1))
    seat = await register_for_event(c, author, event.id)
    code = seat.check_in_code or ""

    resident_token = await token_for(c, resident)
    other_host_token = await token_for(c, other_host)

    def post(p: Post | int) -> dict[str, Any]:
        return {"id": encode_id("Post", p if isinstance(p, int) else p.id)}

    def entry(e: CampaignEntry | int) -> dict[str, Any]:
        return {"id": encode_id("CampaignEntry", e if isinstance(e, int) else e.id)}

    campaign_id = encode_id("Campaign", photo.id)
    # (what, document, token, variables of the unreadable object, variables of a missing one)
    walk: list[tuple[str, str, str, dict[str, Any], dict[str, Any]]] = [
        *[
            (f"{name} {label}", doc, resident_token, post(target), post(MISSING))
            for name, doc in (
                ("likePost", LIKE),
                ("unlikePost", UNLIKE),
                ("addComment", COMMENT),
                ("reportContent", REPORT),
            )
            for label, target in (("hidden", hidden), ("pending", pending))
        ],
        *[
            (
                f"moderatePost {action} by another group's host",
                MODERATE,
                other_host_token,
                {**post(target), "action": action},
                {**post(MISSING), "action": action},
            )
            for action, target in (("APPROVE", pending), ("RESTORE", hidden), ("HIDE", hidden))
        ],
        *[
            (f"castVote {label}", VOTE, resident_token, entry(target), entry(MISSING))
            for label, target in (("pending", waiting), ("rejected", refused))
        ],
        (
            "proposeEntry with another member's pending photo",
            PROPOSE,
            resident_token,
            {"campaign": campaign_id, **post(pending_photo)},
            {"campaign": campaign_id, **post(MISSING)},
        ),
        (
            "joinGroup",
            JOIN,
            resident_token,
            {"id": encode_id("InterestGroup", MISSING)},
            {"id": encode_id("InterestGroup", MISSING + 1)},
        ),
        (
            "leaveGroup",
            LEAVE,
            resident_token,
            {"id": encode_id("InterestGroup", MISSING)},
            {"id": encode_id("InterestGroup", MISSING + 1)},
        ),
        (
            "registerForEvent",
            REGISTER,
            resident_token,
            {"id": encode_id("Event", MISSING)},
            {"id": encode_id("Event", MISSING + 1)},
        ),
        (
            "cancelEventRegistration of someone else's seat",
            CANCEL,
            resident_token,
            {"id": encode_id("EventRegistration", seat.id)},
            {"id": encode_id("EventRegistration", MISSING)},
        ),
        (
            "checkInAttendee with another group's code",
            CHECK_IN,
            other_host_token,
            {"code": code},
            {"code": "ZZZZZZ" if code != "ZZZZZZ" else "YYYYYY"},
        ),
    ]
    before = await _state()
    answers = {}
    for what, document, token, unreadable, missing in walk:
        seen = await gql(document, unreadable, token)
        absent = await gql(document, missing, token)
        text = json.dumps(seen, ensure_ascii=False)
        for secret in (SECRET_TITLE, SECRET_BODY, SECRET_AUTHOR, SECRET_ENTRY, code):
            assert secret not in text, (what, seen)
        assert "errors" not in seen, (what, seen)
        assert seen == absent, what  # the same answer, word for word: no oracle
        answers[what] = next(iter(seen["data"].values()))["__typename"]
    assert set(answers.values()) <= {"NotFound", "InvalidInput"}, answers
    assert answers["proposeEntry with another member's pending photo"] == "InvalidInput"
    assert await _state() == before
    assert await PostLike.filter(post_id=hidden.id, member_id=resident.id).exists()
    print(f"mutations walked against unreadable objects: {len(walk)}")


async def test_a_vote_for_an_entry_whose_photo_was_hidden_counts_without_showing_the_photo(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    c = collaborators
    host = await make_member(roles=(Role.RESIDENT, Role.HOST))
    author = await veteran(c)
    hidden = await _post(author, await make_group(host), PostStatus.HIDDEN, PostKind.PHOTO)
    campaign, (entry,) = await voting_campaign(c, entries=1, kind=CampaignKind.PHOTO)
    await CampaignEntry.filter(id=entry.id).update(post_id=hidden.id, proposer_id=author.id)
    voter = await veteran(c)
    body = await gql(VOTE, {"id": encode_id("CampaignEntry", entry.id)}, await token_for(c, voter))
    answer = body["data"]["castVote"]
    assert answer["__typename"] == "CastVoteSuccess"
    assert answer["entry"]["post"] is None
    assert SECRET_BODY not in json.dumps(body, ensure_ascii=False)
    assert (await CampaignEntry.get(id=entry.id)).vote_count == 1
    assert await Vote.filter(entry_id=entry.id, member_id=voter.id).exists()
    # The author still sees their own photo on the entry.
    mine = await gql(
        "query($id: ID!) { node(id: $id) { ... on CampaignEntry { post { id title } } } }",
        {"id": encode_id("CampaignEntry", entry.id)},
        await token_for(c, author),
    )
    assert mine["data"]["node"]["post"] == {
        "id": encode_id("Post", hidden.id),
        "title": SECRET_TITLE,
    }
    assert campaign.id == entry.campaign_id
