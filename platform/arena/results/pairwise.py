"""The paired bootstrap between two submissions of one task: the only read of results that
needs the answer key and the prediction codes from storage. The worker calls it for the boards'
tie marks (``services.board_ties_refresh``); the pairwise page, for the two entries a reviewer
picked, gets it from a worker (``services.pairwise_request``) and shows progress until then.
Each answer is cached per task version."""

import numpy as np
from django.core.cache import cache

from arena.competitions.models import Task
from arena.core import files
from arena.submissions.services import load_answers, task_spec
from scoring.engine import answer_key
from scoring.statistics import paired_bootstrap

# Long enough that the boards' refreshes weigh each pair once in a task version's life.
PAIR_CACHE_SECONDS = 30 * 24 * 3600


def _cache_key(*, task: Task, submission_a, submission_b, private: bool) -> str:
    split = "private" if private else "public"
    return f"pairwise:{task.pk}:{task.version}:{submission_a.pk}:{submission_b.pk}:{split}"


def pairwise_possible(*, task: Task, submission_a, submission_b) -> bool:
    """Whether a paired test can be run: not for log loss, and only on kept predictions."""
    return task.metric != "log_loss" and bool(submission_a.codes_key and submission_b.codes_key)


def pairwise_stored(*, task: Task, submission_a, submission_b, private: bool):
    """The worker's answer for this pair (a page reads only this), or None until it is there."""
    return cache.get(
        _cache_key(task=task, submission_a=submission_a, submission_b=submission_b, private=private)
    )


class PairInputs:
    """The answer key and codes files of one task, each read from storage once however many
    pairs are weighed (the leader against every rival reads the leader's file once)."""

    def __init__(self, *, task: Task):
        self.task = task
        self._key = None
        self._codes: dict[str, np.ndarray] = {}

    def key(self):
        if self._key is None:
            self._key = answer_key(
                spec=task_spec(task=self.task), answers=load_answers(task=self.task)
            )
        return self._key

    def codes(self, submission) -> np.ndarray:
        if submission.codes_key not in self._codes:
            with files.private_storage().open(submission.codes_key, "rb") as handle:
                self._codes[submission.codes_key] = np.load(handle, allow_pickle=False)
        return self._codes[submission.codes_key]


def pairwise_difference(
    *, task: Task, submission_a, submission_b, private: bool, inputs: PairInputs | None = None
):
    """Paired-bootstrap difference (a - b) of the task's primary metric on one split; cached.

    Returns None when it cannot be computed (a log-loss task, or predictions not kept). Pass
    ``inputs`` to share the reads of the task's files between several pairs.
    """
    if not pairwise_possible(task=task, submission_a=submission_a, submission_b=submission_b):
        return None
    cache_key = _cache_key(
        task=task, submission_a=submission_a, submission_b=submission_b, private=private
    )
    cached = cache.get(cache_key)
    if cached is not None:
        return cached
    inputs = inputs or PairInputs(task=task)
    key = inputs.key()
    mask = ~key.public if private else key.public
    codes = [inputs.codes(submission) for submission in (submission_a, submission_b)]
    result = paired_bootstrap(
        truth=key.truth[mask],
        predicted_a=codes[0][mask],
        predicted_b=codes[1][mask],
        n_classes=len(task.classes) if task.kind == "classification" else 2,
        metric=task.metric,
    )
    cache.set(cache_key, result, timeout=PAIR_CACHE_SECONDS)
    return result
