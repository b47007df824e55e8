"""The shared test data as plain functions: the fixtures of tests/conftest.py call them per test,
and a module whose tests only read (or roll their changes back) builds the same data once, in a
module-scoped fixture (``world_fixture``). (No name here starts with "test": pytest would
collect it as a test where it is imported.) Building a competition with scored uploads costs
seconds; a module of ten tests need not pay it ten times."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from arena.competitions import synthetic
from arena.competitions.models import Competition, Task
from arena.competitions.services import competition_create, task_create, track_get_or_create
from arena.results.services import competition_results_refresh
from arena.teams.models import Team
from tests.integration.helpers import predictions_with_public_errors, submit_scored
from tests.participants import team_create

PASSWORD = "correct-horse-battery-staple"


def world_fixture(build):
    """A module-scoped fixture, to be named ``world`` in the module: ``build()`` once, its rows
    rolled back when the module is done, so no other module sees them. Each test runs in its
    own savepoint inside (pytest-django's ``db``): what a test changes is gone before the next."""

    @pytest.fixture(scope="module")
    def world(django_db_setup, django_db_blocker):
        with django_db_blocker.unblock(), transaction.atomic():
            yield build()
            transaction.set_rollback(True)

    return world


def world_user_fixture(username: str):
    """A fixture giving the world's user ``username``, fetched for the test: the conftest
    fixture of that name would make a second user beside it."""

    @pytest.fixture
    def user(world, db):
        return get_user_model().objects.get(username=username)

    return user


def user_create(username: str, password: str = PASSWORD):
    return get_user_model().objects.create_user(username=username, password=password)


def running_cup(
    *, slug: str = "test-cup", title: str = "Test Cup", max_team_size: int = 2
) -> Competition:
    """The running competition "Test Cup" (teams of up to two); another ``slug`` and ``title``
    make one like it beside it."""
    now = timezone.now()
    return competition_create(
        slug=slug, title=title, start_at=now - timedelta(days=1),
        end_at=now + timedelta(days=30), max_team_size=max_team_size,
    )  # fmt: skip


def other_cup() -> Competition:
    """A second running competition ("Other Cup", no tracks yet, the default team size)."""
    return running_cup(slug="other-cup", title="Other Cup", max_team_size=5)


def products_task(competition: Competition) -> tuple[Task, synthetic.ClassificationData]:
    """A small classification task (macro-F1, 200 rows, half of the test rows public) in the
    competition's Classification track; returns (task, data)."""
    track = track_get_or_create(
        competition=competition, name="Classification", kind="classification"
    )
    return classification_task(
        competition, track=track, slug="products", title="Products", rows=200, seed=7
    )


def classification_task(
    competition: Competition, *, track, slug: str, title: str, rows: int, seed: int
) -> tuple[Task, synthetic.ClassificationData]:
    """A synthetic classification task (macro-F1, half of the test rows public) in ``track``;
    returns (task, data)."""
    data = synthetic.classification_data(rows=rows, seed=seed)
    task = task_create(
        competition=competition, track=track, slug=slug, title=title, kind="classification",
        metric="macro_f1", tables={"train": data.train, "test": data.test}, answers=data.answers,
        public_fraction=0.5,
    )  # fmt: skip
    return task, data


def gadgets_task(competition: Competition, *, products: Task) -> Task:
    """A second classification task (macro-F1, 160 rows) in the products task's track."""
    task, _ = classification_task(
        competition, track=products.track, slug="gadgets", title="Gadgets", rows=160, seed=12
    )
    return task


def offers_task(competition: Competition) -> tuple[Task, synthetic.MatchingData]:
    """A small matching task (F1) in the competition's Matching track; returns (task, data)."""
    data = synthetic.matching_data(entities=60, seed=3)
    track = track_get_or_create(competition=competition, name="Matching", kind="matching")
    task = task_create(
        competition=competition, track=track, slug="offers", title="Offers", kind="matching",
        metric="f1", answers=data.answers,
        tables={
            "left": data.left, "right": data.right, "train_pairs": data.train_pairs,
            "test_pairs": data.test_pairs,
        },
    )  # fmt: skip
    return task, data


@dataclass(frozen=True)
class MethodsArena:
    """Primary keys only: the tests fetch fresh instances, since a test may change the rows
    (in its savepoint) and an instance kept here would then say what is no longer so."""

    competition_id: int
    first_id: int  # products
    second_id: int  # gadgets


def methods_arena_build() -> MethodsArena:
    """Test Cup with the products and gadgets tasks; the baseline AutoGluon and three teams'
    methods each uploaded (and scored) once per task, with a known number of public errors.
    Built once per module by tests/integration/test_compare.py, and per test, committed for
    the live server, by the browser tests."""
    competition = running_cup()
    first, _ = products_task(competition)
    second = gadgets_task(competition, products=first)
    alice, bob, charlie, robot = (
        user_create(name) for name in ("alice", "bob", "charlie", "robot")
    )
    baseline = team_create(competition=competition, user=robot, name="AutoGluon (fast)")
    Team.objects.filter(pk=baseline.pk).update(is_baseline=True)
    team_create(competition=competition, user=alice, name="Alpha")
    team_create(competition=competition, user=bob, name="=Bravo")
    team_create(competition=competition, user=charlie, name="Charlie")
    plan = [
        (robot, "AutoGluon", (6, 6)),
        (alice, "<b>GBDT</b>", (0, 2)),
        (bob, "LogReg", (12, 10)),
        (charlie, "kNN", (20, 25)),
    ]
    for user, method, (errors_first, errors_second) in plan:
        for task, errors in ((first, errors_first), (second, errors_second)):
            frame = predictions_with_public_errors(task, wrong_public=errors)
            submission = submit_scored(task, user, frame, refresh=False)  # once, below
            submission.method_name = method
            submission.save(update_fields=["method_name"])
    competition_results_refresh(
        competition_id=competition.pk, force=True
    )  # what the worker does after scores
    return MethodsArena(competition.pk, first.pk, second.pk)


def methods_arena_of(world: MethodsArena) -> tuple[Competition, Task, Task]:
    """(competition, products task, gadgets task) of ``world``, fetched now."""
    return (
        Competition.objects.get(pk=world.competition_id),
        Task.objects.get(pk=world.first_id),
        Task.objects.get(pk=world.second_id),
    )
