"""Who may run the catalogue and tag which post."""

from __future__ import annotations

from domain.identity.models import Member, Role
from domain.identity.policies import require_role
from domain.posts.models import Post, PostStatus

# The author may change a post's products while it is waiting or published; a rejected or hidden
# post is closed to its author.
TAGGABLE = (PostStatus.PENDING, PostStatus.PUBLISHED)


def require_catalogue_admin(actor: Member) -> None:
    """The catalogue is the brand's: admins only."""
    require_role(actor, Role.ADMIN)


def may_see_inactive_products(actor: Member) -> bool:
    """Deactivated products are the back office's: the picker offers only active ones."""
    return actor.has_role(Role.ADMIN)


def may_tag_post(actor: Member, post: Post) -> bool:
    return post.author_id == actor.id and post.status in TAGGABLE
