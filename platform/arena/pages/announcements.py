"""A competition's announcements: the organizers' page to post them, and everyone's list."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from arena.competitions import selectors, services
from arena.competitions.forms import AnnouncementForm
from arena.core.errors import UserFacingError


@require_GET
def announcements(request, competition_slug: str):
    """Every announcement of the competition, newest first; for whoever sees the competition."""
    competition = selectors.competition_get(slug=competition_slug)
    return render(
        request,
        "competitions/announcements.html",
        {
            "competition": competition,
            "announcements": selectors.announcements_for(competition=competition),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def announcements_organize(request, competition_slug: str):
    """Post (after an optional preview), send again or delete; lists every announcement with
    how many participants have it by e-mail."""
    competition = selectors.competition_for_organizer(
        slug=competition_slug,
        user=request.user,
        refusal="Only the competition's organizers can post announcements.",
    )
    form = AnnouncementForm(request.POST if request.method == "POST" else None)
    preview = ""
    action = request.POST.get("action") if request.method == "POST" else None
    if action in ("preview", "post") and form.is_valid():
        title, body = form.cleaned_data["title"], form.cleaned_data["body"]
        try:
            if action == "preview":
                services.announcement_clean(title=title, body=body)
            else:
                services.announcement_post(
                    competition=competition, author=request.user, title=title, body=body
                )
                messages.success(request, "Announcement posted; its e-mails are on their way.")
                return redirect("competitions:announcements_organize", competition.slug)
        except UserFacingError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        # The preview shows what the page would show (sanitized), also next to an error.
        preview = body if action == "preview" else ""
    elif action in ("mail", "delete"):
        _act_on_one(request, competition=competition, action=action)
        return redirect("competitions:announcements_organize", competition.slug)
    elif action is not None:
        messages.error(request, "That request was not understood; use the buttons below.")
    return render(
        request,
        "competitions/announcements_organize.html",
        {
            "competition": competition,
            "form": form,
            "preview": preview,
            "announcements": selectors.announcements_for(competition=competition),
        },
    )


def _act_on_one(request, *, competition, action: str) -> None:
    try:
        announcement_id = int(request.POST.get("announcement", ""))
    except ValueError:
        messages.error(request, "That request named no announcement; use the buttons below.")
        return
    announcement = selectors.announcement_get(
        competition=competition, announcement_id=announcement_id
    )
    try:
        if action == "delete":
            services.announcement_delete(announcement=announcement, by=request.user)
            messages.success(request, f"Deleted: {announcement.title}.")
        elif services.announcement_mail_again(announcement=announcement, by=request.user):
            messages.success(request, "Sending; whoever has it already gets nothing twice.")
        else:
            messages.error(request, "The job queue is not answering; try again in a minute.")
    except UserFacingError as error:
        messages.error(request, error.message)
