#!/usr/bin/env bash
# `make test`: starts a throwaway PostgreSQL and Redis on free ports, runs lint and the whole
# suite against them (with real Celery worker processes for the end-to-end tests), and stops
# both afterwards, also on failure or Ctrl-C. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO="$PWD"

need_packages=()
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
[ -n "$PG_BIN" ] && [ -x "$PG_BIN/initdb" ] || need_packages+=(postgresql)
command -v redis-server >/dev/null || need_packages+=(redis-server)
# The emoji task's recipe draws pictures from Debian's emoji list and colour font.
[ -f /usr/share/unicode/emoji/emoji-test.txt ] || need_packages+=(unicode-data)
[ -f /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || need_packages+=(fonts-noto-color-emoji)
# Browser tests drive Debian's Chromium through Playwright (it cannot download its own here).
[ -x /usr/bin/chromium ] || need_packages+=(chromium chromium-driver)
# ...through its headless shell where Debian has it (half the CPU per page); else the above.
optional_packages=()
[ -x /usr/bin/chromium-headless-shell ] || optional_packages+=(chromium-headless-shell)
# Methods run in bubblewrap sandboxes (platform/arena/methods/sandbox.py).
command -v bwrap >/dev/null || need_packages+=(bubblewrap)
if [ ${#need_packages[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "Installing ${need_packages[*]} from Debian packages..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_packages[@]}" >/dev/null
    PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  else
    echo "The tests need PostgreSQL, Redis, Chromium, bubblewrap and Debian's emoji data. Install them with:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${need_packages[*]}" >&2
    exit 1
  fi
fi
if [ ${#optional_packages[@]} -gt 0 ] && [ "$(id -u)" = 0 ]; then
  install_optional() { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${optional_packages[@]}" >/dev/null 2>&1; }
  install_optional || { apt-get update -qq && install_optional; } ||
    echo "(${optional_packages[*]} is not available: the browser tests use Debian's chromium.)"
fi

free_port() { .venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

WORK=$(mktemp -d /tmp/arena-test.XXXXXX)
PGDATA="$WORK/pg"
PG_PORT=$(free_port)
REDIS_PORT=$(free_port)
as_pg=()
PG_USER="$(id -un)"
if [ "$(id -u)" = 0 ]; then
  # initdb refuses to run as root: the cluster belongs to the postgres user.
  as_pg=(runuser -u postgres --)
  PG_USER=postgres
  chmod 755 "$WORK"
fi

cleanup() {
  set +e
  [ -f "$PGDATA/postmaster.pid" ] && "${as_pg[@]}" "$PG_BIN/pg_ctl" -D "$PGDATA" -m immediate stop >/dev/null 2>&1
  [ -f "$WORK/redis.pid" ] && kill "$(cat "$WORK/redis.pid")" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

mkdir -p "$PGDATA" "$WORK/home/static"
[ ${#as_pg[@]} -gt 0 ] && chown postgres "$PGDATA"
"${as_pg[@]}" "$PG_BIN/initdb" -D "$PGDATA" -A trust -U "$PG_USER" >/dev/null
# A throwaway cluster: no durability, no background vacuum (tables are emptied after every
# transactional test) and no JIT, whose compiling costs more than these small queries run.
"${as_pg[@]}" "$PG_BIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w \
  -o "-p $PG_PORT -k $PGDATA -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 -c jit=off -c autovacuum=off" \
  start >/dev/null
"${as_pg[@]}" "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" arena
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes --save '' --appendonly no \
  --pidfile "$WORK/redis.pid" --dir "$WORK" --logfile "$WORK/redis.log"
for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
echo "PostgreSQL on port $PG_PORT, Redis on port $REDIS_PORT (in $WORK)"

export DATABASE_URL="postgres://$PG_USER@127.0.0.1:$PG_PORT/arena"
export CELERY_BROKER_URL="redis://127.0.0.1:$REDIS_PORT/0"
export ARENA_HOME="$WORK/home"
export SECRET_KEY="test-only-secret-key-$(date +%s)"
export DEBUG=false
export ALLOWED_HOSTS="localhost,127.0.0.1,testserver"
export SESSION_COOKIE_SECURE=false CSRF_COOKIE_SECURE=false SECURE_SSL_REDIRECT=false SECURE_HSTS_SECONDS=0 STATIC_MANIFEST=false
export ARENA_TEST_SERVICES=1
export ARENA_FAST_PASSWORD_HASHER=true  # settings.py: honoured only with ARENA_TEST_SERVICES=1
# Tests break a component and look at once; production answers /healthz from a 5 s cache.
export HEALTHZ_CACHE_SECONDS=0
export PYTHONPATH="$REPO/platform:$REPO${PYTHONPATH:+:$PYTHONPATH}"

# The test databases are copies of one migrated once, here, while pytest starts and collects
# (tests/conftest.py: django_db_modify_db_settings waits for the ready file).
if [ -z "${ARENA_RUN:-}" ]; then
  "${as_pg[@]}" "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" arena_template
  export ARENA_TEST_TEMPLATE_DB=arena_template ARENA_TEST_TEMPLATE_READY="$WORK/template.ready"
  (
    if DATABASE_URL="postgres://$PG_USER@127.0.0.1:$PG_PORT/arena_template" \
      .venv/bin/python manage.py migrate --verbosity 0 >"$WORK/template.log" 2>&1; then
      touch "$ARENA_TEST_TEMPLATE_READY"
    else
      mv "$WORK/template.log" "$WORK/template.failed"
    fi
  ) &
fi

# ARENA_RUN="script.py args" runs that Python script against these services instead of the suite
# (the load benchmark uses it: `make bench`).
if [ -n "${ARENA_RUN:-}" ]; then
  # shellcheck disable=SC2086 # the words of ARENA_RUN are the script and its arguments
  .venv/bin/python $ARENA_RUN
  exit $?
fi

# QUICK=1 skips lint and the migration check while iterating on a few tests; CI never sets it.
lint_pid=
if [ -z "${QUICK:-}" ] || [ "${CI:-}" = true ]; then
  echo "ruff check and format, mypy, import contracts..."
  .venv/bin/ruff check .
  .venv/bin/ruff format --check .
  # The slower checks (seconds each) run beside the tests; what they say follows the tests'.
  (
    .venv/bin/mypy  # scoring/ and arena_cli/, configured in pyproject.toml [tool.mypy]
    .venv/bin/lint-imports  # contracts in pyproject.toml [tool.importlinter]
    .venv/bin/python manage.py makemigrations --check --dry-run >/dev/null || {
      echo "Models changed without a migration: run manage.py makemigrations --name WHAT_IT_DOES" >&2
      exit 1
    }
  ) >"$WORK/lint.log" 2>&1 &
  lint_pid=$!
fi
# In parallel (pytest-xdist): most of the suite's time is spent waiting on worker processes,
# servers and the browser, so more workers than cores pay. Each has its own test database, Arena
# home and broker database (tests/conftest.py); whole modules are handed out, longest first.
# TEST_WORKERS=0 runs the suite in this one process; `-n` among the arguments overrides it.
parallel=(-n "${TEST_WORKERS:-4}" --dist loadfile --no-loadscope-reorder)
for arg in "$@"; do
  case "$arg" in -n | -n* | --numprocesses* | no:xdist) parallel=() ;; esac
done
[ "${TEST_WORKERS:-}" = 0 ] && parallel=()
# Byte code is kept (in the work tree's ignored __pycache__ folders), also where the environment
# says otherwise: every worker would rewrite and compile the test modules again, every run
# (seconds of CPU each), and every process started would compile Arena's modules again.
unset PYTHONDONTWRITEBYTECODE
# LightGBM (AutoGluon) and scikit-learn run OpenMP threads that spin while they wait: next to
# other busy processes they burn the CPU that those need. Passive threads sleep instead.
export OMP_WAIT_POLICY=PASSIVE
status=0
.venv/bin/python -m pytest "${parallel[@]}" "$@" || status=$?
if [ -n "$lint_pid" ]; then
  echo "mypy, import contracts, migrations:"
  lint_status=0
  wait "$lint_pid" || lint_status=$?
  cat "$WORK/lint.log"
  [ "$lint_status" = 0 ] || { echo "The checks beside the tests failed (above)." >&2; exit 1; }
fi
exit "$status"
