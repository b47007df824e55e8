#!/usr/bin/env bash
# The test suite's cost against an earlier commit's, on the same machine in the same hour:
#   bash tests/bench/bench_suite.sh REV [ROUNDS] [pytest arguments...]
# Runs `CI=true scripts/test.sh` in a worktree of REV and in this tree, alternately (this tree
# first in odd rounds, REV first in even ones, so a machine that slows down or speeds up over
# the hour weighs on both alike), and prints for each run its wall time, pytest's time, the
# CPU time the whole machine was busy (from /proc/stat: every process, PostgreSQL and the
# browsers too) and PostgreSQL's share. These machines' speed drifts by a third within a day,
# so only figures of runs side by side compare. Not part of `make bench`: a round takes about
# 20 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/../.."
HERE="$PWD"
REV=${1:?usage: bench_suite.sh REV [ROUNDS] [pytest arguments...]}
ROUNDS=${2:-1}
shift $(($# >= 2 ? 2 : 1))
OLD=$(mktemp -d /tmp/arena-bench-suite.XXXXXX)
git worktree add --quiet --detach "$OLD/tree" "$REV"
ln -s "$HERE/.venv" "$OLD/tree/.venv"  # the same packages: only the code differs
trap 'git -C "$HERE" worktree remove --force "$OLD/tree"; rm -rf "$OLD"' EXIT

busy_ticks() {  # user+nice+system+irq+softirq+steal jiffies of all CPUs since boot
  awk '/^cpu /{print $2+$3+$4+$7+$8+$9}' /proc/stat
}

postgres_ticks() {  # CPU of the suite's PostgreSQL (its postmaster and reaped backends)
  local total=0 pid
  for pid in $(pgrep -f "postgres -D /tmp/arena-test" || true); do
    total=$((total + $(awk '{print $14+$15+$16+$17}' "/proc/$pid/stat" 2>/dev/null || echo 0)))
  done
  echo "$total"
}

one_run() {  # one_run LABEL TREE [pytest arguments...]
  local label=$1 tree=$2 log="$OLD/$1.log" hz pg=0 sampler before after start end
  shift 2
  hz=$(getconf CLK_TCK)
  # PostgreSQL's CPU is read every second while it runs: it is gone when the suite ends.
  (while sleep 1; do t=$(postgres_ticks); [ "$t" -gt 0 ] && echo "$t" >"$OLD/pg"; done) &
  sampler=$!
  echo 0 >"$OLD/pg"
  before=$(busy_ticks)
  start=$(date +%s.%N)
  (cd "$tree" && CI=true bash scripts/test.sh -p no:cacheprovider "$@") >"$log" 2>&1 || true
  end=$(date +%s.%N)
  after=$(busy_ticks)
  kill "$sampler" 2>/dev/null || true
  wait "$sampler" 2>/dev/null || true
  pg=$(cat "$OLD/pg")
  printf '%-8s wall %5.0f s  %-40s busy CPU %5d s  PostgreSQL %4d s\n' "$label" \
    "$(echo "$end - $start" | bc)" "$(grep -Eo '[0-9]+ passed.* in [0-9.]+s' "$log" | tail -1)" \
    $(((after - before) / hz)) $((pg / hz))
}

echo "machine: $(nproc) CPUs, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo)," \
  "load average $(cut -d' ' -f1-3 /proc/loadavg) at the start; REV $(git rev-parse --short "$REV")," \
  "this tree $(git rev-parse --short HEAD)$(git diff --quiet || echo ' + uncommitted changes')"
for round in $(seq "$ROUNDS"); do
  if [ $((round % 2)) = 1 ]; then
    one_run "this" "$HERE" "$@"
    one_run "$REV" "$OLD/tree" "$@"
  else
    one_run "$REV" "$OLD/tree" "$@"
    one_run "this" "$HERE" "$@"
  fi
done
