from django.apps import AppConfig


class BaselinesConfig(AppConfig):
    name = "arena.baselines"
    label = "baselines"
