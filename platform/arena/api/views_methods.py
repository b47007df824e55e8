"""REST API for methods as code: a team's methods and versions, and pushing a package."""

from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.decorators import api_view, parser_classes
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from arena.api import serializers as shapes
from arena.competitions.models import Task
from arena.competitions.selectors import competition_get
from arena.core.errors import UserFacingError
from arena.core.request_limits import upload_limit
from arena.methods import selectors, services
from arena.methods.package import PackageError
from arena.methods.runs import run_request
from arena.teams.selectors import team_for_user

ERRORS = {code: OpenApiResponse(shapes.ErrorSerializer) for code in (400, 401, 403, 404)}


def _version_data(version, *, created: bool | None = None) -> dict:
    data = shapes.MethodVersionSerializer(version).data
    if created is not None:
        data["created"] = created
    return data


@extend_schema(
    request={"multipart/form-data": shapes.MethodPushSerializer},
    responses={
        200: shapes.MethodSerializer(many=True),
        201: shapes.MethodVersionSerializer,
        **ERRORS,
    },
)
@upload_limit(setting="METHOD_UPLOAD_MAX_BYTES")
@api_view(["GET", "POST"])
@parser_classes([MultiPartParser, FormParser])
def team_methods(request, competition_slug: str):
    """Your team's methods with their versions (GET), or push a package as a zip (POST, field
    ``file``): 201 with the new version, or 200 with the version that already has these files.
    A broken package answers 400 with every problem in ``error.problems``."""
    competition = competition_get(slug=competition_slug)
    team = team_for_user(competition=competition, user=request.user)
    if request.method == "GET":
        methods = selectors.methods_of_team(team=team) if team else []
        return Response(shapes.MethodSerializer(methods, many=True).data)
    if team is None:
        raise UserFacingError("Join or create a team of this competition first.")
    push = shapes.MethodPushSerializer(data=request.data)
    push.is_valid(raise_exception=True)
    try:
        result = services.method_push_zip(
            team=team, user=request.user, archive_file=push.validated_data["file"]
        )
    except PackageError as error:
        problems = [str(problem) for problem in error.problems]
        return Response(
            {
                "error": {
                    "code": "invalid_package",
                    "message": "The package was not pushed: " + "; ".join(problems),
                    "problems": problems,
                }
            },
            status=400,
        )
    return Response(
        _version_data(result.version, created=result.created),
        status=201 if result.created else 200,
    )


def _run_data(run) -> dict:
    return shapes.MethodRunSerializer(run).data


@extend_schema(
    request=shapes.MethodRunRequestSerializer,
    responses={
        200: shapes.MethodRunSerializer(many=True),
        201: shapes.MethodRunSerializer,
        **ERRORS,
    },
)
@api_view(["GET", "POST"])
def version_runs(request, competition_slug: str, version_id: int):
    """The runs of a method version (GET), or a new run on a task (POST, ``{"task":
    "COMPETITION/TASK"}``): the version's team on its competition's tasks, its organizers and
    (when the competition allows) reviewers on any task. Poll GET until ``status`` is
    submitted or failed and ``submission_status`` is scored or invalid."""
    competition = competition_get(slug=competition_slug)
    version = selectors.version_for_viewer(
        competition=competition, version_id=version_id, user=request.user
    )
    if version is None:
        raise Http404("No such method version")
    if request.method == "POST":
        asked = shapes.MethodRunRequestSerializer(data=request.data)
        asked.is_valid(raise_exception=True)
        competition_part, task_part = asked.validated_data["task"].split("/")
        task = Task.objects.filter(competition__slug=competition_part, slug=task_part).first()
        if task is None:
            raise Http404("No such task")
        run = run_request(version=version, task=task, user=request.user)
        run.public_score = None
        return Response(_run_data(run), status=201)
    return Response([_run_data(run) for run in selectors.runs_of_version(version=version)])
