"""Shared fixtures: real PostgreSQL and Redis started by scripts/test.sh, users alice/bob/charlie,
and a running competition with one classification and one matching task."""

import os

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"
# Parallel runs (pytest-xdist, as scripts/test.sh runs the suite): the Redis database each worker
# uses as its Celery broker is this plus the worker's number. 0 is a plain run's, and
# tests/e2e/test_database_restart.py uses 7; Redis has 16 unless told otherwise.
FIRST_WORKER_BROKER_DB = 8


# Parallel runs hand out whole modules (scripts/test.sh: --dist loadfile), in collection order:
# the long ones go first, longest first, so none is left to run alone at the end. Roughly the
# seconds each took in a whole run of the suite on a 2-core machine, halved; a module not
# listed runs after these, in the usual order. Only the order depends on this, never an outcome.
LONG_MODULES = {
    "tests/integration/test_visibility_policy.py": 70,
    "tests/integration/test_baselines.py": 56,
    "tests/e2e/test_method_runs.py": 45,
    "tests/e2e/test_worker_recovery.py": 37,
    "tests/integration/test_baseline_embeddings.py": 36,
    "tests/integration/test_head_requests.py": 33,
    "tests/e2e/test_cli.py": 32,
    "tests/e2e/test_faults.py": 28,
    "tests/e2e/test_database_restart.py": 25,
    "tests/integration/test_autogluon_blend.py": 24,
    "tests/e2e/browser/test_layouts.py": 23,
    "tests/e2e/browser/test_account_email.py": 22,
    "tests/integration/test_api_schema.py": 19,
    "tests/integration/test_compare_runs.py": 18,
    "tests/integration/test_recipes.py": 17,
    "tests/e2e/browser/test_participant_journey.py": 14,
    "tests/e2e/test_status_page.py": 14,
    "tests/e2e/browser/test_organizer_and_reviewer.py": 14,
    "tests/unit/scoring/test_cli_under_load.py": 14,
    "tests/e2e/test_storage_faults.py": 13,
    "tests/integration/test_reproduction.py": 13,
    "tests/integration/test_baseline_progress.py": 13,
    "tests/e2e/test_production_stack.py": 12,
    "tests/e2e/test_embedded_broker_prune.py": 11,
    "tests/integration/test_compare.py": 11,
    "tests/integration/test_stored_results.py": 11,
    "tests/unit/test_sandbox.py": 10,
    "tests/e2e/browser/test_upload_and_tables.py": 10,
    "tests/e2e/browser/test_organizer_console.py": 10,
    "tests/e2e/test_baseline_does_not_delay_scoring.py": 10,
    "tests/integration/test_task_import.py": 10,
    "tests/e2e/browser/test_content_security.py": 9,
}


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    if os.environ.get("PYTEST_XDIST_WORKER"):  # every worker collects, in the same order
        items.sort(key=lambda item: -LONG_MODULES.get(item.nodeid.split("::")[0], 0))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_setupnodes(config, specs):
    """Keeps pytest-xdist workers out of each other's way.

    pytest-django gives each worker its own test database (test_arena_gw0, ...). Each also gets
    its own Arena home (task files, uploads, static files, beat's schedule) and its own Redis
    database as the Celery broker, so a worker process started by one test never takes a job
    another test sent, and a test listing stored files sees only its own. Set in the worker's
    environment before it starts, so its settings and every process it starts (Celery workers,
    gunicorn, beat) read the same values."""
    import re
    from pathlib import Path

    home = Path(os.environ.get("ARENA_HOME") or Path(__file__).resolve().parents[1] / "var")
    broker = os.environ.get("CELERY_BROKER_URL", "")
    for number, spec in enumerate(specs):
        worker_home = home / f"gw{number}"
        (worker_home / "static").mkdir(parents=True, exist_ok=True)
        spec.env["ARENA_HOME"] = str(worker_home)
        if broker.startswith("redis://"):
            database = FIRST_WORKER_BROKER_DB + number
            if database > 15:
                raise pytest.UsageError(f"{len(specs)} workers: Redis has databases for 8.")
            spec.env["CELERY_BROKER_URL"] = re.sub(r"/\d*$", f"/{database}", broker)


def pytest_sessionfinish(session, exitstatus):
    # In CI a skipped test hides a missing service or a broken set-up: fail the run instead.
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if IN_CI and skipped:
        reporter.write_line(f"CI=true: {skipped} test(s) were skipped, which CI does not allow.")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(scope="session")
def django_db_keepdb(request):
    """With scripts/test.sh's template (below) the test database exists before Django looks:
    Django then only checks that nothing is left to migrate."""
    return bool(os.environ.get("ARENA_TEST_TEMPLATE_DB")) or request.config.getvalue("reuse_db")


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """Each worker's test database is a copy of one that scripts/test.sh migrated once, beside
    the collection (``ARENA_TEST_TEMPLATE_DB``): four workers migrating from nothing at the same
    time cost the suite tens of seconds of CPU. Without it (pytest run by hand) pytest-django
    migrates as usual."""
    import time
    from pathlib import Path

    import psycopg
    from django.db import connection
    from psycopg import sql

    template = os.environ.get("ARENA_TEST_TEMPLATE_DB")
    if not template:
        return
    ready = Path(os.environ["ARENA_TEST_TEMPLATE_READY"])
    deadline = time.monotonic() + 300
    failed = ready.with_suffix(".failed")
    while not ready.exists():
        if failed.exists():
            pytest.exit(f"The template test database was not migrated:\n{failed.read_text()}", 1)
        if time.monotonic() > deadline:
            pytest.exit("The template test database was not migrated within 5 minutes.", 1)
        time.sleep(0.1)
    name = connection.creation._get_test_db_name()
    server = connection.settings_dict
    # Connected to the maintenance database: a copy needs its template free of sessions.
    with psycopg.connect(
        host=server["HOST"], port=server["PORT"], user=server["USER"],
        password=server["PASSWORD"] or None, dbname="postgres", autocommit=True,
    ) as admin:  # fmt: skip
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        admin.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(template)
            )
        )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """Database tests run on the PostgreSQL that `make test` starts, never on SQLite."""
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    if engine != "django.db.backends.postgresql":
        pytest.fail(f"Database tests need PostgreSQL (got {engine}); run them with `make test`.")


@pytest.fixture
def make_user(db):
    from tests.builders import PASSWORD, user_create

    def make(username: str, password: str = PASSWORD):
        return user_create(username, password)

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
    from tests.builders import running_cup

    return running_cup()


@pytest.fixture
def products(competition):
    """A small classification task with synthetic data; returns (task, data)."""
    from tests.builders import products_task

    return products_task(competition)


@pytest.fixture
def offers(competition):
    """A small matching task with synthetic data; returns (task, data)."""
    from tests.builders import offers_task

    return offers_task(competition)


@pytest.fixture
def organizer(competition, make_user):
    """olga, an organizer of the competition."""
    olga = make_user("olga")
    competition.organizers.add(olga)
    return olga


@pytest.fixture
def broker():
    """The Redis broker of the test run, its `scoring` and `methods` queues emptied before and
    after the test, so a test can read what its own code sent."""
    import redis
    from django.conf import settings

    connection = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    connection.delete("methods", "scoring")
    yield connection
    connection.delete("methods", "scoring")


@pytest.fixture
def alice_team(competition, alice):
    from tests.participants import team_create

    return team_create(competition=competition, user=alice, name="Alpha")


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture
def other_competition(db):
    """A second running competition ("Other Cup", no tracks yet): where a method of Test Cup is
    run by its reviewers, as a task imported after the challenge would be."""
    from tests.builders import other_cup

    return other_cup()


@pytest.fixture
def gadgets(competition, products):
    """A second classification task (macro-F1, 160 rows) in the products task's track."""
    from tests.builders import gadgets_task

    return gadgets_task(competition, products=products[0])


class MailServer:
    """A real SMTP server on loopback (aiosmtpd) that keeps what arrives. ``messages`` holds
    ``email.message.EmailMessage`` objects; ``wait_for(n)`` blocks until n have arrived."""

    def __init__(self) -> None:
        import threading

        self.messages: list = []
        self._arrived = threading.Condition()

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's handler hook
        import email
        from email import policy

        message = email.message_from_bytes(envelope.content, policy=policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        with self._arrived:
            self.messages.append(message)
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, count: int = 1, timeout: float = 10):
        with self._arrived:
            if not self._arrived.wait_for(lambda: len(self.messages) >= count, timeout=timeout):
                raise AssertionError(f"{len(self.messages)} of {count} e-mails arrived")
        return self.messages[count - 1]

    def to(self, address: str) -> list:
        return [m for m in self.messages if address in m["X-Envelope-To"]]

    @staticmethod
    def body(message) -> str:
        return message.get_body(preferencelist=("plain",)).get_content()


@pytest.fixture
def mail_server(settings, db):
    """Starts a real SMTP server on a free loopback port and points Django's SMTP backend at
    it for the test (pytest-django would otherwise swap in the in-memory backend)."""
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = MailServer()
    controller = Controller(server, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.DEFAULT_FROM_EMAIL = "Arena <arena@example.org>"
    try:
        yield server
    finally:
        controller.stop()
