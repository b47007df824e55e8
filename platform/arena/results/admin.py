"""Submissions and scores are written only by services (upload, scoring, final selection), which
keep quotas, versions and boards consistent: the admin shows them and never edits them."""

from django.contrib import admin
from django.db import models

from arena.competitions.admin import OrganizerScopedAdmin, ViewOnlyMixin
from arena.competitions.models import Competition
from arena.results.visibility import private_visible
from arena.submissions.models import Score, ScoreSplit, Submission


def scores_visible_to(*, scores, user):
    """``scores`` without the private ones the leaderboards would not show ``user`` yet."""
    hidden = [
        competition.pk
        for competition in Competition.objects.all()
        if not private_visible(competition=competition, user=user)
    ]
    return scores.exclude(split=ScoreSplit.PRIVATE, submission__task__competition__in=hidden)


class ScoreInline(ViewOnlyMixin, admin.TabularInline):
    model = Score
    extra = 0
    can_delete = False
    fields = ["split", "metric", "value", "task_version", "ci_low", "ci_high"]

    def get_queryset(self, request):
        scores = super().get_queryset(request)
        return scores_visible_to(scores=scores, user=request.user)


@admin.register(Submission)
class SubmissionAdmin(ViewOnlyMixin, OrganizerScopedAdmin):
    competition_path = "task__competition"
    list_display = ["id", "task", "team", "status", "is_final", "created_at", "finished_at"]
    list_filter = [
        "status",
        ("task__competition", admin.RelatedOnlyFieldListFilter),
        ("task", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["task", "team"]
    search_fields = ["team__name", "comment", "method_name"]
    inlines = [ScoreInline]
    # Django 6 makes https the default scheme of URL fields; say so now (and silence the warning).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Score)
class ScoreAdmin(ViewOnlyMixin, OrganizerScopedAdmin):
    competition_path = "submission__task__competition"
    list_display = ["submission", "split", "metric", "value", "task_version"]
    list_filter = [
        "split",
        "metric",
        ("submission__task__competition", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["submission__task", "submission__team"]
    search_fields = ["submission__team__name"]

    def get_queryset(self, request):
        scores = super().get_queryset(request)
        return scores_visible_to(scores=scores, user=request.user)
