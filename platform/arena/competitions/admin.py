from django.contrib import admin

from arena.competitions.models import Competition, Task, Track


class TrackInline(admin.TabularInline):
    model = Track
    extra = 0


@admin.register(Competition)
class CompetitionAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "start_at", "end_at", "reveal_at"]
    search_fields = ["title", "slug"]
    filter_horizontal = ["organizers", "reviewers"]
    inlines = [TrackInline]


@admin.register(Track)
class TrackAdmin(admin.ModelAdmin):
    list_display = ["name", "competition", "kind", "position"]
    list_filter = ["competition", "kind"]


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["title", "competition", "track", "kind", "metric", "test_rows"]
    list_filter = ["competition", "kind"]
    search_fields = ["title", "slug"]
    readonly_fields = ["storage_key", "public_tables", "test_rows", "created_at"]
