"""Benchmarks: a deterministic big dataset, a minimal baseline server, wrk workloads, the table."""
