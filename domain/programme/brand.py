"""The brand: the programme's name, logo and about page, as versions (``BrandProfile``).

The current brand is read on every portal page, so it is kept in Redis and dropped after a
change commits; a worker may show the previous name for the moment between the commit and the
drop, which is harmless for a brand name."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from domain.audit import record_change, snapshot
from domain.collaborators import Collaborators
from domain.errors import FieldError, InvalidInputError
from domain.identity.models import Member, Role
from domain.identity.policies import require_role
from domain.media.models import Image
from domain.programme.errors import VersionConflictError
from domain.programme.models import BrandProfile

DEFAULT_NAME = "邻里"  # what the programme is called until an admin names it
NAME_MAX = 40  # BrandProfile.name's column
ABOUT_MAX = 5000
CACHE_KEY = "programme:brand"
CACHE_SECONDS = 3600  # a lost invalidation heals within the hour
AUDITED = ("version", "name", "logo_url", "about")
_ATTEMPTS = 3


@dataclass(frozen=True)
class Brand:
    """The brand as pages and the API show it; ``version`` 0 means nobody has set it yet."""

    name: str = DEFAULT_NAME
    logo_url: str | None = None
    about: str = ""
    version: int = 0

    @property
    def is_set(self) -> bool:
        return self.version > 0

    @classmethod
    def from_model(cls, row: BrandProfile) -> Brand:
        return cls(name=row.name, logo_url=row.logo_url, about=row.about, version=row.version)


async def latest_version() -> BrandProfile | None:
    return await BrandProfile.all().order_by("-version").first()


async def current_brand(c: Collaborators) -> Brand:
    """The newest version, from Redis when kept there (one SQL statement otherwise)."""
    kept = await c.redis.get(CACHE_KEY)
    if kept:
        return Brand(**json.loads(kept))
    row = await latest_version()
    brand = Brand.from_model(row) if row else Brand()
    await c.redis.set(CACHE_KEY, json.dumps(asdict(brand)), ex=CACHE_SECONDS)
    return brand


async def forget_current_brand(c: Collaborators) -> None:
    """Called after a change commits, so the next page reads the new version."""
    await c.redis.delete(CACHE_KEY)


def brand_field_errors(name: str, about: str = "") -> list[FieldError]:
    errors = []
    if not name:
        errors.append(FieldError("name", "请填写品牌名称"))
    elif len(name) > NAME_MAX:
        errors.append(FieldError("name", f"品牌名称最多{NAME_MAX}个字"))
    if len(about) > ABOUT_MAX:
        errors.append(FieldError("about", f"关于页面最多{ABOUT_MAX}个字"))
    return errors


async def _logo_url(c: Collaborators, actor: Member, image_id: int) -> str:
    """Only an image the admin uploaded (stored re-encoded, metadata stripped) may be the logo."""
    image = await Image.get_or_none(id=image_id, owner_id=actor.id)
    if image is None:
        raise InvalidInputError.single("logoImageId", "请先上传图片作为标志")
    return c.images.url(image.storage_key)


async def write_version(
    c: Collaborators,
    actor: Member,
    previous: BrandProfile | None,
    values: dict[str, Any],
) -> BrandProfile:
    """The version after ``previous`` (read in the caller's transaction) and its audit entry.
    Two concurrent writers pick the same number and the unique index refuses the second
    (IntegrityError): the version is decided by the database, not by who read first."""
    row = await BrandProfile.create(
        version=(previous.version if previous else 0) + 1,
        name=values["name"],
        about=values.get("about", ""),
        logo_url=values.get("logo_url"),
        created_by_id=actor.id,
        created_at=c.clock.now(),
    )
    await record_change(
        actor_id=actor.id,
        action="BRAND_UPDATED",
        target_type="BRAND",
        target_id=row.id,
        now=c.clock.now(),
        before=snapshot(previous, AUDITED) if previous else {},
        after=snapshot(row, AUDITED),
    )
    return row


async def update_brand(
    c: Collaborators,
    actor: Member,
    name: str,
    about: str | None,
    logo_image_id: int | None = None,
    *,
    remove_logo: bool = False,
) -> BrandProfile:
    """Write the brand's next version (admins only). ``about`` None keeps the about text; the
    logo stays as it is unless a newly uploaded image is given, or ``remove_logo``."""
    require_role(actor, Role.ADMIN)
    name = " ".join(name.split())
    about = about.strip().replace("\r\n", "\n") if about is not None else None
    if errors := brand_field_errors(name, about or ""):
        raise InvalidInputError(errors, "; ".join(e.message for e in errors))
    new_logo = await _logo_url(c, actor, logo_image_id) if logo_image_id is not None else None
    for _ in range(_ATTEMPTS):
        try:
            async with in_transaction():
                previous = await latest_version()
                kept = None if remove_logo else (previous.logo_url if previous else None)
                text = about if about is not None else (previous.about if previous else "")
                values = {"name": name, "about": text, "logo_url": new_logo or kept}
                row = await write_version(c, actor, previous, values)
        except IntegrityError:
            continue  # another admin took this version number: read again and retry
        await forget_current_brand(c)
        return row
    raise VersionConflictError()


async def brand_history(limit: int = 20) -> list[BrandProfile]:
    """The newest versions first, with who made each."""
    rows: list[Any] = (
        await BrandProfile.all().order_by("-version").limit(limit).prefetch_related("created_by")
    )
    return rows
