from django.apps import AppConfig


class WorkflowsConfig(AppConfig):
    name = "arena.workflows"
    label = "workflows"
