from django.contrib import admin

from arena.submissions.models import Score, Submission


class ScoreInline(admin.TabularInline):
    model = Score
    extra = 0
    readonly_fields = ["split", "metric", "value"]
    can_delete = False


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ["id", "task", "team", "status", "created_at", "finished_at"]
    list_filter = ["status", "task__competition", "task"]
    search_fields = ["team__name", "comment"]
    readonly_fields = [
        "file_key",
        "original_name",
        "size_bytes",
        "attempts",
        "created_at",
        "scoring_started_at",
        "finished_at",
    ]
    inlines = [ScoreInline]


@admin.register(Score)
class ScoreAdmin(admin.ModelAdmin):
    list_display = ["submission", "split", "metric", "value"]
    list_filter = ["split", "metric"]
