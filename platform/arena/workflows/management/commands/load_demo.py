from django.conf import settings
from django.core.management.base import BaseCommand

from arena.workflows.demo import demo_builtin_entries, demo_builtin_tasks, demo_load


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
        self.stdout.write("Demo accounts (username / password):")
        for username, password, is_organizer in summary.accounts:
            role = "organizer, admin" if is_organizer else "participant"
            self.stdout.write(f"  {username:<10} {password:<18} ({role})")
