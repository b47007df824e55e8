from django import forms
from django.contrib import admin

from arena.competitions.admin import OrganizerScopedAdmin, ViewOnlyMixin
from arena.core.errors import UserFacingError
from arena.teams.models import Membership, Team
from arena.teams.services import team_name_clean


class MembershipInline(ViewOnlyMixin, admin.TabularInline):
    # People join and leave through invite codes on the site, which keep the size limit and
    # the one-team-per-competition rule; the admin only shows who is in.
    model = Membership
    extra = 0
    fields = ["user", "role", "joined_at"]
    readonly_fields = ["joined_at"]


class TeamAdminForm(forms.ModelForm):
    def clean_name(self):
        # The same rules as on the site: no control or invisible characters, spaces folded.
        try:
            return team_name_clean(name=self.cleaned_data["name"])
        except UserFacingError as error:
            raise forms.ValidationError(error.message) from None


@admin.register(Team)
class TeamAdmin(OrganizerScopedAdmin):
    form = TeamAdminForm
    list_display = ["name", "competition", "is_baseline", "created_at", "disqualified_at"]
    list_filter = [("competition", admin.RelatedOnlyFieldListFilter), "is_baseline"]
    list_select_related = ["competition"]
    search_fields = ["name"]
    inlines = [MembershipInline]

    def get_readonly_fields(self, request, obj=None):
        # A team's submissions belong to its competition's tasks; it cannot change competitions.
        # Disqualifying goes through the organizers' Teams page, which checks and logs it.
        fixed = ["competition", "is_baseline", "invite_code", "created_at"]
        return [*fixed, "disqualified_at", "disqualification_reason"] if obj else ["created_at"]


@admin.register(Membership)
class MembershipAdmin(ViewOnlyMixin, OrganizerScopedAdmin):
    # Through the team: the team is what the membership gives access to.
    competition_path = "team__competition"
    list_display = ["user", "team", "competition", "role", "joined_at"]
    list_filter = [("competition", admin.RelatedOnlyFieldListFilter), "role"]
    list_select_related = ["user", "team", "competition"]
    search_fields = ["user__username", "team__name"]
