"""The bench table's verdict on each target of the compiled hot paths."""

from __future__ import annotations

from bench.run import TARGETS, WORKLOADS, Result, Sample, holds, table


def sample(rps: float, p99_ms: float = 40.0, cpu_ms: float = 1.0) -> Sample:
    return Sample(
        requests=int(rps * 5), rps=rps, p50_ms=20.0, p99_ms=p99_ms, cpu_ms=cpu_ms, errors=0
    )


def result(name: str, product: Sample, baseline: Sample | None = None) -> Result:
    (workload,) = [w for w in WORKLOADS if w.name == name]
    return Result(workload, [product], [baseline] if baseline else [])


def test_a_feed_row_holds_only_with_rate_cpu_and_p99_all_within() -> None:
    base = sample(1000, p99_ms=50)
    target = TARGETS["feed_first"]
    assert holds(target, result("feed_first", sample(760, 90, 1.4), base), None) == "yes"
    assert holds(target, result("feed_first", sample(740, 90, 1.4), base), None) == "no (rate)"
    assert holds(target, result("feed_first", sample(800, 90, 1.6), base), None) == "no (CPU)"
    assert holds(target, result("feed_first", sample(700, 101, 1.6), base), None) == (
        "no (rate, CPU, p99)"
    )
    assert holds(target, result("feed_first", sample(800)), None) == ""  # no baseline ran


def test_a_write_holds_only_when_its_check_agrees() -> None:
    like = result("like", sample(900))
    assert holds(TARGETS["like"], like, None) == "no (check)"  # not checked is not agreeing
    like.check_agrees = True
    assert holds(TARGETS["like"], like, None) == "yes"
    like.check_agrees = False
    assert holds(TARGETS["like"], like, None) == "no (check)"


def test_the_mix_is_judged_against_the_first_feed_pages_baseline_of_the_same_run() -> None:
    mix = result("mix", sample(650))
    assert holds(TARGETS["mix"], mix, None) == ""
    assert holds(TARGETS["mix"], mix, sample(1000)) == "yes"
    assert holds(TARGETS["mix"], mix, sample(1100)) == "no (rate)"
    text = table([result("feed_first", sample(800), sample(1100)), mix])
    assert "| 0.59× (of Feed's) | ≥ 0.6× baseline Feed rate | no (rate) |" in text
