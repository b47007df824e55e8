"""Shared fixtures: real PostgreSQL and Redis started by scripts/test.sh, users alice/bob/charlie,
and a running competition with one classification and one matching task."""

import os
from datetime import timedelta

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"


def pytest_sessionfinish(session, exitstatus):
    # In CI a skipped test hides a missing service or a broken set-up: fail the run instead.
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if IN_CI and skipped:
        reporter.write_line(f"CI=true: {skipped} test(s) were skipped, which CI does not allow.")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """Database tests run on the PostgreSQL that `make test` starts, never on SQLite."""
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    if engine != "django.db.backends.postgresql":
        pytest.fail(f"Database tests need PostgreSQL (got {engine}); run them with `make test`.")


@pytest.fixture
def make_user(db, django_user_model):
    def make(username: str, password: str = "correct-horse-battery-staple"):
        return django_user_model.objects.create_user(username=username, password=password)

    return make


@pytest.fixture
def alice(make_user):
    return make_user("alice")


@pytest.fixture
def bob(make_user):
    return make_user("bob")


@pytest.fixture
def charlie(make_user):
    return make_user("charlie")


@pytest.fixture
def competition(db):
    from django.utils import timezone

    from arena.competitions.services import competition_create

    now = timezone.now()
    return competition_create(
        slug="test-cup",
        title="Test Cup",
        start_at=now - timedelta(days=1),
        end_at=now + timedelta(days=30),
        max_team_size=2,
    )


@pytest.fixture
def products(competition):
    """A small classification task with synthetic data; returns (task, data)."""
    from arena.competitions import synthetic
    from arena.competitions.services import task_create, track_get_or_create

    data = synthetic.classification_data(rows=200, seed=7)
    track = track_get_or_create(
        competition=competition, name="Classification", kind="classification"
    )
    task = task_create(
        competition=competition,
        track=track,
        slug="products",
        title="Products",
        kind="classification",
        metric="macro_f1",
        tables={"train": data.train, "test": data.test},
        answers=data.answers,
        public_fraction=0.5,
    )
    return task, data


@pytest.fixture
def offers(competition):
    """A small matching task with synthetic data; returns (task, data)."""
    from arena.competitions import synthetic
    from arena.competitions.services import task_create, track_get_or_create

    data = synthetic.matching_data(entities=60, seed=3)
    track = track_get_or_create(competition=competition, name="Matching", kind="matching")
    task = task_create(
        competition=competition,
        track=track,
        slug="offers",
        title="Offers",
        kind="matching",
        metric="f1",
        tables={
            "left": data.left,
            "right": data.right,
            "train_pairs": data.train_pairs,
            "test_pairs": data.test_pairs,
        },
        answers=data.answers,
    )
    return task, data


@pytest.fixture
def alice_team(competition, alice):
    from arena.teams.services import team_create

    return team_create(competition=competition, user=alice, name="Alpha")


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture
def gadgets(competition, products):
    """A second classification task (macro-F1, 160 rows) in the products task's track."""
    from arena.competitions import synthetic
    from arena.competitions.services import task_create

    first, _ = products
    data = synthetic.classification_data(rows=160, seed=12)
    return task_create(
        competition=competition, track=first.track, slug="gadgets", title="Gadgets",
        kind="classification", metric="macro_f1", tables={"train": data.train, "test": data.test},
        answers=data.answers, public_fraction=0.5,
    )  # fmt: skip
