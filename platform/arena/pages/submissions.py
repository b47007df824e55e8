from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from arena.competitions.selectors import competition_get, is_revealed, task_get, user_is_organizer
from arena.core.errors import UserFacingError, wants_json
from arena.core.request_limits import upload_limit
from arena.methods.reproduction import reproduction_request, reproduction_verdicts, version_named
from arena.pages.panels import panel_with_reproductions
from arena.results.panels import submission_explanation
from arena.results.visibility import private_visible
from arena.submissions import selectors, services
from arena.submissions.downloads import submission_file_response
from arena.submissions.forms import SubmissionUploadForm
from arena.teams.selectors import team_for_user


def _own_submission(request, competition_slug: str, task_slug: str, submission_id: int):
    """A submission of the requesting user's team (anything else is "not found")."""
    competition = competition_get(slug=competition_slug)
    task = task_get(competition=competition, slug=task_slug)
    submission = selectors.submission_for_viewer(
        task=task,
        submission_id=submission_id,
        user=request.user,
        is_organizer=False,
        include_private=False,
    )
    return competition, task, submission


def _viewable_submission(request, competition_slug: str, task_slug: str, submission_id: int):
    """A submission of the user's team, or any for the organizers (anything else: not found),
    with private scores attached only where the reveal rule lets this user see them."""
    competition = competition_get(slug=competition_slug)
    task = task_get(competition=competition, slug=task_slug)
    submission = selectors.submission_for_viewer(
        task=task,
        submission_id=submission_id,
        user=request.user,
        is_organizer=user_is_organizer(competition=competition, user=request.user),
        include_private=private_visible(competition=competition, user=request.user),
    )
    return competition, task, submission


@upload_limit(setting="SUBMISSION_MAX_BYTES")
@login_required
@require_POST
def submission_upload(request, competition_slug: str, task_slug: str):
    competition = competition_get(slug=competition_slug)
    task = task_get(competition=competition, slug=task_slug)
    task_url = reverse("submissions:upload", args=[competition.slug, task.slug])
    form = SubmissionUploadForm(request.POST, request.FILES)
    error = None
    submission = None
    if not form.is_valid():
        error = " ".join(message for errors in form.errors.values() for message in errors)
    else:
        try:
            # Checked before the upload is stored: a wrong name refuses the whole upload.
            version = version_named(
                team=team_for_user(competition=competition, user=request.user),
                task=task,
                choice=request.POST.get("method_version", ""),
            )
            submission = services.submission_create(
                task=task,
                user=request.user,
                uploaded_file=form.cleaned_data["file"],
                comment=form.cleaned_data["comment"],
                method_name=form.cleaned_data["method_name"]
                or (version.method.name if version else ""),
                tags=form.cleaned_data["tags"],
                code_url=form.cleaned_data["code_url"],
                client_key=request.headers.get("Idempotency-Key"),
                require_method_name=True,
            )
            if version is not None:
                reproduction_request(submission=submission, version=version, user=request.user)
        except UserFacingError as refusal:
            error = refusal.message
    if wants_json(request):
        if error:
            return JsonResponse({"ok": False, "error": error}, status=400)
        return JsonResponse(
            {
                "ok": True,
                "submission": submission.pk,
                "status": submission.status,
                "warning": submission.warning,
            }
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, f"Submission #{submission.pk} is queued for scoring.")
        if submission.warning:
            messages.warning(request, submission.warning)
    return redirect(task_url + "#submissions")


@login_required
@require_GET
def team_submissions(request, competition_slug: str, task_slug: str):
    """The team's submission list as an HTML fragment, polled while any is being scored."""
    competition = competition_get(slug=competition_slug)
    task = task_get(competition=competition, slug=task_slug)
    return _render_panel(request, competition=competition, task=task)


def _render_panel(request, *, competition, task):
    team = team_for_user(competition=competition, user=request.user)
    return render(
        request,
        "submissions/_team_submissions.html",
        {
            "competition": competition,
            "task": task,
            **panel_with_reproductions(task=task, team=team, user=request.user),
        },
    )


@login_required
@require_POST
def submission_final(request, competition_slug: str, task_slug: str, submission_id: int):
    """Marks or unmarks a submission as final; answers with the refreshed panel."""
    competition, task, submission = _own_submission(
        request, competition_slug, task_slug, submission_id
    )
    try:
        services.submission_set_final(
            submission=submission, user=request.user, is_final=request.POST.get("final") == "1"
        )
    except UserFacingError as refusal:
        messages.error(request, refusal.message)
    if request.headers.get("HX-Request"):
        return _render_panel(request, competition=competition, task=task)
    task_url = reverse("competitions:task_mine", args=[competition.slug, task.slug])
    return redirect(task_url + "#submissions")


@login_required
@require_GET
def submission_detail(request, competition_slug: str, task_slug: str, submission_id: int):
    """One submission: its status, public scores and, once the rules let this user see them,
    its per-class report and confusion matrix."""
    competition, task, submission = _viewable_submission(
        request, competition_slug, task_slug, submission_id
    )
    explanation = submission_explanation(submission=submission, user=request.user)
    return render(
        request,
        "submissions/submission_detail.html",
        {
            "competition": competition,
            "task": task,
            "submission": submission,
            "explanation_hidden": explanation is None,
            "reproduction": reproduction_verdicts(submissions=[submission]).get(submission.pk),
            "per_class": explanation["per_class"] if explanation else [],
            "confusion": selectors.confusion_view(details=explanation) if explanation else None,
            "can_edit_method": not is_revealed(competition=competition)
            and submission.team.memberships.filter(user=request.user).exists(),
        },
    )


@login_required
@require_GET
def submission_file(request, competition_slug: str, task_slug: str, submission_id: int):
    """The predictions file as uploaded: to its team, and to the organizers."""
    _, _, submission = _viewable_submission(request, competition_slug, task_slug, submission_id)
    return submission_file_response(submission=submission)


@login_required
@require_POST
def submission_method(request, competition_slug: str, task_slug: str, submission_id: int):
    """Edits the method metadata of one of the team's submissions."""
    competition, task, submission = _own_submission(
        request, competition_slug, task_slug, submission_id
    )
    try:
        services.submission_update_method(
            submission=submission,
            user=request.user,
            method_name=request.POST.get("method_name", ""),
            description=request.POST.get("comment", ""),
            tags=request.POST.get("tags", ""),
            code_url=request.POST.get("code_url", ""),
        )
        messages.success(request, "Method details saved.")
    except UserFacingError as refusal:
        messages.error(request, refusal.message)
    return redirect("submissions:detail", competition.slug, task.slug, submission.pk)
