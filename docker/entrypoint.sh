#!/usr/bin/env bash
# One entry point for every Arena process (the container's command, and the production-stack
# test, which runs exactly these commands without Docker):
#   entrypoint.sh web | scoring-worker | methods-worker | beat | migrate
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD/platform:$PWD${PYTHONPATH:+:$PYTHONPATH}"
PYTHON="${PYTHON:-python}"

case "${1:-web}" in
  migrate)
    exec "$PYTHON" manage.py migrate --no-input ;;
  web)
    # migrate, collectstatic, and sweep what a web process killed mid-upload left behind
    "$PYTHON" manage.py prepare_web
    # --preload: the application is imported once and the workers are forks of it (less memory,
    # and a replaced worker answers at once); nothing opens a connection at import.
    exec "$PYTHON" -m gunicorn arena.wsgi:application --preload \
      --bind "${BIND:-0.0.0.0:8000}" --workers "${WEB_CONCURRENCY:-3}" \
      --timeout "${WEB_TIMEOUT:-120}" --access-logfile - --forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-127.0.0.1}" ;;
  scoring-worker)
    exec "$PYTHON" -m celery -A arena worker -Q scoring -c "${SCORING_CONCURRENCY:-2}" \
      -n "scoring-$(hostname)-$$@%h" -l "${LOG_LEVEL:-info}" ;;
  methods-worker)
    # Runs teams' methods and the built-in baselines in bubblewrap sandboxes (docs/OPERATIONS.md:
    # what the container needs).
    exec "$PYTHON" -m celery -A arena worker -Q methods -c "${METHODS_CONCURRENCY:-1}" \
      -n "methods-$(hostname)-$$@%h" -l "${LOG_LEVEL:-info}" ;;
  beat)
    exec "$PYTHON" -m celery -A arena beat -l "${LOG_LEVEL:-info}" \
      --schedule "${ARENA_HOME:-/tmp}/celerybeat-schedule" ;;
  *)
    echo "usage: entrypoint.sh web|scoring-worker|methods-worker|beat|migrate" >&2
    exit 2 ;;
esac
