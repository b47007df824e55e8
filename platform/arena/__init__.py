"""Arena: a competition platform for classification and entity matching on tabular data."""

from arena.celery import app as celery_app

__all__ = ["celery_app"]
