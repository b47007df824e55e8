"""What a web container does before gunicorn starts, in one Django process: migrate, collect the
static files, sweep abandoned upload temporaries. Three `manage.py` commands booted Django three
times (seconds of CPU each) on every start of a web process."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from arena.core.upload_temp import upload_temp_sweep


class Command(BaseCommand):
    help = "Migrate, collectstatic and sweep upload temporaries: run when a web process starts."

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=options["verbosity"])
        call_command("collectstatic", interactive=False, verbosity=0)
        removed = upload_temp_sweep(max_age_seconds=None)
        self.stdout.write(f"{len(removed)} abandoned upload file(s) removed.")
