#!/bin/bash
# Profile the product under one workload: one uvicorn worker, wrk for 12 s, py-spy for 8 s of it,
# then the hottest functions (self and inclusive) and the share of each package.
#   bench/profile.sh WORKLOAD [DATABASE] [PATH]      e.g. bench/profile.sh feed_first linli_bench
# Needs py-spy in the virtualenv (.venv/bin/pip install py-spy) and a generated dataset.
set -euo pipefail
cd "$(dirname "$0")/.."
WORKLOAD=$1 DB=${2:-linli_bench} URLPATH=${3:-/graphql} PORT=8191
export DATABASE_URL=postgres://postgres@127.0.0.1:5432/$DB REDIS_URL=redis://127.0.0.1:6379/8
export SECRET_KEY=bench-profile LOG_LEVEL=WARNING
.venv/bin/uvicorn asgi:app_from_environment --factory --port $PORT --log-level warning \
  --no-access-log >/tmp/bench-profile-server.log 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 120); do curl -sf http://127.0.0.1:$PORT/healthz >/dev/null && break; sleep 0.5; done
WORKLOAD=$WORKLOAD BENCH_DATA=bench/data/$DB wrk -t1 -c16 -d12s -s bench/workloads.lua \
  http://127.0.0.1:$PORT$URLPATH >/tmp/bench-profile-wrk.txt &
sleep 2
.venv/bin/py-spy record -p $SERVER -d 8 -f raw -o /tmp/bench-profile.txt >/dev/null 2>&1
wait %2 || true
tail -1 /tmp/bench-profile-wrk.txt
.venv/bin/python - <<'PY'
from collections import Counter

inclusive, own, package, total = Counter(), Counter(), Counter(), 0
for line in open("/tmp/bench-profile.txt"):
    stack, _, n = line.rpartition(" ")
    frames, n = stack.split(";"), int(n)
    total += n
    for frame in set(frames):
        inclusive[frame] += n
    own[frames[-1]] += n
    where = frames[-1].rpartition("(")[2]
    package[where.split("/")[0] if "/" in where else where.split(":")[0]] += n
print(f"{total} samples")
for title, counter, count in (("package", package, 12), ("self", own, 20), ("inclusive", inclusive, 60)):
    print(f"-- {title}")
    for name, n in counter.most_common(count):
        print(f"{100 * n / total:5.1f}% {name[:140]}")
PY
