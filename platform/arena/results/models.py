"""What the worker stores for the compare pages, so that a page view computes no statistic."""

from django.db import models

from arena.competitions.models import Competition


class StoredComparison(models.Model):
    """The methods x tasks comparison of one competition and split, as the worker computed it
    (``services.comparison_refresh``): the matrix with ranks and normalized scores, each track's
    complete block, Friedman test, critical difference and win/tie/loss against the baseline.

    ``fingerprint`` digests the inputs it was computed from (``comparison.inputs_fingerprint``);
    a page that finds it different shows what is stored, says it is being updated and asks a
    worker for a new one. ``payload`` is a pickle of the (blocks, rows) the pages render: written
    by our worker only, never from user input; an unreadable one counts as missing.
    """

    class Split(models.TextChoices):
        PUBLIC = "public"
        PRIVATE = "private"

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="+")
    split = models.CharField(max_length=10, choices=Split.choices)
    fingerprint = models.CharField(max_length=64)
    payload = models.BinaryField()
    computed_at = models.DateTimeField()
    seconds = models.FloatField(help_text="how long the worker took to compute it")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["competition", "split"], name="one_stored_comparison_per_split"
            )
        ]

    def __str__(self) -> str:
        return f"{self.competition.slug} {self.split} comparison"
