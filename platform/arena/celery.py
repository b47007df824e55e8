"""The Celery application shared by every worker (scoring, and methods in their sandbox)."""

import os

from celery import Celery
from kombu.transport import TRANSPORT_ALIASES

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "arena.settings")
# Celery runs Django's system checks when a worker starts, which imports every URLconf, view and
# the API schema generator: a quarter of a worker's start-up CPU, for modules no job uses. A web
# container runs them as it starts (`manage.py prepare_web`, as every management command), and
# so does the suite.
os.environ.setdefault("CELERY_SKIP_CHECKS", "true")


# The embedded broker (`make demo`), imported only where a URL names it.
TRANSPORT_ALIASES["arenasqla"] = "arena.embedded_transport:FastPollingSQLAlchemyTransport"

app = Celery("arena")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
