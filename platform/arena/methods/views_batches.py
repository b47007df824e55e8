"""The organizers' runs page: run every method on a task, fill a track's matrix, follow both."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from arena.competitions.selectors import competition_get, user_is_organizer
from arena.core.errors import UserFacingError
from arena.methods import batches


@login_required
@require_http_methods(["GET", "POST"])
def competition_runs(request, competition_slug: str):
    competition = competition_get(slug=competition_slug)
    if not user_is_organizer(competition=competition, user=request.user):
        raise Http404("No such page")
    if request.method == "POST":
        _start(request, competition=competition)
        return redirect("methods:batches", competition_slug=competition.slug)
    progress = batches.batches_with_progress(competition=competition)
    return render(
        request,
        "methods/batches.html",
        {
            "competition": competition,
            "progress": progress,
            "runs": batches.runs_of_batches(batches=[row.batch for row in progress]),
            "tasks": [task for track in competition.tracks.all() for task in track.tasks.all()],
            "tracks": list(competition.tracks.all()),
            # Runs take minutes: the page follows them by itself while a batch is under way.
            "refresh_seconds": 5 if any(not row.done for row in progress) else None,
        },
    )


def _start(request, *, competition) -> None:
    task_id, track_id = request.POST.get("task", ""), request.POST.get("track", "")
    try:
        if task_id.isdigit():
            task = competition.tasks.filter(pk=int(task_id)).first()
            if task is None:
                raise UserFacingError("Choose a task of this competition.")
            batch = batches.batch_every_method_on_task(task=task, user=request.user)
        elif track_id.isdigit():
            track = competition.tracks.filter(pk=int(track_id)).first()
            if track is None:
                raise UserFacingError("Choose a track of this competition.")
            batch = batches.batch_fill_track(track=track, user=request.user)
        else:
            raise UserFacingError("Choose a task or a track.")
    except UserFacingError as refusal:
        messages.error(request, refusal.message)
    else:
        count = batch.runs.count()
        messages.success(request, f"{batch.title}: {count} run{'s' * (count != 1)} queued.")
