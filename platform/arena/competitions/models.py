import uuid

from django.conf import settings
from django.db import models
from django.db.models import JSONField, Value
from django.db.models.functions import Now

from scoring import higher_is_better


class TaskKind(models.TextChoices):
    CLASSIFICATION = "classification", "Classification"
    MATCHING = "matching", "Matching"


class Competition(models.Model):
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True, help_text="Markdown, shown on the competition page.")
    rules = models.TextField(
        blank=True,
        db_default="",
        help_text="Markdown, shown on the rules page above the rules Arena words from these "
        "settings. Each participant accepts both before joining a team; when either changes, "
        "those who accepted the old ones are told.",
    )
    start_at = models.DateTimeField()
    end_at = models.DateTimeField()
    reveal_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When private scores are revealed (at the end or later); empty means at the end.",
    )
    max_team_size = models.PositiveSmallIntegerField(default=5)
    daily_submission_limit = models.PositiveSmallIntegerField(
        default=5, help_text="Scored submissions per team and task per UTC day."
    )
    total_submission_limit = models.PositiveIntegerField(
        null=True, blank=True, help_text="Scored submissions per team and task in all; empty: none."
    )
    final_selection_limit = models.PositiveSmallIntegerField(
        default=2, help_text="Submissions per task a team may mark as final."
    )

    class TrackRanking(models.TextChoices):
        MEAN_SCORE = "score", "Mean score over the track's tasks"
        MEAN_RANK = "rank", "Mean rank over the track's tasks"

    # The prize rule of the track boards: which of the two figures orders them.
    track_ranking = models.CharField(
        max_length=5,
        choices=TrackRanking.choices,
        default=TrackRanking.MEAN_SCORE,
        db_default=TrackRanking.MEAN_SCORE,
        help_text="What orders the track leaderboards (the prize ranking). Mean score favours "
        "large wins on a few tasks; mean rank favours being good everywhere.",
    )
    # The living benchmark: the tasks outlive the challenge, and a paper may report on them.
    late_submissions = models.BooleanField(
        default=False,
        db_default=False,
        verbose_name="Score uploads after the end",
        help_text="Teams may upload after the end; their uploads are scored and ranked on each "
        "task's separate 'after the challenge' board, never on the prize boards, whose ranks do "
        "not change. Quotas still apply.",
    )
    run_baselines_on_import = models.BooleanField(
        default=True, help_text="Run every baseline method on each task imported."
    )
    # A per-class report or confusion matrix of the public rows tells a team, from one upload
    # crafted to predict one class everywhere but a few chosen rows, which of those rows are
    # public and the true label of each: far more than one public score. So they wait for the
    # reveal unless the organizers accept that leak.
    explanations_before_reveal = models.BooleanField(
        default=False,
        db_default=False,
        verbose_name="Show per-class reports and confusion matrices before the reveal",
        help_text="Leaks test labels: from one upload that predicts one class everywhere but a "
        "few chosen rows (one per other class), a team reads off which of those rows are "
        "public and the true label of each public one, instead of one public score. Leave "
        "off unless that is acceptable; teams then see these after the reveal. Organizers "
        "always see them.",
    )
    # The question reviewers came with: what would one team's method do on another's data?
    reviewers_run_methods = models.BooleanField(
        default=True,
        db_default=True,
        verbose_name="Reviewers may run teams' methods",
        help_text="Teams hand in their methods as code; with this on, the competition's reviewers "
        "may run any team's method on any task (of this or another competition) and read its "
        "code. Participants are told so on the competition page. Organizers always may.",
    )

    class MethodsCode(models.TextChoices):
        PRIVATE = "private", "Stays with the team, the organizers and (if allowed) the reviewers"
        PUBLIC = "public", "Anyone signed in may read and download it after the end"

    # During the challenge a method's code is never another team's to see; after it, this rule.
    methods_code_after_end = models.CharField(
        max_length=7,
        choices=MethodsCode.choices,
        default=MethodsCode.PRIVATE,
        db_default=MethodsCode.PRIVATE,
        verbose_name="Methods' code after the end",
        help_text="Who may read and download the code of the teams' methods once the "
        "competition has ended. Before the end it is only for the team, the organizers and "
        "the reviewers (when they may run teams' methods), whatever this says. Participants "
        "are told on the competition page.",
    )
    organizers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="organized_competitions", blank=True
    )
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="reviewed_competitions",
        blank=True,
        help_text="People who compare methods across tasks (organizers can too).",
    )
    created_at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["-start_at", "slug"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_at__gt=models.F("start_at")),
                name="competition_ends_after_start",
            ),
            # Revealing before the end would show private scores while uploads are open, so
            # teams could probe the private split.
            models.CheckConstraint(
                condition=models.Q(reveal_at__isnull=True)
                | models.Q(reveal_at__gte=models.F("end_at")),
                name="competition_reveals_after_end",
                violation_error_message="Private scores can be revealed at the end or later, "
                "never while uploads are open.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def reveal_time(self):
        """When private scores become visible: ``reveal_at``, or the end when it is not set.

        Never before the end, even for a row saved around the constraint (say, a raw update).
        """
        return max(self.reveal_at, self.end_at) if self.reveal_at else self.end_at


class Track(models.Model):
    """A group of tasks of one kind whose scores are averaged for the prize ranking."""

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="tracks")
    slug = models.SlugField()
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=20, choices=TaskKind.choices)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["competition", "slug"], name="track_slug_unique")
        ]

    def __str__(self) -> str:
        return f"{self.competition.slug} / {self.name}"


class Task(models.Model):
    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="tasks")
    track = models.ForeignKey(Track, on_delete=models.PROTECT, related_name="tasks")
    slug = models.SlugField()
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=TaskKind.choices)
    metric = models.CharField(max_length=40, help_text="Primary metric of the leaderboard.")
    description = models.TextField(blank=True, help_text="Markdown, shown on the task page.")
    id_column = models.CharField(max_length=100, default="id")
    label_column = models.CharField(max_length=100, default="label")
    classes = models.JSONField(default=list, blank=True, help_text="Class names (classification).")
    # Each public table exists in storage as <storage_key>/public/<name>.csv and .parquet; the
    # answer key sits apart, under <storage_key>/hidden/, and no view ever serves it.
    columns = models.JSONField(
        default=dict, blank=True, help_text="Feature columns and their types, from task.yaml."
    )
    public_fraction = models.FloatField(default=0.3)
    # Seed of the public/private split when the bundle's answers have no usage column. Secret:
    # with it and the public test ids anyone could tell the private rows apart. Drawn at random
    # unless task.yaml fixes it, kept across re-imports so the split never moves.
    split_seed = models.BigIntegerField(null=True, blank=True, editable=False)
    public_tables = models.JSONField(default=list)
    has_images = models.BooleanField(default=False)
    # Figures about the data computed once at import, shown on the task page as its datasheet.
    datasheet = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(
        default=1, help_text="Raised each time the task's data is replaced by a re-import."
    )
    storage_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    test_rows = models.PositiveIntegerField(default=0)
    source = models.CharField(max_length=300, blank=True)
    licence = models.CharField(max_length=200, blank=True)
    # A task added mid-challenge: teams had less time for it, so the organizers decide whether
    # it joins the track's prize average (the track board says when it was added either way).
    in_prize_average = models.BooleanField(
        default=True,
        db_default=True,
        verbose_name="Counts in the track's prize average",
        help_text="Off: the task stands on the track board for information, but the track's "
        "mean score and mean rank (the prize ranking) leave it out.",
    )
    created_at = models.DateTimeField(db_default=Now())
    # Set once the organizers publish the answer key for research use, after the competition
    # has ended and its private results are out (competitions.services.task_answers_publish);
    # until then the answer key is served to nobody. A re-import clears it: new answers are
    # published only by a new decision.
    answers_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    answers_published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["track__position", "title"]
        constraints = [
            models.UniqueConstraint(fields=["competition", "slug"], name="task_slug_unique")
        ]

    def __str__(self) -> str:
        return f"{self.competition.slug} / {self.slug}"

    @property
    def higher_is_better(self) -> bool:
        return higher_is_better(self.metric)

    @property
    def storage_prefix(self) -> str:
        return f"tasks/{self.storage_key}"

    def public_table_path(self, *, table: str, file_format: str) -> str:
        return f"{self.storage_prefix}/public/{table}.{file_format}"

    @property
    def images_zip_path(self) -> str:
        return f"{self.storage_prefix}/public/images.zip"

    @property
    def answers_path(self) -> str:
        return f"{self.storage_prefix}/hidden/answers.parquet"

    def answers_file_path(self, *, file_format: str) -> str:
        """The answer key in CSV or Parquet (both written at import; the Parquet one is what
        scoring reads)."""
        return f"{self.storage_prefix}/hidden/answers.{file_format}"

    @property
    def answers_published(self) -> bool:
        return self.answers_published_at is not None


class TaskVersion(models.Model):
    """A version of a task's answers and metric; scores name the version they were made for."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    metric = models.CharField(max_length=40)
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(db_default=Now())
    # SHA-256 and size of each file of this version, recorded when the files were written so a
    # paper can cite exactly which data it used: {"public": [{"name": "train.csv", "sha256":
    # ..., "bytes": ...}, ...], "answers": [...]}. The answers' entries are shown only to
    # organizers until the answers are published. Empty for versions made before they were kept.
    checksums = models.JSONField(default=dict, blank=True, db_default=Value({}, JSONField()))

    class Meta:
        ordering = ["task", "number"]
        constraints = [
            models.UniqueConstraint(fields=["task", "number"], name="task_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.task} v{self.number} ({self.metric})"


class AuditEvent(models.Model):
    """Something organizers did to a competition (or the command line did for them), kept so
    every decision that changes rankings can be traced: who, when, what and why."""

    competition = models.ForeignKey(
        Competition, on_delete=models.CASCADE, related_name="audit_events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )  # None: the command line, or the platform itself
    action = models.CharField(max_length=40)  # "team.disqualified", "task.metric_changed", ...
    summary = models.CharField(max_length=600)
    created_at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["competition", "-created_at"], name="audit_by_competition")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}: {self.summary}"


class Announcement(models.Model):
    """News from a competition's organizers, in Markdown: on the competition's pages, and
    e-mailed once to each participant who takes announcements (``arena.teams.notifications``)."""

    competition = models.ForeignKey(
        Competition, on_delete=models.CASCADE, related_name="announcements"
    )
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="Markdown; rendered sanitized.")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )  # None: the author's account was deleted; the announcement stays
    created_at = models.DateTimeField(db_default=Now())
    # Set by the mail job when it finished a pass: None while the job is queued (or was never
    # taken, the broker being down), so the organizer page can say so and offer to send again.
    mailed_at = models.DateTimeField(null=True, blank=True)
    mailed_count = models.PositiveIntegerField(default=0, db_default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["competition", "-created_at"], name="announcement_by_competition")
        ]

    def __str__(self) -> str:
        return f"{self.competition_id}: {self.title}"


class RulesAcceptance(models.Model):
    """A participant accepted a competition's rules as they stood then (``rules_hash``: the
    organizer's text and the settings the rules in words come from, see
    ``competitions.selectors.rules_fingerprint``). Kept for every version accepted, so the
    record shows what each person agreed to and when."""

    competition = models.ForeignKey(
        Competition, on_delete=models.CASCADE, related_name="rules_acceptances"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rules_acceptances"
    )
    rules_hash = models.CharField(max_length=64)
    accepted_at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["-accepted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["competition", "user", "rules_hash"], name="rules_accepted_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} accepted {self.competition.slug} rules {self.rules_hash[:12]}"
