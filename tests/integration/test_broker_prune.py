"""The embedded broker's table is pruned of delivered messages, and of nothing else.

kombu's SQLAlchemy transport marks a delivered message ``visible = false`` and keeps the row for
ever; ``broker_messages_prune`` (run by beat) deletes those delivered longer ago than the
retention. Here on a real broker file, with messages put and taken through kombu itself.
"""

import sqlite3
from datetime import datetime, timedelta

from django.conf import settings
from kombu import Connection

from arena.core.services import broker_messages_prune


def _rows(path) -> list[tuple[str, bool, int]]:
    with sqlite3.connect(path) as database:
        return database.execute(
            "SELECT q.name, m.visible, count(*) FROM kombu_message m "
            "JOIN kombu_queue q ON q.id = m.queue_id GROUP BY q.name, m.visible ORDER BY 1, 2"
        ).fetchall()


def test_prune_deletes_only_messages_delivered_before_the_retention(tmp_path):
    path = tmp_path / "broker.sqlite3"
    url = f"arenasqla+sqlite:///{path}?timeout=20"
    with Connection(url) as connection:
        scoring = connection.SimpleQueue("scoring")
        waiting = connection.SimpleQueue("waiting")
        for number in range(6):
            scoring.put({"n": number})
        waiting.put({"n": "waits"})
        for _ in range(4):
            scoring.get(timeout=5).ack()
        scoring.close()
        waiting.close()
    assert _rows(path) == [("scoring", 0, 4), ("scoring", 1, 2), ("waiting", 1, 1)]
    # Three of the four were delivered an hour ago, on the clock kombu stamps them with.
    an_hour_ago = (datetime.now() - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M:%S.%f")  # noqa: DTZ005
    with sqlite3.connect(path) as database:
        database.execute(
            "UPDATE kombu_message SET timestamp = ? WHERE id IN "
            "(SELECT id FROM kombu_message WHERE visible = 0 ORDER BY id LIMIT 3)",
            (an_hour_ago,),
        )

    assert broker_messages_prune(older_than=timedelta(minutes=5), broker_url=url) == 3
    assert _rows(path) == [("scoring", 0, 1), ("scoring", 1, 2), ("waiting", 1, 1)]
    assert broker_messages_prune(older_than=timedelta(0), broker_url=url) == 1
    assert _rows(path) == [("scoring", 1, 2), ("waiting", 1, 1)]

    # What waits is still delivered, in order.
    with Connection(url) as connection:
        scoring = connection.SimpleQueue("scoring")
        assert [scoring.get(timeout=5).payload["n"] for _ in range(2)] == [4, 5]
        scoring.close()


def test_prune_is_a_no_op_on_another_broker():
    assert settings.CELERY_BROKER_URL.startswith("redis://")  # as `make test` runs it
    assert broker_messages_prune(older_than=timedelta(0)) is None


def test_beat_runs_the_prune():
    entry = settings.CELERY_BEAT_SCHEDULE["prune-broker-messages"]
    assert entry["task"] == "arena.core.tasks.prune_broker_messages"
    assert entry["schedule"] == settings.BROKER_PRUNE_INTERVAL_SECONDS
