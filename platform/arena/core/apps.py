from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "arena.core"
    label = "core"

    def ready(self) -> None:
        # Connects Celery's worker signals: each worker records its presence (for /status/).
        # Django's place for connecting signal receivers: the app registry is ready here.
        from arena.core import worker_presence  # noqa: F401
