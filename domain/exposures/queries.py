"""What the exposures say: how many members saw a post."""

from __future__ import annotations

from domain.columns import column
from domain.exposures.models import PostExposure, PostExposureDay


async def viewers(post_id: int) -> int:
    """Member-days that saw the post: raw days still kept plus the compacted days' counts (a
    member who saw it on two days counts twice)."""
    raw = await PostExposure.filter(post_id=post_id).count()
    kept = await column(PostExposureDay.filter(post_id=post_id), "viewers")
    return raw + sum(int(count) for count in kept)
