"""The events operations of the contract over HTTP: the list with seats, waitlist and the viewer's
registration, registering, cancelling with promotion, and the staff's createEvent and
checkInAttendee with their refusals."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from domain.clock import FrozenClock
from domain.collaborators import Collaborators
from domain.events import services
from domain.events.models import Event, EventRegistration, RegistrationStatus
from tests.api.compiled_world import Paths
from tests.api.test_identity_api import op
from tests.api.test_points_api import ADMIN, balance_of, error_code, token_for
from tests.conftest import GraphQLClient
from tests.domain.events_helpers import make_event, make_group, make_host
from tests.factories import make_member
from tests.sqlcount import count_sql
from web.ids import encode_id


def eid(event: Event) -> str:
    return encode_id("Event", event.id)


def event_input(collaborators: Collaborators, **changes: Any) -> dict[str, Any]:
    starts = collaborators.clock.now() + timedelta(days=3)
    values: dict[str, Any] = {
        "title": "春日邻里市集",
        "description": "二手好物交换、手作摊位和咖啡快闪",
        "location": "翠湖花园中心广场",
        "startsAt": starts.isoformat(),
        "endsAt": (starts + timedelta(hours=3)).isoformat(),
        "capacity": 2,
    }
    values.update(changes)
    return values


async def test_events_list_seats_waitlist_and_the_viewers_registration(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    host = await make_host()
    group = await make_group(host)
    soon = await make_event(collaborators, group, capacity=1, starts_in=timedelta(days=1))
    later = await make_event(collaborators, None, starts_in=timedelta(days=2), title="亲子烘焙课")
    await make_event(collaborators, None, starts_in=timedelta(days=-2), title="已结束的活动")
    viewer, other = await make_member(), await make_member()
    await services.register_for_event(collaborators, other, soon.id)
    mine = await services.register_for_event(collaborators, viewer, soon.id)
    body = await gql(op("Events"), {"first": 10}, await token_for(collaborators, viewer))
    nodes = [edge["node"] for edge in body["data"]["events"]["edges"]]
    assert [n["title"] for n in nodes] == [soon.title, later.title]
    first = nodes[0]
    assert (first["capacity"], first["seatsLeft"], first["waitlistCount"]) == (1, 0, 1)
    assert first["group"] == {"id": encode_id("InterestGroup", group.id), "name": group.name}
    assert first["viewerRegistration"] == {
        "id": encode_id("EventRegistration", mine.id),
        "status": "WAITLISTED",
        "checkInCode": None,
        "waitlistPosition": 1,
    }
    seated = await gql(op("Events"), {"first": 1}, await token_for(collaborators, other))
    held = seated["data"]["events"]["edges"][0]["node"]["viewerRegistration"]
    assert held["status"] == "CONFIRMED" and held["waitlistPosition"] is None
    assert held["checkInCode"] is not None and len(held["checkInCode"]) == 6
    assert nodes[1]["group"] is None and nodes[1]["viewerRegistration"] is None
    anonymous = await gql(op("Events"), {"first": 1})
    page = anonymous["data"]["events"]
    assert page["edges"][0]["node"]["viewerRegistration"] is None
    assert page["pageInfo"]["hasNextPage"] is True
    rest = await gql(op("Events"), {"first": 5, "after": page["pageInfo"]["endCursor"]})
    assert [e["node"]["title"] for e in rest["data"]["events"]["edges"]] == [later.title]
    bad = await gql(op("Events"), {"first": 5, "after": "not-a-cursor"})
    assert error_code(bad) == "BAD_USER_INPUT"


async def test_registering_confirms_then_waitlists_and_twice_is_already_registered(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    event = await make_event(collaborators, None, capacity=1)
    first, second = await make_member(), await make_member()
    token = await token_for(collaborators, first)
    body = (await gql(op("RegisterForEvent"), {"eventId": eid(event)}, token))["data"]
    result = body["registerForEvent"]
    assert result["__typename"] == "RegisterForEventSuccess"
    assert result["registration"]["status"] == "CONFIRMED"
    assert len(result["registration"]["checkInCode"]) == 6
    assert result["event"]["seatsLeft"] == 0 and result["event"]["waitlistCount"] == 0
    again = await gql(op("RegisterForEvent"), {"eventId": eid(event)}, token)
    assert again["data"]["registerForEvent"]["code"] == "ALREADY_REGISTERED"
    waiting = await gql(
        op("RegisterForEvent"), {"eventId": eid(event)}, await token_for(collaborators, second)
    )
    result = waiting["data"]["registerForEvent"]
    assert result["registration"] == {
        "id": result["registration"]["id"],
        "status": "WAITLISTED",
        "checkInCode": None,
    }
    assert result["event"]["waitlistCount"] == 1
    missing = await gql(op("RegisterForEvent"), {"eventId": encode_id("Event", 999)}, token)
    assert missing["data"]["registerForEvent"]["code"] == "NOT_FOUND"
    wrong = await gql(op("RegisterForEvent"), {"eventId": encode_id("Reward", event.id)}, token)
    assert wrong["data"]["registerForEvent"]["code"] == "INVALID_INPUT"
    unauthenticated = await gql(op("RegisterForEvent"), {"eventId": eid(event)})
    assert error_code(unauthenticated) == "UNAUTHENTICATED"
    assert await EventRegistration.all().count() == 2


async def test_cancelling_promotes_the_waitlist_and_a_second_cancel_is_refused(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    event = await make_event(collaborators, None, capacity=1)
    first, second = await make_member(), await make_member()
    seat = await services.register_for_event(collaborators, first, event.id)
    await services.register_for_event(collaborators, second, event.id)
    token = await token_for(collaborators, first)
    variables = {"registrationId": encode_id("EventRegistration", seat.id)}
    body = await gql(op("CancelEventRegistration"), variables, token)
    result = body["data"]["cancelEventRegistration"]
    assert result["registration"]["status"] == "CANCELLED"
    assert result["event"] == {"id": eid(event), "seatsLeft": 0, "waitlistCount": 0}
    promoted = await EventRegistration.get(member_id=second.id)
    assert promoted.status == RegistrationStatus.CONFIRMED
    again = await gql(op("CancelEventRegistration"), variables, token)
    assert again["data"]["cancelEventRegistration"]["code"] == "NOT_CANCELLABLE"
    stranger = await gql(
        op("CancelEventRegistration"),
        {"registrationId": encode_id("EventRegistration", promoted.id)},
        token,
    )
    assert stranger["data"]["cancelEventRegistration"]["code"] == "NOT_FOUND"


async def test_hosts_create_events_for_their_own_groups_and_others_are_forbidden(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    host, other_host = await make_host(), await make_host("王叔")
    mine = await make_group(host)
    theirs = await make_group(other_host, "家常菜研究所", "home-cooking")
    resident = await make_member()
    host_token = await token_for(collaborators, host)
    own = event_input(collaborators, groupId=encode_id("InterestGroup", mine.id))
    body = await gql(op("CreateEvent"), {"input": own}, host_token)
    result = body["data"]["createEvent"]
    assert result["__typename"] == "CreateEventSuccess"
    assert (result["event"]["title"], result["event"]["capacity"]) == ("春日邻里市集", 2)
    other = event_input(collaborators, groupId=encode_id("InterestGroup", theirs.id))
    assert error_code(await gql(op("CreateEvent"), {"input": other}, host_token)) == "FORBIDDEN"
    no_group = event_input(collaborators)
    assert error_code(await gql(op("CreateEvent"), {"input": no_group}, host_token)) == "FORBIDDEN"
    resident_token = await token_for(collaborators, resident)
    refused = await gql(op("CreateEvent"), {"input": own}, resident_token)
    assert error_code(refused) == "FORBIDDEN"
    assert error_code(await gql(op("CreateEvent"), {"input": own})) == "UNAUTHENTICATED"
    bad = event_input(collaborators, title="x", capacity=0, groupId=encode_id("Post", 1))
    invalid = (await gql(op("CreateEvent"), {"input": bad}, host_token))["data"]["createEvent"]
    assert invalid["code"] == "INVALID_INPUT"
    assert {f["field"] for f in invalid["fieldErrors"]} == {"groupId"}
    bad = event_input(collaborators, title="x", capacity=0)
    admin_token = await token_for(collaborators, await make_member(roles=ADMIN))
    invalid = (await gql(op("CreateEvent"), {"input": bad}, admin_token))["data"]["createEvent"]
    assert {f["field"] for f in invalid["fieldErrors"]} == {"title", "capacity"}
    assert await Event.all().count() == 1


async def test_check_in_by_code_awards_once_and_refuses_strangers(
    gql: GraphQLClient, collaborators: Collaborators, clock: FrozenClock
) -> None:
    host, other_host = await make_host(), await make_host("王叔")
    event = await make_event(collaborators, await make_group(host), starts_in=timedelta(hours=1))
    member = await make_member()
    seat = await services.register_for_event(collaborators, member, event.id)
    code = seat.check_in_code or ""
    host_token = await token_for(collaborators, host)
    clock.advance(hours=-2)
    early = await gql(op("CheckInAttendee"), {"checkInCode": code}, host_token)
    assert early["data"]["checkInAttendee"]["code"] == "CHECK_IN_CLOSED"
    clock.advance(hours=2)
    resident = await gql(
        op("CheckInAttendee"), {"checkInCode": code}, await token_for(collaborators, member)
    )
    assert error_code(resident) == "FORBIDDEN"
    # Another group's host: the code answers as an unknown one.
    elsewhere = await gql(
        op("CheckInAttendee"), {"checkInCode": code}, await token_for(collaborators, other_host)
    )
    assert elsewhere["data"]["checkInAttendee"]["code"] == "NOT_FOUND"
    body = await gql(op("CheckInAttendee"), {"checkInCode": code.lower()}, host_token)
    assert body["data"]["checkInAttendee"]["registration"]["status"] == "CHECKED_IN"
    twice = await gql(op("CheckInAttendee"), {"checkInCode": code}, host_token)
    assert twice["data"]["checkInAttendee"]["code"] == "ALREADY_CHECKED_IN"
    unknown = await gql(op("CheckInAttendee"), {"checkInCode": "ZZZZZZ"}, host_token)
    assert unknown["data"]["checkInAttendee"]["code"] == "NOT_FOUND"
    assert await balance_of(member) == 20


async def test_the_events_query_sends_the_same_statements_for_one_or_twenty_events(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    hosts = [await make_host(f"主理人{n}") for n in range(3)]
    groups = [await make_group(h, f"小组{n}", f"group-{n}") for n, h in enumerate(hosts)]
    viewer, *ahead = [await make_member() for _ in range(3)]
    for n in range(20):
        event = await make_event(
            collaborators,
            None if n % 4 == 3 else groups[n % 3],
            starts_in=timedelta(days=1, hours=n),
            capacity=1 if n % 3 == 0 else 20,
        )
        for member in ahead[: 1 + n % 2] if n % 3 == 0 else []:  # a seat, maybe one waiting
            await services.register_for_event(collaborators, member, event.id)
        await services.register_for_event(collaborators, viewer, event.id)
    token = await token_for(collaborators, viewer)
    general = Paths(collaborators)
    counts = []
    for first in (1, 20):
        with count_sql() as statements:
            body = await gql(op("Events"), {"first": first}, token)
        edges = body["data"]["events"]["edges"]
        assert len(edges) == first and all(e["node"]["viewerRegistration"] for e in edges)
        with count_sql() as general_statements:
            answer = await general.post(
                general.general_app, {"query": op("Events"), "variables": {"first": first}}, token
            )
        assert answer.json() == body
        counts += [len(statements), len(general_statements)]
    print(f"Events SQL statements, compiled and general, for first=1 and first=20: {counts}")
    # the token joined to its member 1 + events joined to groups and hosts 1 + waitlist counts
    # 1 + the viewer's registrations with their waitlist positions 1 + the viewer's memberships
    # of the page's groups 1, on either path: none more for the seven events where the viewer
    # waits
    assert counts == [5, 5, 5, 5]
    mine = [e["node"]["viewerRegistration"] for e in edges]
    assert [(r["status"], r["waitlistPosition"]) for r in mine] == [
        ("WAITLISTED", 1 + n % 2) if n % 3 == 0 else ("CONFIRMED", None) for n in range(20)
    ]
