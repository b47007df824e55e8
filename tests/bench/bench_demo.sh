#!/usr/bin/env bash
# How long after `make demo` the baselines of every task are on the boards (docs/BENCHMARKS.md).
#
#   bash tests/bench/bench_demo.sh [ARENA_HOME] [PORT]
#
# Runs scripts/demo.sh with its own ARENA_HOME (default: a fresh temporary folder; the built-in
# bundles of var/bundles are copied in when present, so they are not built again) and port
# (default 8479), prints the seconds from its start until every baseline run has ended and its
# submission is scored, then the runs, and stops the demo. Gives up after BENCH_DEMO_MAX_SECONDS
# (900). Extra settings go in the environment (BASELINE_TIME_LIMIT, METHOD_WORKERS, ...).
set -u
cd "$(dirname "$0")/../.."
HOME_DIR="${1:-$(mktemp -d /tmp/arena-bench-demo.XXXXXX)}"
PORT="${2:-8479}"
MAX="${BENCH_DEMO_MAX_SECONDS:-900}"
mkdir -p "$HOME_DIR"
if [ -d var/bundles ] && [ ! -d "$HOME_DIR/bundles" ]; then cp -r var/bundles "$HOME_DIR/bundles"; fi
DB="$HOME_DIR/arena.sqlite3"
echo "ARENA_HOME $HOME_DIR, port $PORT, commit $(git rev-parse --short HEAD 2>/dev/null)," \
  "$(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg) at the start"
START=$(date +%s.%N)
# Its own session, so the whole demo (web, workers, sandboxes) is stopped as one group.
setsid env ARENA_HOME="$HOME_DIR" PORT="$PORT" bash scripts/demo.sh >"$HOME_DIR/demo.log" 2>&1 &
DEMO=$!
stop() { kill -TERM -- -"$DEMO" 2>/dev/null; sleep 5; kill -KILL -- -"$DEMO" 2>/dev/null; }
trap stop EXIT
QUERY="select count(*), coalesce(sum(r.status in ('submitted', 'failed') and (r.submission_id is null
  or s.status in ('scored', 'invalid', 'failed'))), 0) from methods_methodrun r
  left join submissions_submission s on s.id = r.submission_id"
status=1
while sleep 2; do
  elapsed=$(echo "$(date +%s.%N) - $START" | bc)
  row=$(sqlite3 "$DB" "$QUERY" 2>/dev/null) || row="0|0"
  total=${row%|*} ended=${row#*|}
  if [ "$total" -gt 0 ] && [ "$ended" = "$total" ]; then
    printf 'All %s baseline runs ended and scored %.0f s after the start (load average %s).\n' \
      "$total" "$elapsed" "$(cut -d' ' -f1-3 /proc/loadavg)"
    status=0
    break
  fi
  if [ "$(echo "$elapsed > $MAX" | bc)" = 1 ]; then
    echo "Gave up after $MAX s: $ended of $total runs ended."
    break
  fi
done
sqlite3 -header -column "$DB" "select r.id, t.slug as task, m.name as method, r.status,
  round(r.wall_seconds, 1) as wall_s, r.peak_memory_bytes / 1048576 as mb, r.stopped_by,
  s.status as submission, strftime('%H:%M:%S', r.started_at) as started,
  strftime('%H:%M:%S', r.finished_at) as finished
  from methods_methodrun r join competitions_task t on t.id = r.task_id
  join methods_methodversion v on v.id = r.version_id join methods_method m on m.id = v.method_id
  left join submissions_submission s on s.id = r.submission_id order by r.id"
exit "$status"
