"""What the due jobs purge, each at its own edge (a row just inside its window stays, one just
outside goes): idempotency keys after a day, uploads nothing used after a day (with their
files), staff reads of personal data after a year."""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.collaborators import Collaborators
from domain.columns import column
from domain.identity.models import Member, Role
from domain.jobs import run_due_jobs
from domain.media.models import Image
from domain.posts.models import PostImage
from domain.privacy.access_log import ACCESS_RETENTION, record_reads
from domain.privacy.record_models import AccessKind, PersonalDataAccess
from domain.products.models import Product
from domain.rewards.models import IdempotencyRecord, Reward
from domain.rewards.services import IDEMPOTENCY_RETENTION
from tests.api.test_posts_api import make_post
from tests.domain.points_helpers import make_reward
from tests.factories import make_image, make_member

SECOND = timedelta(seconds=1)


async def _upload(c: Collaborators, owner: Member, at: datetime) -> Image:
    image = await make_image(owner)
    image.created_at = at
    await image.save(update_fields=["created_at"])
    await c.images.save(image.storage_key, b"\x89PNG...", "image/png")
    return image


async def test_idempotency_keys_are_kept_a_day(collaborators: Collaborators) -> None:
    c = collaborators
    member, now = await make_member(), c.clock.now()
    for key, age in (
        ("inside", IDEMPOTENCY_RETENTION - SECOND),
        ("outside", IDEMPOTENCY_RETENTION + SECOND),
    ):
        await IdempotencyRecord.create(
            key=key, member=member, operation="redeem", request_hash="h", created_at=now - age
        )
    done = await run_due_jobs(c, now)
    assert done["idempotency_purged"] == 1
    assert await column(IdempotencyRecord.all(), "key") == ["inside"]


async def test_uploads_nothing_used_go_after_a_day_with_their_files(
    collaborators: Collaborators,
) -> None:
    c = collaborators
    owner, now = await make_member(), c.clock.now()
    day = timedelta(hours=24)
    old, young = now - day - SECOND, now - day + SECOND
    unused = await _upload(c, owner, old)
    recent = await _upload(c, owner, young)
    in_post = await _upload(c, owner, old)
    post = await make_post(c, owner, "阳台的番茄")
    await PostImage.create(post=post, image=in_post, position=0)
    as_avatar = await _upload(c, owner, old)
    owner.avatar_url = c.images.url(as_avatar.storage_key)
    await owner.save(update_fields=["avatar_url"])
    as_reward = await _upload(c, owner, old)
    reward = await make_reward(c, cost=1)
    await Reward.filter(id=reward.id).update(image_url=c.images.url(as_reward.storage_key))
    of_product = await _upload(c, owner, old)
    await Product.create(
        sku="BEAN-200",
        name="咖啡豆 200g",
        price_fen=6800,
        image=of_product,
        created_at=now,
        updated_at=now,
    )

    done = await run_due_jobs(c, now)

    assert done["uploads_purged"] == 1
    left = set(await column(Image.all(), "id"))
    assert left == {recent.id, in_post.id, as_avatar.id, as_reward.id, of_product.id}
    assert not (c.settings.media_root / unused.storage_key).exists()
    assert (c.settings.media_root / recent.storage_key).exists()


async def test_staff_reads_are_kept_a_year(collaborators: Collaborators) -> None:
    c = collaborators
    boss, member, now = await make_member(roles=(Role.ADMIN,)), await make_member(), c.clock.now()
    await record_reads(boss, [member.id], AccessKind.MEMBER_PAGE, now - ACCESS_RETENTION - SECOND)
    await record_reads(boss, [member.id], AccessKind.CSV_EXPORT, now - ACCESS_RETENTION + SECOND)
    done = await run_due_jobs(c, now)
    assert done["data_reads_purged"] == 1
    assert await column(PersonalDataAccess.all(), "kind") == [AccessKind.CSV_EXPORT]
