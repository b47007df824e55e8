"""One visibility policy, checked on every surface that shows a score.

Private scores (and anything computed from them: private means, private ranks, rank tests on
the private split) show to everyone once the results are revealed; before that only to the
competition's organizers (superusers count as organizers). Per-class reports and confusion
matrices follow the same calendar. Around that rule sit the access rules of each surface:
the compare pages are for reviewers and organizers (a reviewer who competes waits for the
reveal), a method page before the reveal is for its own team and those who may compare, a
submission's page is for its team and the organizers, a team's organizer page and the teams'
CSV are for the organizers (the page, like a board asked for nothing, is public until the
reveal; the CSV has no score at all), the API's submission endpoints are for
the team only, and the admin is for staff, each seeing the competitions they organize.

The scores are real (real uploads, scored by the platform's own service), then every figure is
replaced by a sentinel, so a number on a page can be traced to its split: Alpha's private
macro-F1 on Products is 0.7137913 (0.7138 on pages, which round to 4 decimals), its public one
0.9024581 (0.9025). Arena also ran Alpha's method on Products (a run, issue 16): its figures
are sentinels too, and the comparison with runs and its export follow the same policy. For each
(surface, viewer, phase) the table ``POLICY`` says what the
response must be: SECRET (200, and the private sentinel IS there, formatted as that surface
formats it), PUBLIC_ONLY (200, the public sentinel there, no private figure anywhere), NOTHING
(200, no score at all) or a refusal status (no score at all). The explanation surfaces use the
same words for the per-class report and confusion matrix: shown, or hidden.

The data is built once per module inside a transaction that is rolled back at the end; each
test moves the schedule inside its own savepoint.
"""

import io
import json
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from statistics import mean

import pandas as pd
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from arena.api.services import api_token_create
from arena.competitions import synthetic
from arena.competitions.models import Competition, Task
from arena.competitions.services import competition_create, task_create, track_get_or_create
from arena.results.services import competition_results_refresh
from arena.submissions.models import Score, Submission
from arena.submissions.services import (
    submission_create,
    submission_create_for_run,
    submission_score,
)
from arena.teams.models import Team
from tests.builders import world_fixture
from tests.integration.helpers import csv_upload, predictions_with_private_errors
from tests.participants import team_create

pytestmark = pytest.mark.django_db

SLUG = "visibility-cup"
TRACK = "classification"
METRIC = "macro_f1"

# --- the sentinels --------------------------------------------------------------------------

# (team, task): (public, private) macro-F1. Publicly Alpha leads both tasks and Charlie trails;
# privately the order is reversed, so private ranks (and the rank tests on them) differ too.
# Public figures (intervals and other metrics included) lie in 0.85-0.95 and private ones in
# 0.60-0.79, so no figure of one split can be read as, or inside, one of the other.
SCORES = {
    ("Alpha", "products"): (0.9024581, 0.7137913),
    ("Bravo", "products"): (0.8931927, 0.7442289),
    ("Charlie", "products"): (0.8817364, 0.7693571),
    ("Alpha", "gadgets"): (0.9146203, 0.6679251),
    ("Bravo", "gadgets"): (0.9052749, 0.7018846),
    ("Charlie", "gadgets"): (0.8905137, 0.7528463),
}
METHODS = {"Alpha": "AlphaNet", "Bravo": "BravoBoost", "Charlie": "CharlieCat"}
# Arena's run of AlphaNet on Products (issue 16): off every board and the uploads' comparison;
# in the comparison with runs its score is in the tooltip of Alpha's cell ("both").
RUN_SCORES = (0.9263817, 0.6482519)
CI_BELOW, CI_ABOVE = 0.0211237, 0.0187319  # interval = (value - CI_BELOW, value + CI_ABOVE)
OTHER_METRIC_STEP = 0.0012347  # the other metrics of a submission: value - step * (i + 1)


def four(value: float) -> str:
    """How pages show a score (the ``score`` template filter)."""
    return f"{value:.4f}"


def raw(value: float) -> str:
    """How CSV and JSON downloads write one."""
    return repr(value)


def interval(value: float) -> tuple[float, float]:
    return round(value - CI_BELOW, 7), round(value + CI_ABOVE, 7)


def track_mean(team: str, split: int) -> float:
    """A team's mean over the track's tasks, in the track board's order (by title)."""
    return mean(SCORES[(team, task)][split] for task in ("gadgets", "products"))


def stats_line(split: str, team: str, rank: float) -> str:
    """A method's average rank in the statistics export, as its CSV writes the row."""
    return f"{split},Classification,{METHODS[team]},{team},{rank!r}"


PUBLIC, PRIVATE = 0, 1
ALPHA_PUBLIC, ALPHA_PRIVATE = SCORES[("Alpha", "products")]
assert four(ALPHA_PRIVATE) == "0.7138" and four(ALPHA_PUBLIC) == "0.9025"

# --- the people -----------------------------------------------------------------------------

VIEWERS = (
    "anonymous",
    "member_a",  # alice, team Alpha
    "member_b",  # bob, team Bravo
    "organizer",  # olga: organizes the competition (staff, so she has the admin too)
    "reviewer",  # rita: reviews, takes no part
    "competing_reviewer",  # carol: reviews and competes (team Charlie)
    "staff",  # sam: staff with the admin's view permissions, organizes nothing here
    "superuser",  # root
)
TEAM_OF = {"member_a": "Alpha", "member_b": "Bravo", "competing_reviewer": "Charlie"}

# --- the policy -----------------------------------------------------------------------------

SECRET = "secret"  # 200, private figures shown (and checked present)
PUBLIC_ONLY = "public"  # 200, public figures shown, no private figure
NOTHING = "nothing"  # 200, no score of anyone

S, P, N = SECRET, PUBLIC_ONLY, NOTHING
# fmt: off
# One row per rule, one column per viewer:
#                      anon A    B    org  rev  crev staff super
ALL_SECRET =          (S,   S,   S,   S,   S,   S,   S,   S)
ALL_PUBLIC =          (P,   P,   P,   P,   P,   P,   P,   P)
ORGANIZERS_PREVIEW =  (P,   P,   P,   S,   P,   P,   P,   S)  # asking for the private board
NO_SCORES =           (N,   N,   N,   N,   N,   N,   N,   N)
OWN_TEAM_BEFORE =     (N,   P,   P,   N,   N,   P,   N,   N)  # your team's panel, if any
OWN_TEAM_AFTER =      (N,   S,   S,   N,   N,   S,   N,   N)
OWN_LIST_BEFORE =     (302, P,   P,   N,   N,   P,   N,   N)  # the same, login required
OWN_LIST_AFTER =      (302, S,   S,   N,   N,   S,   N,   N)
SUBMISSION_BEFORE =   (302, P,   404, S,   404, 404, 404, S)  # Alpha's: its team, organizers
SUBMISSION_AFTER =    (302, S,   404, S,   404, 404, 404, S)
REVIEWERS_BEFORE =    (403, 403, 403, P,   P,   403, 403, P)  # compare pages
REVIEWERS_PREVIEW =   (403, 403, 403, S,   P,   403, 403, S)
REVIEWERS_AFTER =     (403, 403, 403, S,   S,   S,   403, S)
METHOD_BEFORE =       (403, P,   403, S,   P,   403, 403, S)  # Alpha's method page
API_PUBLIC =          (401, P,   P,   P,   P,   P,   P,   P)
API_PREVIEW =         (401, P,   P,   S,   P,   P,   P,   S)
API_SECRET =          (401, S,   S,   S,   S,   S,   S,   S)
API_OWN_BEFORE =      (401, P,   P,   N,   N,   P,   N,   N)
API_OWN_AFTER =       (401, S,   S,   N,   N,   S,   N,   N)
API_TEAM_BEFORE =     (401, P,   404, 404, 404, 404, 404, 404)  # Alpha's: its team only
API_TEAM_AFTER =      (401, S,   404, 404, 404, 404, 404, 404)
ADMIN_LIST =          (302, 302, 302, S,   302, 302, N,   S)  # staff see what they organize
ADMIN_OBJECT =        (302, 302, 302, S,   302, 302, 302, S)
ORGANIZERS_BEFORE =   (302, 403, 403, P,   403, 403, 403, P)  # organizer pages: no preview
ORGANIZERS_AFTER =    (302, 403, 403, S,   403, 403, 403, S)
ORGANIZERS_NOTHING =  (302, 403, 403, N,   403, 403, 403, N)

# surface:                      (before the reveal,  after it)
POLICY = {
    "task_board":                 (ALL_PUBLIC,         ALL_SECRET),
    "task_board_private":         (ORGANIZERS_PREVIEW, ALL_SECRET),
    "task_board_public":          (ALL_PUBLIC,         ALL_PUBLIC),
    "task_csv":                   (ALL_PUBLIC,         ALL_SECRET),
    "task_csv_private":           (ORGANIZERS_PREVIEW, ALL_SECRET),
    "track_board":                (ALL_PUBLIC,         ALL_SECRET),
    "track_board_private":        (ORGANIZERS_PREVIEW, ALL_SECRET),
    "track_csv":                  (ALL_PUBLIC,         ALL_SECRET),
    "track_csv_private":          (ORGANIZERS_PREVIEW, ALL_SECRET),
    "competition_page":           (NO_SCORES,          NO_SCORES),
    "task_page":                  (OWN_TEAM_BEFORE,    OWN_TEAM_AFTER),
    "submission_list":            (OWN_LIST_BEFORE,    OWN_LIST_AFTER),
    "submission_detail":          (SUBMISSION_BEFORE,  SUBMISSION_AFTER),
    "submission_explanation":     (SUBMISSION_BEFORE,  SUBMISSION_AFTER),
    "comparison":                 (REVIEWERS_BEFORE,   REVIEWERS_AFTER),
    "comparison_private":         (REVIEWERS_PREVIEW,  REVIEWERS_AFTER),
    "pairwise":                   (REVIEWERS_BEFORE,   REVIEWERS_AFTER),
    "pairwise_private":           (REVIEWERS_PREVIEW,  REVIEWERS_AFTER),
    "export_csv":                 (REVIEWERS_PREVIEW,  REVIEWERS_AFTER),
    "export_parquet":             (REVIEWERS_PREVIEW,  REVIEWERS_AFTER),
    "comparison_runs":            (REVIEWERS_BEFORE,   REVIEWERS_AFTER),
    "comparison_runs_private":    (REVIEWERS_PREVIEW,  REVIEWERS_AFTER),
    "export_csv_runs":            (REVIEWERS_PREVIEW,  REVIEWERS_AFTER),
    "statistics_json":            (REVIEWERS_BEFORE,   REVIEWERS_AFTER),
    "statistics_json_private":    (REVIEWERS_PREVIEW,  REVIEWERS_AFTER),
    "statistics_csv_private":     (REVIEWERS_PREVIEW,  REVIEWERS_AFTER),
    "method_page":                (METHOD_BEFORE,      ALL_SECRET),
    "api_task_board":             (API_PUBLIC,         API_SECRET),
    "api_task_board_private":     (API_PREVIEW,        API_SECRET),
    "api_track_board":            (API_PUBLIC,         API_SECRET),
    "api_track_board_private":    (API_PREVIEW,        API_SECRET),
    "api_submissions":            (API_OWN_BEFORE,     API_OWN_AFTER),
    "api_submission_detail":      (API_TEAM_BEFORE,    API_TEAM_AFTER),
    "api_submission_explanation": (API_TEAM_BEFORE,    API_TEAM_AFTER),
    "admin_scores":               (ADMIN_LIST,         ADMIN_LIST),
    "admin_submission":           (ADMIN_OBJECT,       ADMIN_OBJECT),
    "admin_private_score":        (ADMIN_OBJECT,       ADMIN_OBJECT),
    "organizer_team_page":        (ORGANIZERS_BEFORE,  ORGANIZERS_AFTER),
    "organizer_teams_csv":        (ORGANIZERS_NOTHING, ORGANIZERS_NOTHING),
}
# fmt: on
# "ended" (uploads closed, results not out yet) must look exactly like "running".
PHASES = {"running": 0, "ended": 0, "revealed": 1}  # the column of POLICY for each phase

# --- the data -------------------------------------------------------------------------------


@dataclass
class World:
    competition: Competition
    tasks: dict[str, Task]
    teams: dict[str, Team]
    submissions: dict[tuple[str, str], Submission]
    users: dict[str, object | None]
    tokens: dict[str, str | None]
    sessions: dict[str, str] = field(default_factory=dict)  # viewer: session cookie
    run: Submission | None = None  # Arena's run of AlphaNet on Products
    alpha_private_score: int = 0  # the Score row of ALPHA_PRIVATE
    private_figures: set[str] = field(default_factory=set)
    public_figures: set[str] = field(default_factory=set)


def _set_sentinels(
    *, submission: Submission, task: Task, world: World, base: tuple[float, float]
) -> None:
    """Replaces every figure the scorer stored for ``submission`` by a traceable one: ``base``
    (public, private) for the primary metric, a little less for each other metric."""
    scores = list(Score.objects.filter(submission=submission, task_version=task.version))
    others = sorted({score.metric for score in scores} - {METRIC})
    assert {score.metric for score in scores} >= {METRIC} and others, scores
    for score in scores:
        figure = base[PRIVATE if score.split == "private" else PUBLIC]
        step = 0 if score.metric == METRIC else others.index(score.metric) + 1
        score.value = round(figure - OTHER_METRIC_STEP * step, 7)
        score.ci_low, score.ci_high = interval(score.value)
        score.save(update_fields=["value", "ci_low", "ci_high"])
        figures = world.private_figures if score.split == "private" else world.public_figures
        for value in (score.value, score.ci_low, score.ci_high):
            figures.update({raw(value), four(value)})


def _build() -> World:
    now = timezone.now()
    competition = competition_create(
        slug=SLUG, title="Visibility Cup", start_at=now - timedelta(days=1),
        end_at=now + timedelta(days=30),
    )  # fmt: skip
    track = track_get_or_create(
        competition=competition, name="Classification", kind="classification"
    )
    tasks = {}
    for slug, title, rows, seed in (
        ("products", "Products", 200, 7),
        ("gadgets", "Gadgets", 160, 12),
    ):
        data = synthetic.classification_data(rows=rows, seed=seed)
        tasks[slug] = task_create(
            competition=competition, track=track, slug=slug, title=title, kind="classification",
            metric=METRIC, tables={"train": data.train, "test": data.test}, answers=data.answers,
            public_fraction=0.5,
        )  # fmt: skip

    people = get_user_model().objects
    password = "correct-horse-battery-staple"
    users: dict[str, object | None] = {"anonymous": None}
    for viewer, name in (
        ("member_a", "alice"),
        ("member_b", "bob"),
        ("organizer", "olga"),
        ("reviewer", "rita"),
        ("competing_reviewer", "carol"),
        ("staff", "sam"),
    ):
        users[viewer] = people.create_user(username=name, password=password)
    users["superuser"] = people.create_superuser(username="root", email="", password=password)
    view_scores = Permission.objects.filter(
        content_type__app_label="submissions", codename__startswith="view_"
    )
    for viewer in ("organizer", "staff"):
        users[viewer].is_staff = True
        users[viewer].save()
        users[viewer].user_permissions.set(view_scores)
    competition.organizers.add(users["organizer"])
    competition.reviewers.add(users["reviewer"], users["competing_reviewer"])

    teams = {
        name: team_create(competition=competition, user=users[viewer], name=name)
        for viewer, name in TEAM_OF.items()
    }
    owner = {name: users[viewer] for viewer, name in TEAM_OF.items()}
    tokens = {
        viewer: (api_token_create(user=user, name="visibility")[1] if user else None)
        for viewer, user in users.items()
    }
    world = World(competition, tasks, teams, {}, users, tokens)
    for viewer, user in users.items():  # logged in once: the tests reuse the sessions
        if user is not None:
            browser = Client()
            browser.force_login(user)
            world.sessions[viewer] = browser.cookies[settings.SESSION_COOKIE_NAME].value
    for wrong, (team, task_slug) in enumerate(SCORES):
        task = tasks[task_slug]
        frame = predictions_with_private_errors(task, wrong_private=3 * wrong)
        submission = submission_create(
            task=task, user=owner[team], uploaded_file=csv_upload(frame), method_name=METHODS[team]
        )
        assert submission_score(submission_id=submission.pk) == "scored"
        submission.refresh_from_db()
        assert submission.public_details.get("per_class")  # there is a report to hide
        _set_sentinels(
            submission=submission, task=task, world=world, base=SCORES[(team, task_slug)]
        )
        world.submissions[(team, task_slug)] = submission
    world.run = _run_alpha_net(task=tasks["products"], team=teams["Alpha"])
    _set_sentinels(submission=world.run, task=tasks["products"], world=world, base=RUN_SCORES)
    world.alpha_private_score = Score.objects.get(
        submission=world.submissions[("Alpha", "products")], split="private", metric=METRIC
    ).pk
    for team in METHODS:
        for split, figures in ((PRIVATE, world.private_figures), (PUBLIC, world.public_figures)):
            figures.update({raw(track_mean(team, split)), four(track_mean(team, split))})
    # What the worker stores after the scores, computed from the sentinels.
    competition_results_refresh(competition_id=competition.pk, force=True)
    # No figure of one split may be read as one of the other (a substring either way).
    for secret in world.private_figures:
        for shown in world.public_figures:
            assert secret not in shown and shown not in secret, (secret, shown)
    return world


def _run_alpha_net(*, task: Task, team: Team) -> Submission:
    """What the methods worker hands to scoring after running AlphaNet on ``task``."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "predictions.csv"
        predictions_with_private_errors(task, wrong_private=1).to_csv(path, index=False)
        run = submission_create_for_run(
            task=task, team=team, requested_by=None, predictions=path, method_name="AlphaNet",
            comment="Run of AlphaNet v1 by Arena",
        )  # fmt: skip
    assert submission_score(submission_id=run.pk) == "scored"
    return run


world = world_fixture(_build)  # built once per module, rolled back at its end


def move_to(phase: str, competition: Competition) -> None:
    """Moves the schedule (inside the test's savepoint); the data was made while running."""
    if phase == "running":
        return
    now = timezone.now()
    reveal_at = now + timedelta(days=3) if phase == "ended" else None  # None: at the end
    Competition.objects.filter(pk=competition.pk).update(
        start_at=now - timedelta(days=10), end_at=now - timedelta(hours=1), reveal_at=reveal_at
    )


# --- the surfaces ---------------------------------------------------------------------------

Markers = Callable[[World, str], list[str]]


@dataclass(frozen=True)
class Surface:
    path: Callable[[World], str]
    secret: Markers  # must be there when SECRET; none of them otherwise
    public: Markers  # must be there when PUBLIC_ONLY
    api: bool = False  # asked with the viewer's API token instead of a session
    body: str = "text"  # "text", "parquet" (read back as CSV) or "statistics" (JSON as CSV rows)
    guards_scores: bool = True  # no private figure at all unless SECRET (False: explanations)
    post: dict | None = None  # a POST with this form instead of a GET


def alpha(split: int) -> float:
    return SCORES[("Alpha", "products")][split]


def own(viewer: str, split: int) -> float | None:
    team = TEAM_OF.get(viewer)
    return SCORES[(team, "products")][split] if team else None


def cell(value: float) -> str:
    """A score as a page's table cell shows it."""
    return f">{four(value)}</td>"


def own_cell(split: int) -> Markers:
    return lambda w, v: [cell(own(v, split))] if own(v, split) is not None else []


def own_raw(split: int) -> Markers:
    return lambda w, v: [raw(own(v, split))] if own(v, split) is not None else []


def task_path(w: World, rest: str = "") -> str:
    return f"/c/{SLUG}/tasks/products/{rest}"


def api_task_path(w: World, rest: str = "") -> str:
    return f"/api/competitions/{SLUG}/tasks/products/{rest}"


def alpha_submission(w: World) -> int:
    return w.submissions[("Alpha", "products")].pk


def pairwise_path(w: World, board: str = "") -> str:
    a, b = alpha_submission(w), w.submissions[("Bravo", "products")].pk
    ma, mb = f"{w.teams['Alpha'].pk}|AlphaNet", f"{w.teams['Bravo'].pk}|BravoBoost"
    return f"/c/{SLUG}/compare/pairwise/?task=products&a={a}&b={b}&ma={ma}&mb={mb}{board}"


def compare_cell(split: int) -> list[str]:
    """A comparison cell: the score and its interval, to 4 decimals."""
    low, high = interval(alpha(split))
    return [f'{four(alpha(split))}<br><span class="muted">[{four(low)}, {four(high)}]</span>']


def compare_run_cell(split: int) -> list[str]:
    """Alpha's cell in the comparison with runs: its upload's score, marked "both", with the
    run's score in the tooltip."""
    tooltip = f"Arena's newest run of the method scored {four(RUN_SCORES[split])}\">both<"
    return [*compare_cell(split), tooltip]


def pairwise(split: int) -> Markers:
    """The entry to pick (with its score), the two methods' scores side by side, and the
    split the bootstrap of the two chosen entries ran on."""
    name = "private" if split == PRIVATE else "public"
    return lambda w, v: [
        f"AlphaNet (Alpha) — {four(alpha(split))}<",
        board_row(split)(w, v)[0],
        f"Paired bootstrap over the {name} rows",
        *(['id="pairwise-result"'] if split == PUBLIC else []),  # it ran (the same either way)
    ]


def track_cells(split: int) -> Markers:
    return lambda w, v: [
        f'data-value="{raw(alpha(split))}">{four(alpha(split))}<br>',
        f'data-value="{raw(track_mean("Alpha", split))}">{four(track_mean("Alpha", split))}</td>',
    ]


def track_csv_row(split: int) -> Markers:
    rank = 3 if split == PRIVATE else 1  # rank, team, baseline, mean, mean rank, per task: ...
    return lambda w, v: [
        f"{rank},Alpha,False,{raw(track_mean('Alpha', split))},{rank},"
        f"{raw(SCORES[('Alpha', 'gadgets')][split])},{rank},True,{raw(alpha(split))},{rank},True"
    ]


def task_csv_row(split: int) -> Markers:
    if split == PRIVATE:  # rank, team, baseline, private, public, public rank, change, ...
        return lambda w, v: [f"3,Alpha,False,{raw(ALPHA_PRIVATE)},{raw(ALPHA_PUBLIC)},1,-2,1,"]
    return lambda w, v: [f"1,Alpha,False,{raw(ALPHA_PUBLIC)},1,"]


def board_row(split: int) -> Markers:
    return lambda w, v: [f'data-value="{raw(alpha(split))}">{four(alpha(split))}</td>']


def api_board(split: int) -> Markers:
    return lambda w, v: [f'"team":"Alpha","is_baseline":false,"score":{raw(alpha(split))}']


def api_track(split: int) -> Markers:
    return lambda w, v: [f'"mean_score":{raw(track_mean("Alpha", split))}']


def export_row(split: int) -> Markers:
    name = "private" if split == PRIVATE else "public"
    return lambda w, v: [
        f"{alpha_submission(w)},Alpha,AlphaNet,products,Classification,{name},{METRIC},"
        f"{raw(alpha(split))},"
    ]


def export_run_row(split: int) -> Markers:
    name = "private" if split == PRIVATE else "public"
    return lambda w, v: [
        *export_row(split)(w, v),
        f"{w.run.pk},Alpha,AlphaNet,products,Classification,{name},{METRIC},"
        f"{raw(RUN_SCORES[split])},",
    ]


def statistics(split: int) -> Markers:
    name = "private" if split == PRIVATE else "public"
    rank = 3.0 if split == PRIVATE else 1.0  # Alpha leads publicly, trails privately
    return lambda w, v: [stats_line(name, "Alpha", rank), stats_line(name, "Charlie", 4.0 - rank)]


def api_scores(split: int) -> list[str]:
    """Alpha's Products submission as the API gives it: scores by split, then metric."""
    name = "private" if split == PRIVATE else "public"
    return [f'"{name}_scores":{{', f'"{METRIC}":{raw(alpha(split))}']


def none(w: World, v: str) -> list[str]:
    return []


EXPLANATION_SHOWN = ["Per class (public rows)", 'class="confusion']
API_EXPLANATION_SHOWN = ['"explanation":', '"per_class":', '"confusion":']

PRIVATE_BOARD, PUBLIC_BOARD = "?board=private", "?board=public"
SURFACES = {
    "task_board": Surface(
        lambda w: task_path(w, "leaderboard/"), board_row(PRIVATE), board_row(PUBLIC)
    ),
    "task_board_private": Surface(
        lambda w: task_path(w, "leaderboard/" + PRIVATE_BOARD),
        board_row(PRIVATE),
        board_row(PUBLIC),
    ),
    "task_board_public": Surface(
        lambda w: task_path(w, "leaderboard/" + PUBLIC_BOARD), board_row(PRIVATE), board_row(PUBLIC)
    ),
    "task_csv": Surface(
        lambda w: task_path(w, "leaderboard/?format=csv"),
        task_csv_row(PRIVATE),
        task_csv_row(PUBLIC),
    ),
    "task_csv_private": Surface(
        lambda w: task_path(w, "leaderboard/?board=private&format=csv"),
        task_csv_row(PRIVATE),
        task_csv_row(PUBLIC),
    ),
    "track_board": Surface(
        lambda w: f"/c/{SLUG}/tracks/{TRACK}/leaderboard/",
        track_cells(PRIVATE),
        track_cells(PUBLIC),
    ),
    "track_board_private": Surface(
        lambda w: f"/c/{SLUG}/tracks/{TRACK}/leaderboard/{PRIVATE_BOARD}",
        track_cells(PRIVATE),
        track_cells(PUBLIC),
    ),
    "track_csv": Surface(
        lambda w: f"/c/{SLUG}/tracks/{TRACK}/leaderboard/?format=csv",
        track_csv_row(PRIVATE),
        track_csv_row(PUBLIC),
    ),
    "track_csv_private": Surface(
        lambda w: f"/c/{SLUG}/tracks/{TRACK}/leaderboard/?board=private&format=csv",
        track_csv_row(PRIVATE),
        track_csv_row(PUBLIC),
    ),
    "competition_page": Surface(lambda w: f"/c/{SLUG}/", none, none),
    "task_page": Surface(lambda w: task_path(w, "mine/"), own_cell(PRIVATE), own_cell(PUBLIC)),
    "submission_list": Surface(
        lambda w: task_path(w, "submissions/"), own_cell(PRIVATE), own_cell(PUBLIC)
    ),
    "submission_detail": Surface(
        lambda w: task_path(w, f"submissions/{alpha_submission(w)}/"),
        lambda w, v: ["<h2>Private scores</h2>", cell(ALPHA_PRIVATE)],
        lambda w, v: [f">{four(ALPHA_PUBLIC)}<br>"],
    ),
    "submission_explanation": Surface(
        lambda w: task_path(w, f"submissions/{alpha_submission(w)}/"),
        lambda w, v: EXPLANATION_SHOWN,
        lambda w, v: ['id="explanation-hidden"', f">{four(ALPHA_PUBLIC)}<br>"],
        guards_scores=False,
    ),
    "comparison": Surface(
        lambda w: f"/c/{SLUG}/compare/",
        lambda w, v: compare_cell(PRIVATE),
        lambda w, v: compare_cell(PUBLIC),
    ),
    "comparison_private": Surface(
        lambda w: f"/c/{SLUG}/compare/{PRIVATE_BOARD}",
        lambda w, v: compare_cell(PRIVATE),
        lambda w, v: compare_cell(PUBLIC),
    ),
    "pairwise": Surface(pairwise_path, pairwise(PRIVATE), pairwise(PUBLIC)),
    "pairwise_private": Surface(
        lambda w: pairwise_path(w, "&board=private"), pairwise(PRIVATE), pairwise(PUBLIC)
    ),
    "export_csv": Surface(
        lambda w: f"/c/{SLUG}/compare/scores.csv", export_row(PRIVATE), export_row(PUBLIC)
    ),
    "export_parquet": Surface(
        lambda w: f"/c/{SLUG}/compare/scores.parquet",
        export_row(PRIVATE),
        export_row(PUBLIC),
        body="parquet",
    ),
    "comparison_runs": Surface(
        lambda w: f"/c/{SLUG}/compare/?source=runs",
        lambda w, v: compare_run_cell(PRIVATE),
        lambda w, v: compare_run_cell(PUBLIC),
    ),
    "comparison_runs_private": Surface(
        lambda w: f"/c/{SLUG}/compare/{PRIVATE_BOARD}&source=runs",
        lambda w, v: compare_run_cell(PRIVATE),
        lambda w, v: compare_run_cell(PUBLIC),
    ),
    "export_csv_runs": Surface(
        lambda w: f"/c/{SLUG}/compare/scores.csv?source=runs",
        export_run_row(PRIVATE),
        export_run_row(PUBLIC),
    ),
    "statistics_json": Surface(
        lambda w: f"/c/{SLUG}/compare/statistics.json",
        statistics(PRIVATE),
        statistics(PUBLIC),
        body="statistics",
    ),
    "statistics_json_private": Surface(
        lambda w: f"/c/{SLUG}/compare/statistics.json{PRIVATE_BOARD}",
        statistics(PRIVATE),
        statistics(PUBLIC),
        body="statistics",
    ),
    "statistics_csv_private": Surface(
        lambda w: f"/c/{SLUG}/compare/statistics.csv{PRIVATE_BOARD}",
        statistics(PRIVATE),
        statistics(PUBLIC),
    ),
    "method_page": Surface(
        lambda w: f"/c/{SLUG}/methods/{w.teams['Alpha'].pk}/?name=AlphaNet",
        lambda w, v: [cell(ALPHA_PRIVATE), "Private score</th>"],
        lambda w, v: [cell(ALPHA_PUBLIC)],
    ),
    "api_task_board": Surface(
        lambda w: api_task_path(w, "leaderboard/"), api_board(PRIVATE), api_board(PUBLIC), api=True
    ),
    "api_task_board_private": Surface(
        lambda w: api_task_path(w, "leaderboard/" + PRIVATE_BOARD),
        api_board(PRIVATE),
        api_board(PUBLIC),
        api=True,
    ),
    "api_track_board": Surface(
        lambda w: f"/api/competitions/{SLUG}/tracks/{TRACK}/leaderboard/",
        api_track(PRIVATE),
        api_track(PUBLIC),
        api=True,
    ),
    "api_track_board_private": Surface(
        lambda w: f"/api/competitions/{SLUG}/tracks/{TRACK}/leaderboard/{PRIVATE_BOARD}",
        api_track(PRIVATE),
        api_track(PUBLIC),
        api=True,
    ),
    "api_submissions": Surface(
        lambda w: api_task_path(w, "submissions/"),
        lambda w, v: ['"private_scores":', *own_raw(PRIVATE)(w, v)],
        own_raw(PUBLIC),
        api=True,
    ),
    "api_submission_detail": Surface(
        lambda w: api_task_path(w, f"submissions/{alpha_submission(w)}/"),
        lambda w, v: api_scores(PRIVATE),
        lambda w, v: api_scores(PUBLIC),
        api=True,
    ),
    "api_submission_explanation": Surface(
        lambda w: api_task_path(w, f"submissions/{alpha_submission(w)}/"),
        lambda w, v: API_EXPLANATION_SHOWN,
        lambda w, v: api_scores(PUBLIC),
        api=True,
        guards_scores=False,
    ),
    "admin_scores": Surface(
        lambda w: "/admin/submissions/score/",
        lambda w, v: [f'<td class="field-value">{raw(ALPHA_PRIVATE)}</td>'],
        none,
    ),
    "admin_submission": Surface(
        lambda w: f"/admin/submissions/submission/{alpha_submission(w)}/change/",
        lambda w, v: [f"<p>{raw(ALPHA_PRIVATE)}</p>"],  # in the read-only scores inline
        none,
    ),
    "admin_private_score": Surface(
        lambda w: f"/admin/submissions/score/{w.alpha_private_score}/change/",
        lambda w, v: [f'<div class="readonly">{raw(ALPHA_PRIVATE)}</div>'],
        none,
    ),
    "organizer_team_page": Surface(
        lambda w: f"/c/{SLUG}/organize/teams/{w.teams['Alpha'].pk}/",
        lambda w, v: [cell(ALPHA_PRIVATE), "Private score</th>"],
        lambda w, v: [cell(ALPHA_PUBLIC)],
    ),
    "organizer_teams_csv": Surface(lambda w: f"/c/{SLUG}/organize/teams.csv", none, none),
}
assert set(SURFACES) == set(POLICY)


def cases():
    """Every surface for every viewer before and after the reveal; and, wherever the reveal
    changes the answer, between the end and the reveal too (where it must not have changed)."""
    for surface, (before, after) in POLICY.items():
        for viewer, was, becomes in zip(VIEWERS, before, after, strict=True):
            phases = [("running", was), ("ended", was), ("revealed", becomes)]
            for phase, outcome in phases if was != becomes else phases[::2]:
                case_id = f"{surface}-{viewer}-{phase}"
                yield pytest.param(surface, viewer, phase, outcome, id=case_id)


def body_of(response, surface: Surface) -> str:
    if response.status_code != 200:
        return response.content.decode(errors="replace")
    if surface.body == "parquet":
        assert response["Content-Type"] == "application/vnd.apache.parquet"
        return pd.read_parquet(io.BytesIO(response.content)).to_csv(index=False)
    if surface.body == "statistics":
        report = json.loads(response.content)  # written out as the CSV download's rows
        return "\n".join(
            f"{report['split']},{track['track']},{method['method']},{method['team']},"
            f"{method['average_rank']!r}"
            for track in report["tracks"]
            for method in track["methods"]
        )
    return response.content.decode()


def ask(client, world: World, surface: Surface, viewer: str):
    user, token = world.users[viewer], world.tokens[viewer]
    path = surface.path(world)
    headers = {"HX-Request": "true"} if surface.post is not None else {}
    if surface.api:
        headers = {"Authorization": f"Token {token}"} if token else {}
    elif user is not None:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[viewer]
    if surface.post is not None:
        return client.post(path, surface.post, headers=headers)
    return client.get(path, headers=headers)


def shows(body: str, figure: str) -> bool:
    """Whether ``figure`` stands in ``body`` as a number of its own: "0.7301" is not in the
    time "14:13:50.730123" (which once failed this test), but is in "0.7301" and "0.73012"."""
    if figure not in body:  # most are not there, and a substring search is much cheaper
        return False
    return re.search(rf"(?<![\d.]){re.escape(figure)}", body) is not None


def check(response, *, spec: Surface, world: World, viewer: str, outcome) -> None:
    body = body_of(response, spec)
    secret, public = spec.secret(world, viewer), spec.public(world, viewer)
    expected_status = outcome if isinstance(outcome, int) else 200
    assert response.status_code == expected_status, body[:2000]

    if outcome == SECRET:
        missing = [marker for marker in secret if marker not in body]
        assert secret and not missing, f"private figures not shown: {missing}"
        return
    shown = [marker for marker in secret if shows(body, marker)]
    if spec.guards_scores:
        shown += sorted(figure for figure in world.private_figures if shows(body, figure))
    assert not shown, f"private figures shown: {shown}"
    if outcome == PUBLIC_ONLY:
        missing = [marker for marker in public if marker not in body]
        assert public and not missing, f"public figures not shown: {missing}"
    else:  # NOTHING or a refusal: no score of anyone
        scores = sorted(figure for figure in world.public_figures if shows(body, figure))
        assert not scores, f"scores shown: {scores}"


@pytest.mark.parametrize(("surface", "viewer", "phase", "outcome"), list(cases()))
def test_every_surface_follows_the_visibility_policy(
    client, world, surface, viewer, phase, outcome
):
    move_to(phase, world.competition)
    spec = SURFACES[surface]
    check(ask(client, world, spec, viewer), spec=spec, world=world, viewer=viewer, outcome=outcome)


# Choosing a final submission answers with the submission (API) or the team's refreshed panel
# (page, asked by htmx). Only the team may, and only while uploads are open: after the end the
# API refuses (400) and the page shows the panel, with the refusal as a message. Three phases
# here, since the end (not the reveal) closes the choice.
# fmt: off
#                      anon A    B    org  rev  crev staff super
FINAL_POLICY = {
    "api_final":  ((401, P,   404, 404, 404, 404, 404, 404),   # running
                   (401, 400, 404, 404, 404, 404, 404, 404),   # ended
                   (401, 400, 404, 404, 404, 404, 404, 404)),  # revealed
    "page_final": ((302, P,   404, 404, 404, 404, 404, 404),
                   (302, P,   404, 404, 404, 404, 404, 404),
                   (302, S,   404, 404, 404, 404, 404, 404)),
}
# fmt: on
FINAL_SURFACES = {
    "api_final": Surface(
        lambda w: api_task_path(w, f"submissions/{alpha_submission(w)}/final/"),
        lambda w, v: api_scores(PRIVATE),
        lambda w, v: api_scores(PUBLIC),
        api=True,
        post={"final": "true"},
    ),
    "page_final": Surface(
        lambda w: task_path(w, f"submissions/{alpha_submission(w)}/final/"),
        lambda w, v: [cell(ALPHA_PRIVATE)],
        lambda w, v: [cell(ALPHA_PUBLIC)],
        post={"final": "1"},
    ),
}
FINAL_PHASES = {"running": 0, "ended": 1, "revealed": 2}


def final_cases():
    for surface, rows in FINAL_POLICY.items():
        for phase, column in FINAL_PHASES.items():
            for viewer, outcome in zip(VIEWERS, rows[column], strict=True):
                case_id = f"{surface}-{viewer}-{phase}"
                yield pytest.param(surface, viewer, phase, outcome, id=case_id)


@pytest.mark.parametrize(("surface", "viewer", "phase", "outcome"), list(final_cases()))
def test_choosing_a_final_answers_by_the_same_policy(
    client, world, surface, viewer, phase, outcome
):
    move_to(phase, world.competition)
    spec = FINAL_SURFACES[surface]
    check(ask(client, world, spec, viewer), spec=spec, world=world, viewer=viewer, outcome=outcome)
    chosen = Submission.objects.get(pk=alpha_submission(world)).is_final
    assert chosen == (phase == "running" and outcome == PUBLIC_ONLY)  # the team, while it runs


@pytest.mark.parametrize("phase", list(PHASES))
@pytest.mark.parametrize("viewer", VIEWERS)
def test_the_compare_link_shows_where_the_compare_pages_open(client, world, viewer, phase):
    """The competition page links to the compare pages exactly for those they let in."""
    move_to(phase, world.competition)
    if world.users[viewer] is not None:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[viewer]
    page = client.get(f"/c/{SLUG}/").content.decode()
    opens = POLICY["comparison"][PHASES[phase]][VIEWERS.index(viewer)] != 403
    assert (f'href="/c/{SLUG}/compare/"' in page) == opens
