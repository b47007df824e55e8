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


def pairwise_difference(*, task: Task, submission_a, submission_b, private: bool):
    """Paired-bootstrap difference (a - b) of the task's primary metric on one split; cached.

    Returns None when it cannot be computed (a log-loss task, or predictions not kept).
    """
    if not pairwise_possible(task=task, submission_a=submission_a, submission_b=submission_b):
        return None
    cache_key = _cache_key(
        task=task, submission_a=submission_a, submission_b=submission_b, private=private
    )
    cached = cache.get(cache_key)
    if cached is not None:
        return cached
    key = answer_key(spec=task_spec(task=task), answers=load_answers(task=task))
    mask = ~key.public if private else key.public
    codes = []
    for submission in (submission_a, submission_b):
        with files.private_storage().open(submission.codes_key, "rb") as handle:
            codes.append(np.load(handle, allow_pickle=False))
    result = paired_bootstrap(
        truth=key.truth[mask],
        predicted_a=codes[0][mask],
        predicted_b=codes[1][mask],
        n_classes=len(task.classes) if task.kind == "classification" else 2,
        metric=task.metric,
    )
    cache.set(cache_key, result, timeout=24 * 3600)
    return result
