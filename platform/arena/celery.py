"""The Celery application shared by every worker (scoring, and methods in their sandbox)."""

import os

from celery import Celery
from kombu.transport import TRANSPORT_ALIASES

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "arena.settings")


# The embedded broker (`make demo`), imported only where a URL names it.
TRANSPORT_ALIASES["arenasqla"] = "arena.embedded_transport:FastPollingSQLAlchemyTransport"

app = Celery("arena")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
