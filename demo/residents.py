"""Chinese demo data for a first run: three estates, interest tags and ~300 residents.

Everything is drawn from one seeded generator, so the same seed gives the same phones, names,
invite codes and join dates (relative to the clock) on every install, and the README's logins
always work. Groups, posts and purchases are seeded by later modules on top of these members.
"""

from __future__ import annotations

import asyncio
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from demo import names as words
from domain.clock import Clock
from domain.identity.models import Estate, InterestTag, Member, MemberInterestTag, Role
from domain.identity.passwords import hash_password
from domain.identity.rules import INVITE_ALPHABET, INVITE_CODE_LENGTH
from settings import Settings

# The three logins the README prints; published on purpose, so not secrets.
DEMO_ADMIN_PHONE = "13800000001"
DEMO_ADMIN_NAME = "运营小林"
DEMO_ADMIN_PASSWORD = "linli-admin-2026"  # noqa: S105
DEMO_MODERATOR_PHONE = "13800000002"
DEMO_MODERATOR_NAME = "审核员阿敏"
DEMO_MODERATOR_PASSWORD = "linli-mod-2026"  # noqa: S105
DEMO_RESIDENT_PHONE = "13800000003"
DEMO_RESIDENT_NAME = "邻居小王"
DEMO_RESIDENT_PASSWORD = "linli-demo-2026"  # noqa: S105
_LOGINS = (
    ("运营", DEMO_ADMIN_NAME, DEMO_ADMIN_PHONE, DEMO_ADMIN_PASSWORD),
    ("审核", DEMO_MODERATOR_NAME, DEMO_MODERATOR_PHONE, DEMO_MODERATOR_PASSWORD),
    ("居民", DEMO_RESIDENT_NAME, DEMO_RESIDENT_PHONE, DEMO_RESIDENT_PASSWORD),
)
# Fixed so the demo resident's feed and recommendations tell the same story on every install.
DEMO_RESIDENT_TAGS = ("手冲爱好者", "亲子家庭")

# (interest group, its host's display name). The groups module creates the groups and finds
# each host by this display name, which the seeder keeps unique.
DEMO_GROUP_HOSTS: tuple[tuple[str, str], ...] = (
    ("阳台种菜", "阳台菜园陈姐"),
    ("亲子烘焙", "烘焙妈妈Amy"),
    ("手冲咖啡", "隅田川咖啡师阿哲"),
    ("宠物友好", "豆豆的铲屎官"),
    ("晨跑俱乐部", "晨跑老周"),
    ("周末露营", "露营达人Kevin"),
    ("邻里读书会", "读书的林老师"),
    ("家常菜研究所", "掌勺的王叔"),
)

HISTORY_DAYS = 548  # 18 months of sign-ups
ACTIVE_DAYS = 30  # what the dashboard's monthly active members counts
# Of the members who joined more than a month ago, the share who opened the app in the last
# month: about a fifth of the community is active in a month, as in a real estate's group.
RETURNING_SHARE = 0.13
# Of the others, the share who signed up for a coupon and never came back.
ONE_VISIT_SHARE = 0.15
REFERRAL_SHARE = 0.10
# Hosts run the groups and the pickup points, so they bring in more neighbours than most.
HOST_REFERRER_SHARE = 0.30
# Consent recorded under the policy version a fresh install shows.
CONSENT_VERSION = Settings.privacy_policy_version

# Positions in join order: staff joined first, then the hosts who started the groups.
_ADMIN, _MODERATOR, _FIRST_HOST = 0, 1, 2
_FIRST_RESIDENT = _FIRST_HOST + len(DEMO_GROUP_HOSTS)
_MIN_MEMBERS = _FIRST_RESIDENT + 1
# Rows per INSERT: stays under SQLite's bound-parameter limit whatever its build.
_BATCH = 50
_MAX_DRAWS = 1000


@dataclass
class DemoSummary:
    estates: int
    tags: int
    members: int
    hosts: int

    def lines(self) -> list[str]:
        counts = (
            f"演示数据已生成：{self.estates} 个小区，{self.tags} 个兴趣标签，"
            f"{self.members} 位居民（含 {self.hosts} 位主理人）"
        )
        logins = [
            f"{role}账号（{name}）：{phone} / {password}" for role, name, phone, password in _LOGINS
        ]
        others = f"其他演示居民的密码均为 {DEMO_RESIDENT_PASSWORD}"
        return [counts, *logins, others]


@dataclass
class _Plan:
    """One member to insert; estate, tags and referrer are list positions until rows exist."""

    phone: str
    display_name: str
    password_hash: str
    invite_code: str
    estate: int
    created_at: datetime
    last_seen_at: datetime
    roles: list[str] = field(default_factory=lambda: [Role.RESIDENT.value])
    tags: list[int] = field(default_factory=list)
    referrer: int | None = None


class _Draws:
    """The seeded generator and what it has handed out, so phones, names and codes are unique."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)  # noqa: S311 -- demo data, not security
        self._phones = {DEMO_ADMIN_PHONE, DEMO_MODERATOR_PHONE, DEMO_RESIDENT_PHONE}
        fixed_names = [DEMO_ADMIN_NAME, DEMO_MODERATOR_NAME, DEMO_RESIDENT_NAME]
        self._names = set(fixed_names) | {host for _, host in DEMO_GROUP_HOSTS}
        self._codes: set[str] = set()

    def phone(self) -> str:
        return _unique(self._phones, lambda: words.random_phone(self.rng))

    def display_name(self) -> str:
        return _unique(self._names, lambda: words.random_display_name(self.rng))

    def invite_code(self) -> str:
        # The alphabet and length registration uses, drawn from the seed so codes are repeatable.
        return _unique(
            self._codes, lambda: "".join(self.rng.choices(INVITE_ALPHABET, k=INVITE_CODE_LENGTH))
        )


def _unique(taken: set[str], draw: Callable[[], str]) -> str:
    for _ in range(_MAX_DRAWS):
        value = draw()
        if value not in taken:
            taken.add(value)
            return value
    raise RuntimeError("demo word lists exhausted; seed fewer members")


async def _hash_demo_passwords() -> dict[str, str]:
    """Password → hash: one argon2 hash (50–150 ms) per distinct password, not one per member."""
    passwords = [DEMO_ADMIN_PASSWORD, DEMO_MODERATOR_PASSWORD, DEMO_RESIDENT_PASSWORD]
    hashes = await asyncio.gather(*(hash_password(password) for password in passwords))
    return dict(zip(passwords, hashes, strict=True))


def _join_times(rng: random.Random, now: datetime, count: int) -> list[datetime]:
    """Sign-ups over the last 18 months, denser lately: the community is growing."""
    span = timedelta(days=HISTORY_DAYS)
    return sorted(now - span + span * (rng.random() ** 0.6) for _ in range(count))


def _last_seen(rng: random.Random, joined: datetime, now: datetime) -> datetime:
    """When the resident last opened the app: a month's newcomers and a returning few lately;
    the rest drifted away at some point since they joined, most not long ago, a long tail of
    them long before, and some after their first visit."""
    month_ago = now - timedelta(days=ACTIVE_DAYS)
    if joined >= month_ago or rng.random() < RETURNING_SHARE:
        since = max(joined, month_ago)
        return now - (now - since) * math.pow(rng.random(), 2)
    if rng.random() < ONE_VISIT_SHARE:
        return joined + timedelta(hours=rng.uniform(0.2, 48))
    return month_ago - (month_ago - joined) * math.pow(rng.random(), 0.7)


def _resident(draws: _Draws, joined: datetime, now: datetime, password_hash: str) -> _Plan:
    return _Plan(
        phone=draws.phone(),
        display_name=draws.display_name(),
        password_hash=password_hash,
        invite_code=draws.invite_code(),
        estate=words.random_estate_index(draws.rng),
        created_at=joined,
        last_seen_at=_last_seen(draws.rng, joined, now),
        tags=words.random_tag_indices(draws.rng),
    )


def _assign_fixed_accounts(
    draws: _Draws, now: datetime, plans: list[_Plan], hashes: dict[str, str]
) -> None:
    staff = (
        (_ADMIN, DEMO_ADMIN_PHONE, DEMO_ADMIN_NAME, Role.ADMIN, DEMO_ADMIN_PASSWORD),
        (
            _MODERATOR,
            DEMO_MODERATOR_PHONE,
            DEMO_MODERATOR_NAME,
            Role.MODERATOR,
            DEMO_MODERATOR_PASSWORD,
        ),
    )
    for index, phone, name, role, password in staff:
        plans[index].phone, plans[index].display_name = phone, name
        plans[index].password_hash = hashes[password]
        plans[index].roles = [Role.RESIDENT.value, role.value]
    for offset, (_, host_name) in enumerate(DEMO_GROUP_HOSTS):
        plans[_FIRST_HOST + offset].display_name = host_name
        plans[_FIRST_HOST + offset].roles = [Role.RESIDENT.value, Role.HOST.value]
    # A third of the way in: old enough to vote and to have history, not a founding member.
    resident = plans[max(_FIRST_RESIDENT, len(plans) // 3)]
    resident.phone, resident.display_name = DEMO_RESIDENT_PHONE, DEMO_RESIDENT_NAME
    tag_names = [name for name, _ in words.INTEREST_TAGS]
    resident.tags = [tag_names.index(name) for name in DEMO_RESIDENT_TAGS]
    # Staff, hosts and the README's resident use the app every day.
    for plan in [*plans[:_FIRST_RESIDENT], resident]:
        plan.last_seen_at = now - timedelta(minutes=draws.rng.randint(5, 300))


def _add_referrals(rng: random.Random, plans: list[_Plan]) -> None:
    """About one resident in ten joined by an earlier neighbour's invite code."""
    hosts = range(_FIRST_HOST, _FIRST_RESIDENT)
    for index in range(_FIRST_RESIDENT, len(plans)):
        plan = plans[index]
        if plan.phone == DEMO_RESIDENT_PHONE or rng.random() >= REFERRAL_SHARE:
            continue
        from_host = rng.random() < HOST_REFERRER_SHARE
        plan.referrer = rng.choice(hosts) if from_host else rng.randrange(_FIRST_HOST, index)
        # Invitations travel between neighbours, so the invitee lives on the inviter's estate.
        plan.estate = plans[plan.referrer].estate


def _plan_members(draws: _Draws, now: datetime, count: int, hashes: dict[str, str]) -> list[_Plan]:
    times = _join_times(draws.rng, now, count)
    plans = [_resident(draws, joined, now, hashes[DEMO_RESIDENT_PASSWORD]) for joined in times]
    _assign_fixed_accounts(draws, now, plans, hashes)
    _add_referrals(draws.rng, plans)
    return plans


async def _create_estates(created_at: datetime) -> list[int]:
    rows = [
        Estate(name=name, city=words.CITY, district=district, created_at=created_at)
        for name, district, _ in words.ESTATES
    ]
    await Estate.bulk_create(rows)
    ids = dict(await Estate.filter(name__in=[row.name for row in rows]).values_list("name", "id"))
    return [ids[row.name] for row in rows]


async def _create_tags(created_at: datetime) -> list[int]:
    rows = [InterestTag(name=name, created_at=created_at) for name, _ in words.INTEREST_TAGS]
    await InterestTag.bulk_create(rows)
    names = [row.name for row in rows]
    ids = dict(await InterestTag.filter(name__in=names).values_list("name", "id"))
    return [ids[name] for name in names]


def _member_row(plan: _Plan, estate_ids: list[int]) -> Member:
    # created_at is the plan's: members of the demo joined over the past months.
    return Member(
        phone=plan.phone,
        password_hash=plan.password_hash,
        display_name=plan.display_name,
        estate_id=estate_ids[plan.estate],
        roles=plan.roles,
        invite_code=plan.invite_code,
        consent_version=CONSENT_VERSION,
        consented_at=plan.created_at,
        created_at=plan.created_at,
        last_seen_at=plan.last_seen_at,
    )


async def _create_members(plans: list[_Plan], estate_ids: list[int]) -> list[int]:
    rows = [_member_row(plan, estate_ids) for plan in plans]
    await Member.bulk_create(rows, batch_size=_BATCH)
    # bulk_create leaves integer keys unset, so read them back by the unique phone.
    phones = [plan.phone for plan in plans]
    ids = dict(await Member.filter(phone__in=phones).values_list("phone", "id"))
    return [ids[phone] for phone in phones]


async def _link_referrals(plans: list[_Plan], member_ids: list[int]) -> None:
    # A second pass because an invitee's row needs its inviter's id, known only after insert.
    for index, plan in enumerate(plans):
        if plan.referrer is not None:
            await Member.filter(id=member_ids[index]).update(
                referred_by_id=member_ids[plan.referrer]
            )


async def _link_tags(plans: list[_Plan], member_ids: list[int], tag_ids: list[int]) -> None:
    # Tags picked at sign-up, by the member themself (added_by is for hosts tagging others).
    links = [
        MemberInterestTag(
            member_id=member_ids[index],
            tag_id=tag_ids[tag],
            added_by_id=None,
            created_at=plan.created_at,
        )
        for index, plan in enumerate(plans)
        for tag in plan.tags
    ]
    await MemberInterestTag.bulk_create(links, batch_size=_BATCH)


async def seed_demo(clock: Clock, *, members: int = 300, seed: int = 20261121) -> DemoSummary:
    """Fill an empty database with the demo neighbourhood; the same seed gives the same people."""
    if members < _MIN_MEMBERS:
        raise ValueError(f"the demo needs at least {_MIN_MEMBERS} members")
    now = clock.now()
    hashes = await _hash_demo_passwords()  # before the transaction, so no lock waits on argon2
    plans = _plan_members(_Draws(seed), now, members, hashes)
    opened = now - timedelta(days=HISTORY_DAYS + 30)  # estates and tags predate every member
    async with in_transaction():
        estate_ids = await _create_estates(opened)
        tag_ids = await _create_tags(opened)
        member_ids = await _create_members(plans, estate_ids)
        await _link_referrals(plans, member_ids)
        await _link_tags(plans, member_ids, tag_ids)
    hosts = sum(Role.HOST.value in plan.roles for plan in plans)
    return DemoSummary(estates=len(estate_ids), tags=len(tag_ids), members=len(plans), hosts=hosts)


async def database_is_empty() -> bool:
    """True before the first member exists: the signal to offer or run the demo seed."""
    return not await Member.all().exists()
