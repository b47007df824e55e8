"""Organizer pages of a competition."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from arena.baselines.selectors import baseline_runs_for_task
from arena.competitions import selectors, services
from arena.competitions.forms import BundleImportForm
from arena.core.errors import UserFacingError, wants_json
from arena.core.request_limits import upload_limit
from arena.results.boards import rank_changes
from arena.workflows import task_data
from scoring import METRICS
from scoring.bundle import BundleError


@upload_limit(setting="BUNDLE_UPLOAD_MAX_BYTES")
@login_required
@require_http_methods(["GET", "POST"])
def task_import(request, competition_slug: str):
    competition = selectors.competition_for_organizer(slug=competition_slug, user=request.user)
    form = BundleImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            result = task_data.task_import_zip(
                archive_file=form.cleaned_data["bundle"],
                competition_slug=competition.slug,
                track_name=form.cleaned_data["track"] or None,
                replace=form.cleaned_data["replace"],
                actor=request.user,
            )
        except BundleError as error:
            problems = [str(problem) for problem in error.problems]
        except UserFacingError as error:
            problems = [error.message]
        else:
            task = result.task
            note = (
                f"Task {task.title} updated to version {task.version}; "
                f"{result.rescored} submission(s) queued for re-scoring."
                if result.replaced
                else f"Task {task.title} imported."
            )
            messages.success(request, note)
            task_url = reverse("competitions:task", args=[competition.slug, task.slug])
            if wants_json(request):
                return JsonResponse({"ok": True, "redirect": task_url})
            return redirect(task_url)
    elif request.method == "POST":
        problems = [message for errors in form.errors.values() for message in errors]
    if problems and wants_json(request):
        return JsonResponse(
            {"ok": False, "error": "The bundle was not imported.", "problems": problems},
            status=400,
        )
    return render(
        request,
        "competitions/task_import.html",
        {"competition": competition, "form": form, "problems": problems},
    )


@login_required
@require_http_methods(["GET", "POST"])
def task_manage(request, competition_slug: str, task_slug: str):
    """A task's version, its re-scoring progress and rank changes, and its metric."""
    competition = selectors.competition_for_organizer(slug=competition_slug, user=request.user)
    task = selectors.task_get(competition=competition, slug=task_slug)
    if request.method == "POST" and request.POST.get("action") == "baselines":
        runs = task_data.baselines_queue(
            task=task, preset=request.POST.get("preset") or None, actor=request.user
        )
        messages.success(request, f"{len(runs)} baseline run(s) queued.")
        return redirect("competitions:task_manage", competition.slug, task.slug)
    if request.method == "POST" and request.POST.get("action") == "publish_answers":
        _publish_answers(request, task=task)
        return redirect("competitions:task_manage", competition.slug, task.slug)
    if request.method == "POST":
        try:
            queued = task_data.task_change_metric(
                task=task, metric=request.POST.get("metric", ""), actor=request.user
            )
        except UserFacingError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, f"Metric changed to {task.metric}; {queued} submission(s) re-scoring."
            )
        return redirect("competitions:task_manage", competition.slug, task.slug)
    return render(
        request,
        "competitions/task_manage.html",
        {
            "competition": competition,
            "task": task,
            "metrics": METRICS[task.kind],
            "pending": task.submissions.filter(status__in=["queued", "scoring"]).count(),
            **_baselines(task=task),
            "revealed": selectors.is_revealed(competition=competition),
            "changes": rank_changes(task=task, from_version=task.version - 1)
            if task.version > 1
            else [],
        },
    )


def _publish_answers(request, *, task) -> None:
    """The Manage page's publish button: irreversible, so the form asks the organizer to tick
    that they understand; the service refuses before the reveal."""
    if request.POST.get("confirm") != "yes":
        messages.error(
            request,
            "Tick the box to confirm: once published, the answers cannot be taken back from "
            "anyone who downloaded them.",
        )
        return
    try:
        services.task_answers_publish(task=task, actor=request.user)
    except UserFacingError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, f"The answers of {task.title} are published: they download from its Data tab."
        )


def _baselines(*, task) -> dict:
    runs = baseline_runs_for_task(task=task)
    return {"baseline_runs": runs, "baseline_polling": any(run.is_active for run in runs)}


@login_required
@require_GET
def task_manage_baselines(request, competition_slug: str, task_slug: str):
    """The Manage page's baseline runs as an HTML fragment, polled while any is under way."""
    competition = selectors.competition_for_organizer(slug=competition_slug, user=request.user)
    task = selectors.task_get(competition=competition, slug=task_slug)
    return render(
        request,
        "competitions/_baseline_runs.html",
        {
            "competition": competition,
            "task": task,
            **_baselines(task=task),
        },
    )


@login_required
@require_http_methods(["GET"])
def activity(request, competition_slug: str):
    """Every recorded organizer decision of the competition, newest first."""
    competition = selectors.competition_for_organizer(slug=competition_slug, user=request.user)
    return render(
        request,
        "competitions/activity.html",
        {"competition": competition, "events": selectors.audit_events(competition=competition)},
    )
