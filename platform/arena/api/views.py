"""REST API views: thin, calling the same services and selectors as the pages, so limits and
permissions are exactly theirs."""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.decorators import api_view, parser_classes
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from arena.api import serializers as shapes
from arena.competitions import selectors as competitions
from arena.competitions.downloads import task_file_response
from arena.core.request_limits import upload_limit
from arena.methods.reproduction import reproduction_request, reproduction_verdicts, version_named
from arena.results import services as results
from arena.results.panels import submission_explanation
from arena.results.stored import task_board_key, track_board_key
from arena.results.visibility import board_is_private, private_visible
from arena.submissions import selectors as submissions
from arena.submissions import services
from arena.submissions.downloads import CONTENT_TYPES, submission_file_response
from arena.teams.selectors import team_for_user

ERRORS = {code: OpenApiResponse(shapes.ErrorSerializer) for code in (400, 401, 403, 404)}
ERROR = OpenApiResponse(shapes.ErrorSerializer, description="not computed yet (Retry-After)")
BOARD = OpenApiParameter(
    "board",
    str,
    enum=["public", "private"],
    description="Private: after the reveal (or organizers).",
)


def _task(competition_slug: str, task_slug: str):
    competition = competitions.competition_get(slug=competition_slug)
    return competition, competitions.task_get(competition=competition, slug=task_slug)


def _competition_data(competition) -> dict:
    tasks = sorted(
        (task for track in competition.tracks.all() for task in track.tasks.all()),
        key=lambda task: (task.track.position, task.title),
    )
    return {
        "slug": competition.slug,
        "title": competition.title,
        "summary": competition.summary,
        "start_at": competition.start_at,
        "end_at": competition.end_at,
        "phase": competitions.competition_phase(competition=competition).code,
        "tasks": tasks,
    }


def _submission_data(submission, *, include_private: bool) -> dict:
    data = shapes.SubmissionSerializer(submission).data
    if not include_private:
        data.pop("private_scores", None)
    return data


@extend_schema(responses={200: shapes.CompetitionSerializer(many=True), **ERRORS})
@api_view(["GET"])
def competition_list(request):
    """Competitions with their tasks."""
    rows = competitions.competition_list().prefetch_related("tracks__tasks__track")
    return Response(
        shapes.CompetitionSerializer([_competition_data(c) for c in rows], many=True).data
    )


@extend_schema(responses={200: shapes.TaskDetailSerializer, **ERRORS})
@api_view(["GET"])
def task_detail(request, competition_slug: str, task_slug: str):
    """One task: its kind, metric, classes and public tables, and whether it takes your upload
    now (asked before sending a file, so a refusal costs no upload)."""
    competition, task = _task(competition_slug, task_slug)
    refusal = services.submission_refusal(task=task, user=request.user)
    task.phase = competitions.competition_phase(competition=competition).code
    task.accepting, task.refusal = not refusal, refusal
    return Response(shapes.TaskDetailSerializer(task).data)


@extend_schema(
    responses={
        **{
            (200, media_type): OpenApiTypes.BINARY
            for media_type in (
                "text/csv",
                "application/vnd.apache.parquet",
                "application/yaml",
                "application/zip",
            )
        },
        **ERRORS,
    },
    parameters=[
        OpenApiParameter(
            "file_format", str, OpenApiParameter.PATH, enum=["csv", "parquet", "yaml", "zip"]
        )
    ],
)
@api_view(["GET"])
def task_download(request, competition_slug: str, task_slug: str, table: str, file_format: str):
    """A public table as CSV or Parquet (`task.yaml`, `images.zip` too). The answer key
    (`answers.csv`, `answers.parquet`) only once the organizers have published it after the
    competition; before that it is not found, like any name the task does not offer."""
    _, task = _task(competition_slug, task_slug)
    return task_file_response(task=task, table=table, file_format=file_format)


@extend_schema(methods=["GET"], responses={200: shapes.SubmissionSerializer(many=True), **ERRORS})
@extend_schema(
    methods=["POST"],
    request={"multipart/form-data": shapes.SubmissionUploadSerializer},
    parameters=[
        OpenApiParameter(
            "Idempotency-Key",
            str,
            OpenApiParameter.HEADER,
            required=False,
            description="Any 1-64 letters, digits, - or _ (a UUID). Retrying with the same key "
            "returns the submission already made (200) instead of making a second one.",
        )
    ],
    responses={201: shapes.SubmissionSerializer, 200: shapes.SubmissionSerializer, **ERRORS},
)
@upload_limit(setting="SUBMISSION_MAX_BYTES")
@api_view(["GET", "POST"])
@parser_classes([MultiPartParser, FormParser])
def task_submissions(request, competition_slug: str, task_slug: str):
    """Your team's submissions to the task (GET), or a new one (POST, multipart)."""
    competition, task = _task(competition_slug, task_slug)
    if request.method == "POST":
        upload = shapes.SubmissionUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        version = version_named(
            team=team_for_user(competition=competition, user=request.user),
            task=task,
            choice=upload.validated_data["method_version"],
        )
        submission = services.submission_create(
            task=task,
            user=request.user,
            uploaded_file=upload.validated_data["file"],
            comment=upload.validated_data["comment"],
            method_name=upload.validated_data["method_name"]
            or (version.method.name if version else ""),
            tags=upload.validated_data["tags"],
            code_url=upload.validated_data["code_url"],
            client_key=request.headers.get("Idempotency-Key"),
            require_method_name=True,
        )
        if version is not None:
            reproduction_request(submission=submission, version=version, user=request.user)
        if submission.replayed:  # a retry: the submission as it stands now
            submission = _own_submission(request, task=task, submission_id=submission.pk)
            return Response(_submission_data(submission, include_private=False), status=200)
        # Answered from memory: once the row is committed, no further query may fail the
        # request (a client told "failed" would upload again).
        submission.public_scores = {}
        return Response(_submission_data(submission, include_private=False), status=201)
    team = team_for_user(competition=competition, user=request.user)
    if team is None:
        return Response([])
    include_private = private_visible(competition=competition, user=request.user)
    rows = submissions.submissions_for_team(task=task, team=team, include_private=include_private)
    return Response([_submission_data(row, include_private=include_private) for row in rows])


def _own_submission(request, *, task, submission_id: int):
    return submissions.submission_for_viewer(
        task=task,
        submission_id=submission_id,
        user=request.user,
        is_organizer=False,
        include_private=private_visible(competition=task.competition, user=request.user),
    )


@extend_schema(responses={200: shapes.SubmissionSerializer, **ERRORS})
@api_view(["GET"])
def submission_detail(request, competition_slug: str, task_slug: str, submission_id: int):
    """One of your team's submissions: its status, public scores (private after the reveal) and,
    after the reveal (or as the organizers chose), its per-class report and confusion matrix."""
    competition, task = _task(competition_slug, task_slug)
    submission = _own_submission(request, task=task, submission_id=submission_id)
    data = _submission_data(
        submission, include_private=private_visible(competition=competition, user=request.user)
    )
    explanation = submission_explanation(submission=submission, user=request.user)
    if explanation is not None:
        data["explanation"] = shapes.ExplanationSerializer(explanation).data
    verdict = reproduction_verdicts(submissions=[submission]).get(submission.pk)
    if verdict is not None:
        data["reproduction"] = shapes.ReproductionSerializer(verdict).data
    return Response(data)


@extend_schema(
    responses={
        **{(200, media_type): OpenApiTypes.BINARY for media_type in CONTENT_TYPES.values()},
        **ERRORS,
    }
)
@api_view(["GET"])
def submission_file(request, competition_slug: str, task_slug: str, submission_id: int):
    """The predictions file of one of your team's submissions, as it was uploaded."""
    _, task = _task(competition_slug, task_slug)
    submission = _own_submission(request, task=task, submission_id=submission_id)
    return submission_file_response(submission=submission)


@extend_schema(
    request=shapes.FinalSerializer, responses={200: shapes.SubmissionSerializer, **ERRORS}
)
@api_view(["POST"])
@parser_classes([JSONParser, FormParser, MultiPartParser])
def submission_final(request, competition_slug: str, task_slug: str, submission_id: int):
    """Selects (or unselects) a submission for the private leaderboard."""
    competition, task = _task(competition_slug, task_slug)
    body = shapes.FinalSerializer(data=request.data)
    body.is_valid(raise_exception=True)
    submission = _own_submission(request, task=task, submission_id=submission_id)
    services.submission_set_final(
        submission=submission, user=request.user, is_final=body.validated_data["final"]
    )
    submission = _own_submission(request, task=task, submission_id=submission_id)
    return Response(
        _submission_data(
            submission, include_private=private_visible(competition=competition, user=request.user)
        )
    )


@extend_schema(
    parameters=[BOARD], responses={200: shapes.LeaderboardSerializer, 503: ERROR, **ERRORS}
)
@api_view(["GET"])
def task_leaderboard(request, competition_slug: str, task_slug: str):
    """The task's leaderboard: public, or private after the reveal."""
    competition, task = _task(competition_slug, task_slug)
    private = board_is_private(
        competition=competition, user=request.user, asked=request.query_params.get("board")
    )
    stored = results.stored_or_refresh(
        competition=competition, key=task_board_key(task), private=private
    )
    if stored.missing:
        return _computing()
    return Response(
        shapes.LeaderboardSerializer(
            {
                "task": task.slug,
                "metric": task.metric,
                "board": "private" if private else "public",
                "reveal_at": competition.reveal_time,
                "rows": stored.value.rows,
                "computed_at": stored.computed_at,
                "current": stored.current,
            }
        ).data
    )


@extend_schema(
    parameters=[BOARD], responses={200: shapes.TrackLeaderboardSerializer, 503: ERROR, **ERRORS}
)
@api_view(["GET"])
def track_leaderboard(request, competition_slug: str, track_slug: str):
    """A track's leaderboard: each team's mean over the track's tasks."""
    competition = competitions.competition_get(slug=competition_slug)
    track = competition.tracks.filter(slug=track_slug).first()
    if track is None:
        raise Http404("No such track")
    private = board_is_private(
        competition=competition, user=request.user, asked=request.query_params.get("board")
    )
    stored = results.stored_or_refresh(
        competition=competition, key=track_board_key(track), private=private
    )
    if stored.missing:
        return _computing()
    return Response(
        shapes.TrackLeaderboardSerializer(
            {
                "track": track.name,
                "board": "private" if private else "public",
                "rows": stored.value.rows,
                "computed_at": stored.computed_at,
                "current": stored.current,
            }
        ).data
    )


def _computing() -> Response:
    """No board stored yet (a new competition): a worker was asked for it."""
    return Response(
        {
            "error": {
                "code": "computing",
                "message": "The leaderboard is being computed; try again in a few seconds.",
            }
        },
        status=503,
        headers={"Retry-After": "3"},
    )


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE"])
def not_found(request, rest: str = ""):
    """Any other path under /api/ answers in JSON too."""
    raise Http404("No such API endpoint; see /api/docs/.")
