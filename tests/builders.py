"""The shared test data as plain functions: the fixtures of tests/conftest.py call them per test,
and a module whose tests only read (or roll their changes back) builds the same data once, in a
module-scoped fixture (``world_fixture``). (No name here starts with "test": pytest would
collect it as a test where it is imported.) Building a competition with scored uploads costs
seconds; a module of ten tests need not pay it ten times."""

from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from arena.competitions import synthetic
from arena.competitions.models import Competition, Task
from arena.competitions.services import competition_create, task_create, track_get_or_create

PASSWORD = "correct-horse-battery-staple"


@contextmanager
def rolled_back(django_db_blocker):
    """For a module-scoped fixture: what is built inside is rolled back when the module is done,
    so no other module sees it. Each test runs in its own savepoint inside (pytest-django's
    ``db``), so what a test changes is gone before the next one starts."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


def world_fixture(build):
    """A module-scoped fixture, to be named ``world`` in the module: ``build()`` once, its rows
    rolled back when the module is done, so no other module sees them."""

    @pytest.fixture(scope="module")
    def world(django_db_setup, django_db_blocker):
        with rolled_back(django_db_blocker):
            yield build()

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


def running_cup(*, slug: str = "test-cup", title: str = "Test Cup") -> Competition:
    """The running competition "Test Cup" (teams of up to two); another ``slug`` and ``title``
    make one like it beside it."""
    now = timezone.now()
    return competition_create(
        slug=slug, title=title, start_at=now - timedelta(days=1),
        end_at=now + timedelta(days=30), max_team_size=2,
    )  # fmt: skip


def other_cup() -> Competition:
    """A second running competition ("Other Cup", no tracks yet)."""
    now = timezone.now()
    return competition_create(
        slug="other-cup", title="Other Cup", start_at=now - timedelta(days=1),
        end_at=now + timedelta(days=30),
    )  # fmt: skip


def products_task(competition: Competition) -> tuple[Task, synthetic.ClassificationData]:
    """A small classification task (macro-F1, 200 rows, half of the test rows public) in the
    competition's Classification track; returns (task, data)."""
    data = synthetic.classification_data(rows=200, seed=7)
    track = track_get_or_create(
        competition=competition, name="Classification", kind="classification"
    )
    task = task_create(
        competition=competition, track=track, slug="products", title="Products",
        kind="classification", metric="macro_f1", tables={"train": data.train, "test": data.test},
        answers=data.answers, public_fraction=0.5,
    )  # fmt: skip
    return task, data


def classification_task(
    competition: Competition, *, track, slug: str, title: str, rows: int, seed: int
) -> Task:
    """A synthetic classification task (macro-F1, half of the test rows public) in ``track``."""
    data = synthetic.classification_data(rows=rows, seed=seed)
    return task_create(
        competition=competition, track=track, slug=slug, title=title, kind="classification",
        metric="macro_f1", tables={"train": data.train, "test": data.test}, answers=data.answers,
        public_fraction=0.5,
    )  # fmt: skip


def gadgets_task(competition: Competition, *, products: Task) -> Task:
    """A second classification task (macro-F1, 160 rows) in the products task's track."""
    return classification_task(
        competition, track=products.track, slug="gadgets", title="Gadgets", rows=160, seed=12
    )


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
