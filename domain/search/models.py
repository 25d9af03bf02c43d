"""The search index: each post's words, segmented (``domain/search/segment.py``). Who may read a
post, its status, group, kind and dates are read from the post itself at search time, so a
hidden or deleted post leaves the results at once, whatever the index holds.

The database indexes these words in its own way (migration 0016): PostgreSQL a ``tsvector``
column with a GIN index, SQLite an FTS5 table kept in step by triggers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from domain.posts.models import Post


class SearchDocument(Model):
    id = fields.IntField(primary_key=True)
    post: fields.OneToOneRelation[Post] = fields.OneToOneField(
        "linli.Post", related_name="search_document", on_delete=fields.CASCADE
    )
    title_words = fields.TextField()
    body_words = fields.TextField()  # body, recipe ingredients and steps, the group's name
    indexed_at = fields.DatetimeField()

    post_id: int

    class Meta:
        table = "search_document"
