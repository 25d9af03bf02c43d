"""``python -m bench generate`` builds the dataset; ``python -m bench run`` prints the table."""

from __future__ import annotations

import argparse
import asyncio
from datetime import date

from bench.generate import today_in_shanghai

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/linli_bench"
DEFAULT_REDIS = "redis://127.0.0.1:6379/8"


def prepare_search(database_url: str, redis_url: str, scale: float, seed: int) -> None:
    """The search index over every post (its build rate printed), the rare-word shape's numbers,
    and the plan of each shape."""
    from bench.generate import Sizes
    from bench.prepare import data_dir
    from bench.search import build_index, explain_shapes, rare_numbers

    build_index(database_url, redis_url)
    rare_numbers(Sizes.of(scale).posts, seed, data_dir(database_url))
    for line in asyncio.run(explain_shapes(database_url)):
        print(line)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", help="drop, migrate and fill the bench database")
    gen.add_argument("--database-url", default=DEFAULT_DB)
    gen.add_argument("--redis-url", default=DEFAULT_REDIS)
    gen.add_argument("--scale", type=float, default=1.0, help="1 = 1,000,000 posts")
    gen.add_argument("--seed", type=int, default=1)
    gen.add_argument(
        "--anchor",
        type=date.fromisoformat,
        default=None,
        help="the day every time in the dataset precedes (default: today, Shanghai)",
    )
    gen.add_argument("--viewers", type=int, default=5000, help="access tokens to mint")
    run = sub.add_parser("run", help="serve the product and the baseline, run wrk, print a table")
    run.add_argument("--database-url", default=DEFAULT_DB)
    run.add_argument("--redis-url", default=DEFAULT_REDIS)
    run.add_argument("--duration", type=int, default=8, help="seconds per wrk run")
    run.add_argument("--connections", type=int, default=32)
    run.add_argument("--workers", type=int, default=2, help="uvicorn workers of each server")
    run.add_argument("--repeat", type=int, default=3, help="runs per server (the median counts)")
    run.add_argument("--only", nargs="*", default=None, help="workload names")
    run.add_argument("--out", default=None, help="also write the table (markdown) here")
    args = parser.parse_args()
    if args.command == "generate":
        from bench.generate import generate
        from bench.prepare import prepare

        anchor = args.anchor or today_in_shanghai()
        asyncio.run(generate(args.database_url, args.seed, args.scale, anchor))
        asyncio.run(prepare(args.database_url, args.redis_url, args.viewers, args.seed))
        prepare_search(args.database_url, args.redis_url, args.scale, args.seed)
    else:
        from bench.run import run_all

        run_all(args)


if __name__ == "__main__":
    main()
