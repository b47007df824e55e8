from django.contrib import admin

from arena.baselines.models import BaselineRun
from arena.competitions.admin import OrganizerScopedAdmin, ViewOnlyMixin


@admin.register(BaselineRun)
class BaselineRunAdmin(ViewOnlyMixin, OrganizerScopedAdmin):
    # Runs are queued and updated by the training service; a row added or edited here would
    # never be trained, or would misreport one that is.
    competition_path = "task__competition"
    list_display = ["task", "method", "preset", "status", "queued_at", "fit_seconds"]
    list_filter = ["status", "method", ("task__competition", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["task__competition"]
