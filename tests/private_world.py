"""A private group with a host, a member who posted and commented in it, and outsiders: what the
private groups' tests read from."""

from __future__ import annotations

from dataclasses import dataclass

from domain.collaborators import Collaborators
from domain.groups import private
from domain.groups.models import InterestGroup
from domain.identity.models import Member, Role
from domain.posts import services
from domain.posts.models import Comment, Post
from tests.domain.search_helpers import publish
from tests.portal.test_posts_pages import make_group, veteran

SECRET = "铁杆秘密配方"  # in the private post's title and body: what must never show to outsiders
OPEN = "公开阳台日记"  # a public post beside it, shown to everyone


@dataclass
class PrivateWorld:
    host: Member
    member: Member
    outsider: Member
    group: InterestGroup
    post: Post
    public_post: Post
    comment: Comment


async def private_world(c: Collaborators) -> PrivateWorld:
    host = await veteran(c, roles=(Role.RESIDENT, Role.HOST), display_name="粉丝团长")
    member = await veteran(c, display_name="铁杆小王")
    outsider = await veteran(c, display_name="路人小李")
    group = await make_group(c, host, "铁杆粉丝群")
    await InterestGroup.filter(id=group.id).update(private=True)
    await private.invite_member(c, host, group.id, host.id)
    await private.invite_member(c, host, group.id, member.id)
    post = await publish(c, member, f"{SECRET}分享", f"只给铁杆看的{SECRET}", group=group)
    public_post = await publish(c, member, OPEN, "阳台上的番茄红了")
    comment = await services.add_comment(c, member, post.id, "内部留言：下周见面会")
    return PrivateWorld(
        host=host,
        member=member,
        outsider=outsider,
        group=await InterestGroup.get(id=group.id),
        post=post,
        public_post=public_post,
        comment=comment,
    )
