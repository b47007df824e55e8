from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from arena.core.errors import UserFacingError
from arena.workflows.task_data import task_import
from scoring.bundle import BundleError


class Command(BaseCommand):
    help = (
        "Imports a task bundle (see docs/DATASETS.md) into a competition, creating the "
        "competition and track if needed. Nothing is imported if the bundle has any problem."
    )

    def add_arguments(self, parser):
        parser.add_argument("bundle_dir", type=Path)
        parser.add_argument("--competition", required=True, help="competition slug")
        parser.add_argument("--track", help="track name (default: Classification or Matching)")
        parser.add_argument(
            "--update",
            action="store_true",
            help="replace the task with the same slug and re-score its submissions",
        )
        parser.add_argument("--yes", action="store_true", help="do not ask to confirm --update")

    def handle(self, *args, bundle_dir: Path, competition: str, track, update, yes, **options):
        if update and not yes:
            answer = input(
                "This replaces the task's data and re-scores every submission. Continue? [y/N] "
            )
            if answer.strip().lower() not in ("y", "yes"):
                raise CommandError("Update cancelled; nothing changed.")
        try:
            result = task_import(
                bundle_dir=bundle_dir,
                competition_slug=competition,
                track_name=track,
                replace=update,
            )
        except BundleError as error:
            for problem in error.problems:
                self.stderr.write(f"  - {problem}")
            raise CommandError(
                f"{bundle_dir} was not imported: {len(error.problems)} problem(s) above."
            ) from None
        except UserFacingError as error:
            raise CommandError(error.message) from None
        task = result.task
        if result.replaced:
            self.stdout.write(
                f"Updated {competition}/{task.slug} to version {task.version}; "
                f"{result.rescored} submission(s) queued for re-scoring."
            )
        else:
            self.stdout.write(
                f"Imported {competition}/{task.slug} ({task.kind}, {task.test_rows} test rows) "
                f"into track {task.track.name}."
            )
