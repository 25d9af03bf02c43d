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
    assert holds(target, result("feed_first", sample(760, 90, 1.4), base)) == "yes"
    assert holds(target, result("feed_first", sample(740, 90, 1.4), base)) == "no (rate)"
    assert holds(target, result("feed_first", sample(800, 90, 1.6), base)) == "no (CPU)"
    assert holds(target, result("feed_first", sample(700, 101, 1.6), base)) == (
        "no (rate, CPU, p99)"
    )
    assert holds(target, result("feed_first", sample(800))) == ""  # no baseline ran


def test_a_write_holds_only_when_its_check_agrees() -> None:
    like = result("like", sample(900))
    assert holds(TARGETS["like"], like) == "no (check)"  # not checked is not agreeing
    like.check_agrees = True
    assert holds(TARGETS["like"], like) == "yes"
    like.check_agrees = False
    assert holds(TARGETS["like"], like) == "no (check)"


def test_the_mix_is_judged_against_the_first_feed_page_of_the_baseline_run_alongside() -> None:
    (mix_workload,) = [w for w in WORKLOADS if w.name == "mix"]
    assert mix_workload.measured_against == "feed_first"  # the baseline cannot serve the mix
    assert holds(TARGETS["mix"], result("mix", sample(650))) == ""  # no baseline ran
    assert holds(TARGETS["mix"], result("mix", sample(650), sample(1000))) == "yes"
    mix = result("mix", sample(650), sample(1100))
    assert holds(TARGETS["mix"], mix) == "no (rate)"
    text = table([result("feed_first", sample(800), sample(900)), mix])
    assert "| 0.59× (of feed_first's) | ≥ 0.6× baseline Feed rate | no (rate) |" in text
