"""A team's methods: push a package, list versions, read a version's manifest and files."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from arena.competitions.models import Task
from arena.competitions.selectors import competition_get
from arena.core.errors import UserFacingError
from arena.core.files import private_storage
from arena.core.request_limits import upload_limit
from arena.methods import selectors, services
from arena.methods.forms import MethodPushForm
from arena.methods.models import MethodRun
from arena.methods.package import PackageError
from arena.methods.runs import run_request
from arena.submissions.models import PENDING_STATUSES
from arena.teams.selectors import team_for_user


@upload_limit(setting="METHOD_UPLOAD_MAX_BYTES")
@login_required
@require_http_methods(["GET", "POST"])
def team_methods(request, competition_slug: str):
    competition = competition_get(slug=competition_slug)
    team = team_for_user(competition=competition, user=request.user)
    form = MethodPushForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and team is not None and form.is_valid():
        try:
            result = services.method_push_zip(
                team=team, user=request.user, archive_file=form.cleaned_data["package"]
            )
        except PackageError as error:
            problems = [str(problem) for problem in error.problems]
        except UserFacingError as error:
            problems = [error.message]
        else:
            version = result.version
            if result.created:
                messages.success(request, f"{version.method.name} version {version.number} pushed.")
            else:
                messages.info(
                    request,
                    f"These files are already {version.method.name} version {version.number}; "
                    "nothing new was stored.",
                )
            return redirect("methods:team", competition_slug=competition.slug)
    return render(
        request,
        "methods/team_methods.html",
        {
            "competition": competition,
            "team": team,
            "methods": selectors.methods_of_team(team=team) if team else [],
            "form": form,
            "problems": problems,
        },
        status=400 if problems else 200,
    )


def _visible_version(request, competition_slug: str, version_id: int):
    """The competition and the version, if the user may see its code; "not found" otherwise."""
    competition = competition_get(slug=competition_slug)
    version = selectors.version_for_viewer(
        competition=competition, version_id=version_id, user=request.user
    )
    if version is None:
        raise Http404("No such method version")
    return competition, version


@login_required
@require_GET
def version_detail(request, competition_slug: str, version_id: int):
    competition, version = _visible_version(request, competition_slug, version_id)
    runs = selectors.runs_of_version(version=version)
    pending = any(run.status in (MethodRun.Status.QUEUED, MethodRun.Status.RUNNING) for run in runs)
    scoring = any(run.submission and run.submission.status in PENDING_STATUSES for run in runs)
    return render(
        request,
        "methods/version_detail.html",
        {
            "competition": competition,
            "version": version,
            "manifest": version.manifest,
            "runs": runs,
            "tasks": selectors.runnable_tasks(version=version, user=request.user),
            # Runs take minutes: the page follows them by itself while any is under way.
            "refresh_seconds": 5 if pending or scoring else None,
        },
    )


@login_required
@require_POST
def version_run(request, competition_slug: str, version_id: int):
    competition, version = _visible_version(request, competition_slug, version_id)
    chosen = request.POST.get("task", "")
    task = Task.objects.filter(pk=int(chosen)).first() if chosen.isdigit() else None
    if task is None:
        messages.error(request, "Choose a task to run the method on.")
    else:
        try:
            run_request(version=version, task=task, user=request.user)
        except UserFacingError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                f"{version.method.name} v{version.number} is queued to run on {task.title}.",
            )
    return redirect("methods:version", competition_slug=competition.slug, version_id=version.pk)


@login_required
@require_GET
def version_download(request, competition_slug: str, version_id: int):
    competition, version = _visible_version(request, competition_slug, version_id)
    slug = "".join(ch if ch.isalnum() else "-" for ch in version.method.name.lower()).strip("-")
    return FileResponse(
        private_storage().open(version.archive_key, "rb"),
        as_attachment=True,
        filename=f"{slug or 'method'}-v{version.number}.zip",
        content_type="application/zip",
    )


@login_required
@require_POST
def ask_run(request, competition_slug: str):
    """ "What would this method do on that task?": the method page's one button. Runs the
    newest version of the team's method of that name, then shows the version's page, which
    follows the run until its answer is in."""
    competition = competition_get(slug=competition_slug)
    team_id, name = request.POST.get("team", ""), request.POST.get("name", "")
    chosen = request.POST.get("task", "")
    task = Task.objects.filter(pk=int(chosen)).first() if chosen.isdigit() else None
    version = (
        selectors.newest_version(competition=competition, team_id=int(team_id), name=name)
        if team_id.isdigit()
        else None
    )
    back = (
        reverse("compare:method", args=[competition.slug, team_id or 0])
        + "?"
        + urlencode({"name": name})
    )
    if version is None:
        messages.error(
            request,
            f"{name or 'This method'} was not handed in as code, so Arena cannot run it: only "
            "methods pushed to Arena (Team → Methods) run.",
        )
        return redirect(back)
    if task is None:
        messages.error(request, "Choose a task to run the method on.")
        return redirect(back)
    try:
        run_request(version=version, task=task, user=request.user)
    except UserFacingError as error:
        messages.error(request, error.message)
        return redirect(back)
    messages.success(
        request,
        f"{version.method.name} v{version.number} is queued to run on {task.title}; this page "
        "shows its answer when the run ends.",
    )
    return redirect(reverse("methods:version", args=[competition.slug, version.pk]) + "#runs")
