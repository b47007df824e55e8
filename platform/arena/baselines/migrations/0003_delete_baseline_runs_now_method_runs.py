"""Deletes BaselineRun: a built-in baseline's run is now a methods.MethodRun of the baseline
team's method version (docs/METHODS.md, "Built-in baselines are methods too"). The old rows are
not carried over; their submissions stay on the boards."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("baselines", "0002_lease_heartbeat_attempts_and_enqueue_time"),
    ]

    operations = [
        migrations.DeleteModel(name="BaselineRun"),
    ]
