"""Search in the bench: the index built over every post with ``linli reindex`` (its rows/s is the
index build figure), the plan of each query shape (it must read the GIN index, not the table),
and random post numbers for the rare-word shape."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

from tortoise import Tortoise

ROOT = Path(__file__).resolve().parent.parent
# The shapes measured (bench/run.py names them): a common dish (one post in ten holds it), two
# words with a kind filter, and a word found in one post (the post's number in its body).
SHAPES = {
    "search_common": ("番茄炒蛋", None),
    "search_two_words_kind": ("阳台 种菜", "RECIPE"),
    "search_rare": ("123457", None),
}


def build_index(database_url: str, redis_url: str) -> None:
    """``linli reindex`` on the bench database; it prints the posts indexed and the rate."""
    env = os.environ | {
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "LOG_LEVEL": "WARNING",
    }
    subprocess.run(
        [sys.executable, "-c", "import sys, cli; sys.exit(cli.main(['reindex']))"],
        cwd=ROOT,
        env=env,
        check=True,
    )


async def explain_shapes(database_url: str) -> list[str]:
    """EXPLAIN of each shape's statement; a plan without the GIN index is reported."""
    from domain.posts.models import PostKind
    from domain.search.backends import PostgresIndex, SearchRequest
    from domain.search.segment import query_words
    from settings import maintenance_limits, tortoise_config

    await Tortoise.init(config=tortoise_config(database_url, maintenance_limits()))
    lines = []
    try:
        conn = Tortoise.get_connection("default")
        for name, (query, kind) in SHAPES.items():
            request = SearchRequest(
                query_words(query), None, PostKind(kind) if kind else None, None, None, 20
            )
            sql, params = PostgresIndex().statement(request)
            plan = await conn.execute_query_dict(f"EXPLAIN {sql}", params)
            text = "\n".join(str(row["QUERY PLAN"]) for row in plan)
            uses_index = "search_document_words_gin" in text
            lines.append(f"{name}: {'GIN index scan' if uses_index else 'NO INDEX SCAN'}")
            lines.append(text)
    finally:
        await Tortoise.close_connections()
    return lines


def rare_numbers(posts: int, seed: int, data: Path) -> None:
    """Post numbers for the rare-word shape (each in one post's body)."""
    rng = random.Random(seed)
    numbers = [str(rng.randint(1, posts)) for _ in range(200)]
    (data / "search_numbers.txt").write_text("\n".join(numbers) + "\n")
