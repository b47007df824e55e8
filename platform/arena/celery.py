"""The Celery application shared by every worker (scoring, and methods in their sandbox)."""

import os

from celery import Celery
from kombu.transport import TRANSPORT_ALIASES
from kombu.transport.sqlalchemy import Transport as SQLAlchemyTransport

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "arena.settings")


class FastPollingSQLAlchemyTransport(SQLAlchemyTransport):
    """kombu's SQLAlchemy transport polling every 0.1 s instead of every second.

    The option cannot be passed through ``broker_transport_options``: this transport hands every
    option to SQLAlchemy's ``create_engine``, which rejects it. A subclass registered under its own
    URL scheme ("arenasqla+sqlite:///...") is the way that works.
    """

    polling_interval = 0.1


TRANSPORT_ALIASES["arenasqla"] = "arena.celery:FastPollingSQLAlchemyTransport"

app = Celery("arena")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
