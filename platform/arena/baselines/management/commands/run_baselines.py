from django.core.management.base import BaseCommand, CommandError

from arena.baselines.methods import METHODS
from arena.baselines.services import baseline_runs_enqueue
from arena.competitions.models import Task
from arena.methods.runs import run_execute


class Command(BaseCommand):
    help = (
        "Queues runs of the built-in baselines on the methods queue (every task, or one, every "
        "method or one); with --now runs them here, in the sandbox, and waits."
    )

    def add_arguments(self, parser):
        parser.add_argument("--competition", help="competition slug (default: all)")
        parser.add_argument("--task", help="task slug")
        parser.add_argument("--method", choices=sorted(METHODS))
        parser.add_argument("--preset", choices=["fast", "medium"])
        parser.add_argument("--time-limit", type=int)
        parser.add_argument(
            "--now", action="store_true", help="run here and wait instead of queueing"
        )

    def handle(self, *args, competition, task, method, preset, time_limit, now, **options):
        tasks = Task.objects.select_related("competition")
        if competition:
            tasks = tasks.filter(competition__slug=competition)
        if task:
            tasks = tasks.filter(slug=task)
        if not tasks.exists():
            raise CommandError("No task matches.")
        for chosen in tasks:
            runs = baseline_runs_enqueue(
                task=chosen,
                methods=[method] if method else None,
                preset=preset,
                time_limit=time_limit,
            )
            for run in runs:
                if now:
                    outcome = run_execute(run_id=run.pk)
                    self.stdout.write(f"{chosen}: {run.version} {outcome}")
                else:
                    self.stdout.write(f"{chosen}: queued {run.version} (run #{run.pk})")
