#!/usr/bin/env bash
# `make bench`: runs every benchmark under tests/bench/ and prints its figures. Benchmarks measure
# ratios against a reference in the same run, since these machines are noisy; the figures and the
# command go into docs/BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD/platform:$PWD${PYTHONPATH:+:$PYTHONPATH}"
status=0
for bench in tests/bench/bench_*.py; do
  echo "== $bench"
  .venv/bin/python "$bench" "$@" || status=1
done
echo "== tests/bench/load_uploads.py (in the throwaway PostgreSQL and Redis of scripts/test.sh)"
ARENA_RUN="tests/bench/load_uploads.py" bash scripts/test.sh || status=1
echo "== tests/bench/bench_sandbox.py --throughput (methods workers on the built-in tasks, same services)"
ARENA_RUN="tests/bench/bench_sandbox.py --throughput" bash scripts/test.sh || status=1
exit $status
