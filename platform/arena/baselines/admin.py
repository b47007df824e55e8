from django.contrib import admin

from arena.baselines.models import BaselineRun


@admin.register(BaselineRun)
class BaselineRunAdmin(admin.ModelAdmin):
    list_display = ["task", "method", "preset", "status", "queued_at", "fit_seconds"]
    list_filter = ["status", "method", "task__competition"]
    readonly_fields = ["log_tail", "submission", "fit_seconds", "peak_mb", "model_bytes"]
