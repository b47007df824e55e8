from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from arena.competitions.recipes import RECIPES


class Command(BaseCommand):
    help = "Builds the built-in task bundles from their recipes (data from installed packages)."

    def add_arguments(self, parser):
        parser.add_argument("out_dir", type=Path)
        parser.add_argument("--only", nargs="*", choices=sorted(RECIPES), help="recipes to run")
        parser.add_argument("--cache", type=Path, default=None, help="download cache folder")

    def handle(self, *args, out_dir: Path, only, cache, **options):
        cache = cache or settings.ARENA_HOME / "cache"
        failed = []
        for slug in only or RECIPES:
            try:
                path = RECIPES[slug].build(root=out_dir, cache=cache)
            except Exception as error:  # one broken recipe must not hide the others
                failed.append(slug)
                self.stderr.write(f"  {slug}: failed: {error}")
                continue
            self.stdout.write(f"  {slug}: {path}")
        if failed:
            raise CommandError(f"{len(failed)} recipe(s) failed: {', '.join(failed)}")
