from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "arena.core"
    label = "core"

    def ready(self) -> None:
        # Connects Celery's worker signals: each worker records its presence (for /status/).
        from arena.core import worker_presence  # noqa: F401
