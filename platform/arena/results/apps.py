from django.apps import AppConfig


class ResultsConfig(AppConfig):
    """Every read of scores (boards, comparisons, method pages, exports) and the one policy of
    who sees which split when. It has no models: scores belong to submissions."""

    name = "arena.results"
    label = "results"
