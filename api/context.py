"""The per-request GraphQL context: collaborators, the signed-in member, per-request loaders."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from starlette.requests import HTTPConnection
from strawberry.dataloader import DataLoader

from domain.collaborators import Collaborators
from domain.errors import RateLimitedError
from domain.groups.queries import hosts_by_group_id
from domain.identity import queries
from domain.identity.models import AuthToken, Estate, InterestTag, Member, PickupPoint
from domain.media.models import Image
from domain.posts.queries import Recipe, images_by_post, recipes_by_post
from domain.products.models import Product
from domain.products.queries import products_by_post

V = TypeVar("V")


def _loader_of(
    fetch: Callable[[list[int]], Awaitable[Mapping[int, V]]],
) -> DataLoader[int, V | None]:
    async def load(keys: list[int]) -> list[V | None]:
        found = await fetch(list(keys))
        return [found.get(key) for key in keys]

    return DataLoader(load_fn=load)


@dataclass
class Loaders:
    estate: DataLoader[int, Estate | None] = field(
        default_factory=lambda: _loader_of(queries.estates_by_id)
    )
    interest_tags: DataLoader[int, list[InterestTag] | None] = field(
        default_factory=lambda: _loader_of(queries.interest_tags_by_member_id)
    )
    group_hosts: DataLoader[int, list[Member] | None] = field(
        default_factory=lambda: _loader_of(hosts_by_group_id)
    )
    # By estate id: every pickup point of the estate, archived ones too (resolvers filter).
    pickup_points: DataLoader[int, list[PickupPoint] | None] = field(
        default_factory=lambda: _loader_of(queries.pickup_points_by_estate_id)
    )
    # By post id: the post's images in order, and its recipe part (posts without one: None).
    post_images: DataLoader[int, list[Image] | None] = field(
        default_factory=lambda: _loader_of(images_by_post)
    )
    post_recipes: DataLoader[int, Recipe | None] = field(
        default_factory=lambda: _loader_of(recipes_by_post)
    )
    # By post id: the post's tagged products in order, with their images.
    post_products: DataLoader[int, list[Product] | None] = field(
        default_factory=lambda: _loader_of(products_by_post)
    )


@dataclass
class Context:
    request: HTTPConnection
    collaborators: Collaborators
    member: Member | None
    token: AuthToken | None
    client_ip: str
    # graphql-transport-ws: the connection_init payload (the access token rides in it).
    connection_params: dict[str, object] | None = None
    # What went wrong before execution (the token lookup while the database is down): the
    # request is answered with the masked error instead of running signed out.
    failure: Exception | None = None
    # The mutation the compiled path counted against the member's limit (True) or was refused
    # for (the error), when it then left the request to the general path: that path's count is
    # this one, taken once (``api/permissions.py::hit_mutation_limit``), not a second.
    counted_mutation: RateLimitedError | bool | None = None
    # The signed-in member's id when only the id was read with the token (a compiled plan that
    # needs no more): ``member`` and ``token`` are then None, and the general path reads them
    # before it runs (``api/http.py``).
    member_id_only: int | None = None
    _loaders: Loaders | None = field(default=None, repr=False)

    @property
    def viewer_id(self) -> int | None:
        """The signed-in member's id, however much of the member was read."""
        return self.member.id if self.member is not None else self.member_id_only

    @property
    def member_unread(self) -> bool:
        """Signed in, with only the member's id read."""
        return self.member_id_only is not None

    @property
    def loaders(self) -> Loaders:
        """Made at the first resolver that batches (a compiled plan's request needs none)."""
        if self._loaders is None:
            self._loaders = Loaders()
        return self._loaders

    @loaders.setter
    def loaders(self, fresh: Loaders) -> None:
        self._loaders = fresh
