"""The embedded broker's transport (`make demo`: SQLite through SQLAlchemy), in a module of its
own so that only processes on that broker import kombu's SQLAlchemy transport (and SQLAlchemy):
arena.celery names it by path."""

from kombu.transport.sqlalchemy import Transport as SQLAlchemyTransport


class FastPollingSQLAlchemyTransport(SQLAlchemyTransport):
    """kombu's SQLAlchemy transport polling every 0.1 s instead of every second.

    The option cannot be passed through ``broker_transport_options``: this transport hands every
    option to SQLAlchemy's ``create_engine``, which rejects it. A subclass registered under its own
    URL scheme ("arenasqla+sqlite:///...") is the way that works.
    """

    polling_interval = 0.1
