"""Issue 19, small: in the per-class report of the public rows, a class that no public row has
shows recall and F1 as "–" (undefined), not 0.0000, which read as a class the method got all
wrong."""

import re

import pytest

from arena.competitions import synthetic
from arena.competitions.services import task_create, track_get_or_create
from tests.integration.helpers import submit_scored
from tests.participants import team_create

pytestmark = pytest.mark.django_db
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def test_a_class_without_public_rows_shows_dashes_not_zeros(client, competition, alice):
    data = synthetic.classification_data(rows=200, seed=7)
    answers = data.answers.copy()
    rare = sorted(answers["label"].unique())[-1]
    # Every row of the rare class is private; the others alternate.
    answers["usage"] = [
        "private" if label == rare or index % 2 else "public"
        for index, label in enumerate(answers["label"])
    ]
    track = track_get_or_create(
        competition=competition, name="Classification", kind="classification"
    )
    task = task_create(
        competition=competition, track=track, slug="rare", title="Rare", kind="classification",
        metric="macro_f1", tables={"train": data.train, "test": data.test}, answers=answers,
    )  # fmt: skip
    competition.explanations_before_reveal = True
    competition.save(update_fields=["explanations_before_reveal"])
    team_create(competition=competition, user=alice, name="Alpha")
    # Predicts the rare class on a public row, so it has a precision row of its own.
    frame = answers[["id", "label"]].copy()
    public_row = answers.index[answers["usage"] == "public"][0]
    frame.at[public_row, "label"] = rare
    submission = submit_scored(task, alice, frame)
    client.force_login(alice, backend=MODEL_BACKEND)
    page = client.get(
        f"/c/{competition.slug}/tasks/{task.slug}/submissions/{submission.pk}/"
    ).content.decode()
    row = re.search(rf"<tr><td>{rare}</td>(.*?)</tr>", page, re.S)
    assert row is not None, "the rare class has a row"
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1))
    assert cells[1:3] == ["–", "–"]  # recall and F1: undefined without support
    assert cells[-1] == "0"  # its support
    others = re.findall(r"data-no-support", page)
    assert len(others) == 1  # only the rare class lacks public rows
