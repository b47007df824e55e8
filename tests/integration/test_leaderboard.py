import pandas as pd
from django.conf import settings
from django.urls import reverse

from arena.results.boards import leaderboard_for_task
from arena.submissions.services import submission_create
from arena.teams.models import Team
from tests.integration.helpers import csv_upload, score_as_worker
from tests.participants import team_create


def submit(task, user, frame):
    submission = submission_create(task=task, user=user, uploaded_file=csv_upload(frame))
    assert score_as_worker(submission_id=submission.pk) == "scored"
    return submission


def with_wrong_rows(answers, count, classes):
    frame = answers.copy()
    for index in range(count):
        current = frame.at[index, "label"]
        frame.at[index, "label"] = next(c for c in classes if c != current)
    return frame


def test_best_public_score_per_team_ranks_teams_and_ties_share_a_rank(
    competition, products, alice, bob, charlie
):
    task, data = products
    classes = task.classes
    for user, name in ((alice, "Alpha"), (bob, "Bravo"), (charlie, "Charlie")):
        team_create(competition=competition, user=user, name=name)
    submit(task, alice, with_wrong_rows(data.answers, 30, classes))
    submit(task, alice, data.answers)  # alice's best is perfect
    submit(task, bob, data.answers)  # bob ties alice
    submit(task, charlie, with_wrong_rows(data.answers, 40, classes))

    rows = leaderboard_for_task(task=task)
    assert [(row.team_name, row.rank) for row in rows] == [
        ("Alpha", 1),
        ("Bravo", 1),
        ("Charlie", 3),
    ]
    assert rows[0].entries == 2
    assert rows[0].score == 1.0


def test_baseline_is_listed_but_takes_no_rank(competition, products, alice, bob):
    task, data = products
    baseline = team_create(competition=competition, user=bob, name="AutoGluon")
    Team.objects.filter(pk=baseline.pk).update(is_baseline=True)
    team_create(competition=competition, user=alice, name="Alpha")
    submit(task, bob, data.answers)
    submit(task, alice, with_wrong_rows(data.answers, 10, task.classes))
    rows = leaderboard_for_task(task=task)
    assert [(row.team_name, row.rank, row.is_baseline) for row in rows] == [
        ("AutoGluon", None, True),
        ("Alpha", 1, False),
    ]


def test_leaderboard_page_shows_public_scores_only(client, competition, products, alice):
    task, data = products
    team_create(competition=competition, user=alice, name="Alpha")
    answers = pd.read_parquet(settings.PRIVATE_FILES_ROOT / task.answers_path)
    # Wrong on every private row, right on every public one: public 1.0, private 0.0.
    frame = data.answers.copy()
    private_ids = set(answers.loc[answers["usage"] == "private", "id"])
    for index, row_id in enumerate(frame["id"]):
        if row_id in private_ids:
            frame.at[index, "label"] = next(
                c for c in task.classes if c != frame.at[index, "label"]
            )
    submission = submit(task, alice, frame)
    assert submission.scores.get(split="private", metric="macro_f1").value == 0.0
    page = client.get(reverse("leaderboards:task", args=[competition.slug, task.slug])).content
    assert b"1.0000" in page
    assert b"0.0000" not in page


def test_own_team_row_is_highlighted(client, competition, products, alice, bob):
    task, data = products
    team_create(competition=competition, user=alice, name="Alpha")
    team_create(competition=competition, user=bob, name="Bravo")
    submit(task, alice, data.answers)
    submit(task, bob, data.answers)
    client.force_login(bob)
    page = client.get(
        reverse("leaderboards:task", args=[competition.slug, task.slug])
    ).content.decode()
    bravo_row = next(line for line in page.splitlines() if 'data-team="Bravo"' in line)
    alpha_row = next(line for line in page.splitlines() if 'data-team="Alpha"' in line)
    assert 'class="mine"' in bravo_row
    assert 'class="mine"' not in alpha_row
