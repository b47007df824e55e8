from django.apps import AppConfig


class MethodsConfig(AppConfig):
    """Methods as code: versioned packages a team pushes, which Arena runs in a sandbox."""

    name = "arena.methods"
    label = "methods"
