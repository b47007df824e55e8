"""What the worker stores for the pages of results, so that a page view ranks nothing and
computes no statistic: every board and the comparison, per split."""

from django.db import models

from arena.competitions.models import Competition


class StoredResult(models.Model):
    """One result of a competition as the worker computed it (``services.results_refresh``):
    a task board (``key`` "task:<pk>"), a track board ("track:<pk>") or the comparison
    ("comparison" of uploads, "comparison:runs" with the runs by Arena filling its empty cells),
    for the public or the private split.

    ``fingerprint`` digests the competition's inputs it was computed from
    (``stored.inputs_fingerprint``); a page that finds a different one shows what is stored,
    says it is being updated and asks a worker for a new one. ``payload`` is a pickle of what the
    page renders (ranked rows; the comparison's blocks and rows): written by our worker only,
    never from user input, and an unreadable one counts as missing. Which viewer may see which
    split is decided when it is read (``visibility``), never when it is stored.
    """

    class Split(models.TextChoices):
        PUBLIC = "public"
        PRIVATE = "private"

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=40)
    split = models.CharField(max_length=10, choices=Split.choices)
    fingerprint = models.CharField(max_length=64)
    payload = models.BinaryField()
    computed_at = models.DateTimeField()
    seconds = models.FloatField(help_text="how long the worker took to compute it")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["competition", "key", "split"], name="one_stored_result_per_key_and_split"
            )
        ]

    def __str__(self) -> str:
        return f"{self.competition.slug} {self.key} ({self.split})"
