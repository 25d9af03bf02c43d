"""Demo interest groups: the eight groups the demo hosts run, with neighbours in them."""

from __future__ import annotations

import random

from demo.residents import DEMO_GROUP_HOSTS, DEMO_RESIDENT_PHONE
from domain.columns import column
from domain.groups.models import (
    GroupHost,
    GroupJoinRequest,
    GroupMembership,
    InterestGroup,
    JoinRequestStatus,
)
from domain.identity.models import Member, Role

# group name → (slug, description)
GROUP_TEXTS: dict[str, tuple[str, str]] = {
    "阳台种菜": ("balcony-garden", "小阳台也能种出一季番茄：育苗、施肥、防虫，经验都在这里。"),
    "亲子烘焙": ("kids-baking", "周末和孩子一起揉面团，分享零失败的亲子烘焙方子。"),
    "手冲咖啡": ("pour-over", "隅田川咖啡师阿哲带大家认识产区、研磨和萃取。"),
    "宠物友好": ("pet-friendly", "遛狗路线、靠谱的宠物医院、寄养互助，铲屎官们的小组。"),
    "晨跑俱乐部": ("morning-run", "每周二、四、六早上六点半，小区东门集合。"),
    "周末露营": ("weekend-camping", "近郊营地测评、装备借用和拼车出发。"),
    "邻里读书会": ("book-club", "每月共读一本书，月底在社区活动室聊聊。"),
    "家常菜研究所": ("home-cooking", "王叔掌勺，家常菜的火候和调味一点点教给你。"),
}

PRIVATE_GROUP = 2  # 手冲咖啡: the brand's barista hosts it; 小王 is one of its members


async def seed_groups_demo(seed: int = 20261121) -> dict[str, int]:
    rng = random.Random(seed)  # noqa: S311 -- demo data, not security
    hosts = {m.display_name: m for m in await Member.all() if m.has_role(Role.HOST)}
    groups = []
    for name, host_name in DEMO_GROUP_HOSTS:
        slug, text = GROUP_TEXTS[name]
        groups.append(
            await InterestGroup.create(
                name=name,
                slug=slug,
                description=text,
                host=hosts[host_name],
                created_at=hosts[host_name].created_at,
            )
        )
    # Each group's lead host holds its seat in GroupHost: hosting is read from there.
    await GroupHost.bulk_create(
        [GroupHost(group=g, member_id=g.host_id, appointed_at=g.created_at) for g in groups]
    )
    residents = await Member.all().order_by("id")
    links = [GroupMembership(group=g, member=g.host, joined_at=g.created_at) for g in groups]
    for member in residents:
        chosen = rng.sample(groups, rng.choice((0, 0, 1, 1, 2, 3)))
        if member.phone == DEMO_RESIDENT_PHONE:
            chosen = [groups[2], groups[1]]  # 小王: pour-over coffee and kids' baking
        links += [
            GroupMembership(group=g, member=member, joined_at=member.created_at)
            for g in chosen
            if g.host_id != member.id
        ]
    await GroupMembership.bulk_create(links, batch_size=200)
    for group in groups:
        count = await GroupMembership.filter(group=group).count()
        await InterestGroup.filter(id=group.id).update(member_count=count)
    asked = await _make_private(groups[PRIVATE_GROUP], residents)
    return {"groups": len(groups), "memberships": len(links), "join_requests": asked}


async def _make_private(group: InterestGroup, residents: list[Member]) -> int:
    """The brand's inner circle (铁杆粉丝群): the group turns private, its members stay, and one
    neighbour outside it waits for the host's answer."""
    await InterestGroup.filter(id=group.id).update(private=True)
    inside = set(await column(GroupMembership.filter(group_id=group.id), "member_id"))
    outside = [m for m in residents if m.id not in inside and m.phone != DEMO_RESIDENT_PHONE]
    if not outside:
        return 0
    await GroupJoinRequest.create(
        group_id=group.id,
        member_id=outside[0].id,
        message="喝了三年隅田川，想和大家一起学手冲。",
        status=JoinRequestStatus.PENDING,
        requested_at=outside[0].created_at,
    )
    return 1
