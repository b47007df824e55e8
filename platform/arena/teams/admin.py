from django.contrib import admin

from arena.competitions.admin import OrganizerScopedAdmin
from arena.teams.models import Membership, Team


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["user", "role", "joined_at"]
    readonly_fields = ["joined_at"]


@admin.register(Team)
class TeamAdmin(OrganizerScopedAdmin):
    list_display = ["name", "competition", "is_baseline", "created_at"]
    list_filter = [("competition", admin.RelatedOnlyFieldListFilter), "is_baseline"]
    list_select_related = ["competition"]
    search_fields = ["name"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(OrganizerScopedAdmin):
    # Through the team: the team is what the membership gives access to.
    competition_path = "team__competition"
    list_display = ["user", "team", "competition", "role", "joined_at"]
    list_filter = [("competition", admin.RelatedOnlyFieldListFilter), "role"]
    list_select_related = ["user", "team", "competition"]
    search_fields = ["user__username", "team__name"]
