"""Methods and versions are written only by pushes, runs only by their services and workers: the
admin shows them, never edits them."""

from django.contrib import admin

from arena.competitions.admin import OrganizerScopedAdmin, ViewOnlyMixin
from arena.methods.models import Method, MethodRun, MethodVersion


@admin.register(Method)
class MethodAdmin(ViewOnlyMixin, OrganizerScopedAdmin):
    competition_path = "team__competition"
    list_display = ["name", "team", "created_at"]
    search_fields = ["name", "team__name"]


@admin.register(MethodVersion)
class MethodVersionAdmin(ViewOnlyMixin, OrganizerScopedAdmin):
    competition_path = "method__team__competition"
    list_display = ["method", "number", "content_hash", "pushed_by", "pushed_at"]
    readonly_fields = ["manifest", "files"]


@admin.register(MethodRun)
class MethodRunAdmin(ViewOnlyMixin, OrganizerScopedAdmin):
    # Runs are queued by their services and written by the methods worker (a built-in
    # baseline's too); a row added or edited here would never run, or would misreport one.
    competition_path = "version__method__team__competition"
    list_display = ["version", "task", "status", "created_at", "wall_seconds"]
    list_filter = ["status", ("task__competition", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["version__method__team", "task__competition"]
    readonly_fields = ["environment"]
