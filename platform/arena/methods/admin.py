"""Methods and versions are written only by pushes: the admin shows them, never edits them."""

from django.contrib import admin

from arena.competitions.admin import OrganizerScopedAdmin, ViewOnlyMixin
from arena.methods.models import Method, MethodVersion


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
