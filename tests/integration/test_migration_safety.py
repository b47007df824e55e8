"""Upgrades run migrations while the old code still serves (docs/OPERATIONS.md, *Upgrade*), so a
column added to an existing table must not break the old code's inserts: it is nullable or has a
database default. Migrations from before this rule are exempt: no deployment ran them live."""

from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import AddField
from django.db.models import NOT_PROVIDED

OUR_APPS = {"accounts", "api", "baselines", "competitions", "core", "submissions", "teams"}
# The last migration of each app written before the rule; later ones must follow it.
BEFORE_THE_RULE = {
    "competitions": 7,
    "submissions": 6,
    "teams": 1,
    "baselines": 1,
    "api": 1,
    "core": 1,
}


def test_added_columns_keep_old_code_inserting():
    loader = MigrationLoader(None, ignore_no_migrations=True)  # from disk; no database needed
    unsafe = []
    for (app, name), migration in loader.disk_migrations.items():
        if app not in OUR_APPS or int(name[:4]) <= BEFORE_THE_RULE.get(app, 0):
            continue
        for operation in migration.operations:
            if not isinstance(operation, AddField):
                continue
            field = operation.field
            if field.null or field.db_default is not NOT_PROVIDED or field.many_to_many:
                continue
            unsafe.append(f"{app}.{name}: {operation.model_name}.{operation.name}")
    assert not unsafe, "NOT NULL columns without a database default:\n" + "\n".join(unsafe)
