import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "arena.settings")
application = get_wsgi_application()
# Every view module imported now, not on each worker's first request: gunicorn loads this once
# (--preload, docker/entrypoint.sh) and its workers start as forks that already hold them.
get_resolver().url_patterns  # noqa: B018 - evaluated for its imports
