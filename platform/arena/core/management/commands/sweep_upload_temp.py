"""Deletes upload temporaries left by web processes that died mid-upload (core/upload_temp.py)."""

from django.core.management.base import BaseCommand

from arena.core.upload_temp import upload_temp_sweep


class Command(BaseCommand):
    help = "Delete abandoned upload temporaries (run when a web process starts)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--max-age",
            type=float,
            default=None,
            help="seconds without a write after which a file is abandoned "
            "(default UPLOAD_TEMP_MAX_AGE_SECONDS)",
        )

    def handle(self, *args, max_age=None, **options):
        removed = upload_temp_sweep(max_age_seconds=max_age)
        self.stdout.write(f"{len(removed)} abandoned upload file(s) removed.")
