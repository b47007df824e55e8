"""Recomputes tasks' datasheets from their stored public tables: after a release that shows more
of the data (sample pairs of a matching task, say), tasks imported before it get the new parts
without a re-import, which would raise their version and re-score everything."""

import pandas as pd
from django.core.management.base import BaseCommand

from arena.competitions.models import Task
from arena.competitions.services import task_datasheet_rebuild


class Command(BaseCommand):
    help = "Recompute the datasheets of tasks from their stored public tables."

    def add_arguments(self, parser):
        parser.add_argument("--competition", help="only this competition's tasks (its slug)")

    def handle(self, *args, competition=None, **options):
        tasks = Task.objects.select_related("competition").order_by("pk")
        if competition:
            tasks = tasks.filter(competition__slug=competition)
        for task in tasks:
            try:
                task_datasheet_rebuild(task=task)
            except (OSError, ValueError, pd.errors.ParserError) as failed:
                self.stderr.write(f"{task}: not rebuilt ({failed})")
            else:
                self.stdout.write(f"{task}: datasheet rebuilt")
