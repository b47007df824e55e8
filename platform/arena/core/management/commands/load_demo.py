from django.core.management.base import BaseCommand

from arena.core.demo import demo_load


class Command(BaseCommand):
    help = "Loads the demo competition and accounts (safe to run again)."

    def handle(self, *args, **options):
        summary = demo_load()
        state = "loaded" if summary.created else "already present"
        self.stdout.write(f"Demo competition {summary.competition.slug!r} {state}.")
        self.stdout.write("Demo accounts (username / password):")
        for username, password, is_organizer in summary.accounts:
            role = "organizer, admin" if is_organizer else "participant"
            self.stdout.write(f"  {username:<10} {password:<18} ({role})")
