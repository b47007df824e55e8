from django.conf import settings
from django.core.management.base import BaseCommand

from arena.workflows.demo import (
    demo_baselines_enqueue,
    demo_builtin_entries,
    demo_builtin_tasks,
    demo_load,
)


class Command(BaseCommand):
    help = "Loads the demo competition, its accounts and the built-in tasks (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-builtin", action="store_true", help="only the small synthetic tasks"
        )

    def handle(self, *args, no_builtin: bool, **options):
        summary = demo_load()
        state = "loaded" if summary.created else "already present"
        self.stdout.write(f"Demo competition {summary.competition.slug!r} {state}.")
        if not no_builtin:
            self.stdout.write("Built-in tasks (built from packages on first run):")
            demo_builtin_tasks(
                competition=summary.competition,
                bundles_dir=settings.ARENA_HOME / "bundles",
                log=self.stdout.write,
            )
            demo_builtin_entries(competition=summary.competition)
        runs = demo_baselines_enqueue(competition=summary.competition)
        if runs:
            self.stdout.write(
                f"{len(runs)} baseline run(s) queued, smallest task first "
                f"(preset {settings.BASELINE_PRESET}, {settings.BASELINE_TIME_LIMIT} s of training "
                "each); follow them on each task's Manage page."
            )
        self.stdout.write("Demo accounts (username / password):")
        for username, password, is_organizer in summary.accounts:
            role = "organizer, admin" if is_organizer else "participant"
            self.stdout.write(f"  {username:<10} {password:<18} ({role})")
