#!/usr/bin/env bash
# `make demo`: the embedded shape on one machine. SQLite under var/ (or $ARENA_HOME) holds both
# the site's data and the Celery broker's queue; the web server and a worker run side by side
# until Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."

export ARENA_HOME="${ARENA_HOME:-$PWD/var}"
export DEBUG="${DEBUG:-true}"
export PYTHONPATH="$PWD/platform:$PWD${PYTHONPATH:+:$PYTHONPATH}"
PORT="${PORT:-8000}"
HOST="${HOST:-127.0.0.1}"
PY=.venv/bin/python
mkdir -p "$ARENA_HOME/static"  # STATIC_ROOT: WhiteNoise expects the folder

# The emoji task is drawn from Debian's emoji list and font; as root, fetch them if missing.
if [ ! -f /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] && [ "$(id -u)" = 0 ]; then
  echo "Installing unicode-data and fonts-noto-color-emoji for the emoji task..."
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    unicode-data fonts-noto-color-emoji >/dev/null) || echo "  (not installed; the demo skips that task)"
fi

# Teams' methods and the built-in baselines run in bubblewrap sandboxes, as root; without it (or
# as another user) the demo runs, and each run says that it failed on Arena's side.
if ! command -v bwrap >/dev/null && [ "$(id -u)" = 0 ]; then
  echo "Installing bubblewrap for the methods' sandbox..."
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap \
    >/dev/null) || echo "  (not installed; methods cannot be run on this machine)"
fi

# The built-in baselines of every task on the boards within minutes (docs/BENCHMARKS.md): the
# fast preset with a short training budget (both are in each baseline's version, so a longer
# budget set here makes new versions), and one run per core side by side, each on one CPU,
# which finishes two runs in the time one run on two CPUs takes.
export BASELINE_PRESET="${BASELINE_PRESET:-fast}"
export BASELINE_TIME_LIMIT="${BASELINE_TIME_LIMIT:-10}"
export METHOD_MAX_CPUS="${METHOD_MAX_CPUS:-1}"
# Text embeddings cost about a second per hundred texts on one CPU: on the demo the two tasks
# with over 10,000 texts (febrl-people, bird-strike-phase) run their baselines without them.
# Set BASELINE_EMBEDDING_MAX_TEXTS=0 for every task's.
export BASELINE_EMBEDDING_MAX_TEXTS="${BASELINE_EMBEDDING_MAX_TEXTS:-10000}"
CORES="$(nproc 2>/dev/null || echo 2)"
METHOD_WORKERS="${METHOD_WORKERS:-$((CORES < 4 ? CORES : 4))}"

$PY manage.py migrate --no-input -v 0

pids=()
stop() {
  trap - INT TERM EXIT
  echo
  echo "Stopping the web server and the workers..."
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  exit "${failed:-0}"
}
trap stop INT TERM EXIT

# Two workers, scoring and methods, so a baseline or a team's method running in its sandbox
# never delays a score (the methods worker runs METHOD_WORKERS at once); and beat on its own, so
# the watchdog that takes back the jobs of a killed worker does not die with that worker.
.venv/bin/celery -A arena worker -Q scoring -c 1 -l warning -n "scoring@%h" &
pids+=($!)
.venv/bin/celery -A arena beat -l warning --schedule "$ARENA_HOME/celerybeat-schedule" &
pids+=($!)
.venv/bin/celery -A arena worker -Q methods -c "$METHOD_WORKERS" -l warning -n "methods@%h" &
pids+=($!)
# The workers start while the demo loads (they take seconds to boot), so the baselines it queues
# at its end start at once.
$PY manage.py load_demo || { failed=1; exit 1; }
$PY manage.py sweep_upload_temp -v 0
$PY manage.py runserver "$HOST:$PORT" --noreload &
pids+=($!)

sleep 2
cat <<MSG

  Arena is running at http://$HOST:$PORT/
  Log in as organizer / arena-organizer (admin at http://$HOST:$PORT/admin/),
  or alice / arena-alice, bob / arena-bob, charlie / arena-charlie; or sign up as a new user.
  Press Ctrl-C to stop the web server and the workers.

MSG
# Whichever process exits first ends the demo; the trap stops the other.
wait -n "${pids[@]}"
