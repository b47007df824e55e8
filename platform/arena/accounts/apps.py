from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "arena.accounts"
    label = "accounts"

    def ready(self):
        from arena.accounts import signals  # noqa: F401  (connects the login throttle's receivers)
