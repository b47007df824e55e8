"""The organizer console: create a competition, change its settings, edit what a task says about
itself. Forms explain each field and refuse bad values in words beside it; the admin stays for
staff. Markdown fields have a Preview button that renders without saving (no script needed)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from arena.competitions import selectors
from arena.competitions.forms import (
    SETTINGS_FIELDS,
    CompetitionCreateForm,
    CompetitionSettingsForm,
    TaskDetailsForm,
)
from arena.competitions.services import competition_create, competition_update, task_details_update
from arena.core.errors import UserFacingError

SCHEDULE = ("title", "start_at", "end_at", "reveal_at")


def may_create_competitions(user) -> bool:
    """Staff, and whoever was given the permission to add competitions (the admin grants it)."""
    return user.is_authenticated and (
        user.is_staff or user.has_perm("competitions.add_competition")
    )


def _previewing(request) -> bool:
    return request.method == "POST" and "preview" in request.POST


def _refused(form, error: UserFacingError) -> None:
    """A service's refusal, beside the field it names."""
    form.add_error(error.field if error.field in form.fields else None, error.message)


def _competition_form(request, *, form, competition, save):
    """The settings form's page; after a valid ``save(data)`` (which returns the competition's
    slug and what to tell the organizer), the competition's page. A service's refusal goes
    beside the field it names."""
    if request.method == "POST" and not _previewing(request) and form.is_valid():
        try:
            slug, said = save(form.cleaned_data)
        except UserFacingError as error:
            _refused(form, error)
        else:
            messages.success(request, said)
            return redirect("competitions:detail", slug)
    return render(
        request,
        "competitions/competition_form.html",
        {"form": form, "competition": competition, "preview": _preview(request, form)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def competition_new(request):
    if not may_create_competitions(request.user):
        raise PermissionDenied("Ask the site's staff for the right to create competitions.")

    def create(data) -> tuple[str, str]:
        competition = competition_create(
            slug=data["slug"],
            title=data["title"],
            start_at=data["start_at"],
            end_at=data["end_at"],
            reveal_at=data["reveal_at"],
            options={name: data[name] for name in SETTINGS_FIELDS if name not in SCHEDULE},
            organizer=request.user,
            reviewers=data["reviewers"],
        )
        return competition.slug, "Competition created. The checklist below says what next."

    form = CompetitionCreateForm(request.POST or None)
    return _competition_form(request, form=form, competition=None, save=create)


@login_required
@require_http_methods(["GET", "POST"])
def competition_settings(request, competition_slug: str):
    competition = selectors.competition_for_organizer(slug=competition_slug, user=request.user)

    def update(data) -> tuple[str, str]:
        changed = competition_update(
            # Read again: validating the form wrote its values into ``competition``.
            competition=selectors.competition_get(slug=competition_slug),
            actor=request.user,
            values={name: data[name] for name in SETTINGS_FIELDS},
            reviewers=data["reviewers"],
        )
        return competition_slug, f"Saved: {', '.join(changed)}." if changed else "Nothing changed."

    form = CompetitionSettingsForm(request.POST or None, instance=competition)
    return _competition_form(request, form=form, competition=competition, save=update)


@login_required
@require_http_methods(["GET", "POST"])
def task_edit(request, competition_slug: str, task_slug: str):
    competition = selectors.competition_for_organizer(slug=competition_slug, user=request.user)
    task = selectors.task_get(competition=competition, slug=task_slug)
    form = TaskDetailsForm(request.POST or None, instance=task)
    if request.method == "POST" and not _previewing(request) and form.is_valid():
        changed = task_details_update(
            task=selectors.task_get(competition=competition, slug=task_slug),
            actor=request.user,
            values={name: form.cleaned_data[name] for name in TaskDetailsForm.Meta.fields},
        )
        said = f"Saved: {', '.join(changed)}." if changed else "Nothing changed."
        messages.success(request, said)
        return redirect("competitions:task", competition.slug, task.slug)
    return render(
        request,
        "competitions/task_edit.html",
        {
            "form": form,
            "competition": competition,
            "task": task,
            "preview": _preview(request, form),
        },
    )


def _preview(request, form) -> str | None:
    """The description as it would show, when Preview was pressed (nothing is saved)."""
    if not _previewing(request):
        return None
    # The field's own cleaning (TextWithUnixNewlines), without validating the whole form.
    return form.fields["description"].to_python(form.data.get("description", "")) or ""
