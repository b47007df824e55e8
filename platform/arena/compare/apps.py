from django.apps import AppConfig


class CompareConfig(AppConfig):
    name = "arena.compare"
    label = "compare"
