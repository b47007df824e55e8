"""Shapes of API responses and requests (they also make the OpenAPI schema)."""

from django.conf import settings
from rest_framework import serializers


class TaskSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField()
    kind = serializers.CharField()
    metric = serializers.CharField()
    higher_is_better = serializers.BooleanField()
    track = serializers.CharField(source="track.name")
    tables = serializers.ListField(child=serializers.CharField(), source="public_tables")
    classes = serializers.ListField(child=serializers.CharField())
    has_images = serializers.BooleanField()
    max_upload_bytes = serializers.SerializerMethodField(
        help_text="Largest predictions file accepted; a bigger upload is refused with 413."
    )

    def get_max_upload_bytes(self, task) -> int:
        return settings.SUBMISSION_MAX_BYTES


class TaskDetailSerializer(TaskSerializer):
    phase = serializers.CharField(help_text="upcoming, running, ended or revealed")
    accepting = serializers.BooleanField(help_text="Whether an upload of yours would be taken now.")
    refusal = serializers.CharField(
        help_text="Why not, in the words an upload would be refused with (schedule, team or "
        "quota), or empty."
    )


class CompetitionSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField()
    summary = serializers.CharField()
    start_at = serializers.DateTimeField()
    end_at = serializers.DateTimeField()
    phase = serializers.CharField()
    tasks = TaskSerializer(many=True)


class PerClassSerializer(serializers.Serializer):
    label = serializers.CharField()
    precision = serializers.FloatField()
    recall = serializers.FloatField()
    f1 = serializers.FloatField()
    support = serializers.IntegerField()


class ExplanationSerializer(serializers.Serializer):
    classes = serializers.ListField(child=serializers.CharField())
    per_class = PerClassSerializer(many=True, help_text="Classification tasks only.")
    confusion = serializers.ListField(
        child=serializers.ListField(child=serializers.IntegerField()),
        help_text="Rows: true class; columns: predicted class, in the order of classes.",
    )


class ReproductionSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=["running", "failed", "reproduced", "differs"])
    text = serializers.CharField()
    run = serializers.IntegerField(source="run.pk", help_text="Arena's run of the named version.")
    method_version = serializers.CharField(source="run.version")
    run_score = serializers.FloatField(allow_null=True, help_text="Public, primary metric.")
    difference = serializers.FloatField(allow_null=True, help_text="Run minus upload.")


class SubmissionSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    task = serializers.CharField(source="task.slug")
    status = serializers.CharField()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    original_name = serializers.CharField()
    method_name = serializers.CharField()
    comment = serializers.CharField()
    tags = serializers.ListField(child=serializers.CharField())
    code_url = serializers.CharField()
    is_final = serializers.BooleanField()
    after_end = serializers.BooleanField(
        help_text="Uploaded after the competition's end: on the task's after-the-challenge "
        "board only, never on a prize board."
    )
    error_message = serializers.CharField()
    public_scores = serializers.DictField(child=serializers.FloatField())
    private_scores = serializers.DictField(
        child=serializers.FloatField(), required=False, help_text="Only after the reveal."
    )
    explanation = ExplanationSerializer(
        required=False,
        help_text="Per-class report and confusion matrix of the public rows, in one submission's "
        "details only: after the reveal, or before it where the organizers turned them on.",
    )
    reproduction = ReproductionSerializer(
        required=False,
        help_text="In one submission's details, when the upload named the method version that "
        "produced it: where Arena's re-run of that version stands.",
    )
    warning = serializers.CharField(
        required=False,
        help_text="In the answer to an upload: why it may not be what you meant (the team "
        "already uploaded the same bytes to the task), or empty.",
    )


class SubmissionUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="CSV, gzipped CSV or Parquet with id and label.")
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    method_name = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="The method that made the file (what reviewers compare). Required, unless "
        "method_version names it.",
    )
    tags = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Comma-separated."
    )
    code_url = serializers.CharField(required=False, allow_blank=True, default="")
    method_version = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="The method version that produced the file, as NAME@N (or its id): Arena "
        "runs it on the task and marks the submission reproduced when the scores agree.",
    )


class FinalSerializer(serializers.Serializer):
    final = serializers.BooleanField()


class LeaderboardRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField(allow_null=True)
    team = serializers.CharField(source="team_name")
    is_baseline = serializers.BooleanField()
    score = serializers.FloatField()
    entries = serializers.IntegerField()
    best_submitted_at = serializers.DateTimeField()
    public_score = serializers.FloatField(allow_null=True)
    public_rank = serializers.IntegerField(allow_null=True)


class LeaderboardSerializer(serializers.Serializer):
    task = serializers.CharField()
    metric = serializers.CharField()
    board = serializers.ChoiceField(
        choices=["public", "private"],
        help_text="The board answered: public when board=private is asked before the reveal "
        "by someone who may not see it yet.",
    )
    reveal_at = serializers.DateTimeField(help_text="When private scores open to everyone.")
    rows = LeaderboardRowSerializer(many=True)
    computed_at = serializers.DateTimeField(help_text="when a worker ranked these rows")
    current = serializers.BooleanField(
        help_text="false while a worker updates the board after a change"
    )


class TrackRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField(allow_null=True)
    team = serializers.CharField(source="team_name")
    is_baseline = serializers.BooleanField()
    mean_score = serializers.FloatField()
    mean_rank = serializers.FloatField(allow_null=True)


class TrackLeaderboardSerializer(serializers.Serializer):
    track = serializers.CharField()
    board = serializers.ChoiceField(choices=["public", "private"])
    rows = TrackRowSerializer(many=True)
    computed_at = serializers.DateTimeField(help_text="when a worker ranked these rows")
    current = serializers.BooleanField(
        help_text="false while a worker updates the board after a change"
    )


class ErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class ErrorSerializer(serializers.Serializer):
    error = ErrorBodySerializer()


class MethodVersionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    method = serializers.CharField(source="method.name")
    number = serializers.IntegerField()
    content_hash = serializers.CharField()
    files = serializers.ListField(child=serializers.CharField())
    manifest = serializers.JSONField()
    size_bytes = serializers.IntegerField()
    pushed_by = serializers.CharField(source="pushed_by.username", default=None)
    pushed_at = serializers.DateTimeField()


class MethodSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    versions = MethodVersionSerializer(many=True, source="versions.all")


class MethodPushSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="a zip of the method's folder (method.yaml and code)")


class MethodRunRequestSerializer(serializers.Serializer):
    task = serializers.RegexField(
        r"^[-a-zA-Z0-9_]+/[-a-zA-Z0-9_]+$",
        help_text="COMPETITION/TASK, the slugs GET /api/competitions/ lists, e.g. cup/products",
    )


class MethodRunSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    task = serializers.CharField(source="task.slug")
    competition = serializers.CharField(source="task.competition.slug")
    status = serializers.CharField()
    message = serializers.CharField()
    stopped_by = serializers.CharField()
    exit_code = serializers.IntegerField(allow_null=True)
    wall_seconds = serializers.FloatField(allow_null=True)
    peak_memory_bytes = serializers.IntegerField(allow_null=True)
    stdout_tail = serializers.CharField()
    stderr_tail = serializers.CharField()
    environment = serializers.JSONField()
    requested_by = serializers.CharField(source="requested_by.username", default=None)
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    submission_status = serializers.SerializerMethodField(
        help_text="the status of the run's predictions in scoring: queued, scoring, scored, ..."
    )
    public_score = serializers.SerializerMethodField(help_text="the primary metric, public rows")

    def get_submission_status(self, run) -> str | None:
        return run.submission.status if run.submission_id else None

    def get_public_score(self, run) -> float | None:
        score = getattr(run, "public_score", None)
        return score.value if score is not None else None
