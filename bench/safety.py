"""``python -m bench.safety``: the sensitive-word matcher over a 10,000-word list checking a
2,000-character post (the issue's figure: under 1 ms per check). Builds the list and the post
from a seed, checks the post many times, prints the median and the worst per-check time.

The post is ordinary text with a few listed words in disguise (spaces, full-width, traditional)
and replace-category words, so a check does the whole work: normalising, matching, masking."""

from __future__ import annotations

import argparse
import random
import statistics
import time

from domain.safety.rules import WordCategory, WordMatcher, judge

# Common characters to draw words and filler from (the post reads as Chinese, not as one word).
_CHARS = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能"
    "下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量"
    "都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各"
    "重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代"
)


def word_list(rng: random.Random, size: int) -> list[tuple[str, WordCategory]]:
    categories = [WordCategory.BLOCK, WordCategory.REVIEW, WordCategory.REPLACE]
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(_CHARS) for _ in range(rng.randint(3, 6))))
    return [(w, categories[n % 3]) for n, w in enumerate(sorted(words))]


def post(rng: random.Random, words: list[tuple[str, WordCategory]], length: int) -> str:
    parts: list[str] = []
    replace_words = [w for w, c in words if c == WordCategory.REPLACE]
    while sum(map(len, parts)) < length:
        parts.append("".join(rng.choice(_CHARS) for _ in range(rng.randint(5, 20))))
        parts.append(rng.choice("，。！？ \n"))
        if rng.random() < 0.05:
            parts.append(" ".join(rng.choice(replace_words)))
    return "".join(parts)[:length]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.safety")
    parser.add_argument("--words", type=int, default=10_000)
    parser.add_argument("--chars", type=int, default=2_000)
    parser.add_argument("--checks", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    words = word_list(rng, args.words)
    started = time.perf_counter()
    matcher = WordMatcher(words)
    built = time.perf_counter() - started
    text = post(rng, words, args.chars)
    verdict = judge(matcher, text)  # warm the per-process character table, as a server would be
    timings = []
    for _ in range(args.checks):
        started = time.perf_counter()
        judge(matcher, text)
        timings.append(time.perf_counter() - started)
    timings.sort()
    print(f"word list: {len(words)} words, matcher built in {built * 1000:.1f} ms")
    print(f"post: {len(text)} characters, verdict {verdict.action.value}, flags {verdict.flags}")
    print(
        f"per check over {args.checks} checks: median {statistics.median(timings) * 1e6:.0f} µs, "
        f"p99 {timings[int(len(timings) * 0.99)] * 1e6:.0f} µs, max {timings[-1] * 1e6:.0f} µs"
    )


if __name__ == "__main__":
    main()
