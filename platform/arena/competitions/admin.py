"""Admin for competitions, tracks and tasks, and the base class of every competition-scoped admin.

Staff who are not superusers see only rows of the competitions they organize: the admin must
not be a way around the organizer checks of the site's own pages.
"""

from django import forms
from django.contrib import admin, messages
from django.db import models

from arena.competitions.forms import ScheduleChecked, TextWithUnixNewlines, UsernamesField
from arena.competitions.models import AuditEvent, Competition, Task, Track
from arena.competitions.selectors import competitions_organized_by
from arena.competitions.services import audit_record


class OrganizerScopedAdmin(admin.ModelAdmin):
    """Lists, pages and choices limited to the competitions the user organizes.

    ``competition_path`` is the lookup from the model to its competition. Objects outside the
    scope are not found: their pages redirect to the admin index, as for a deleted object.
    Filter relations with ``RelatedOnlyFieldListFilter``: the plain filter lists every row of
    the related table, other organizers' competitions and tasks included.
    """

    competition_path = "competition"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        organized = competitions_organized_by(user=request.user)
        return queryset.filter(**{f"{self.competition_path}__in": organized})

    def get_field_queryset(self, db, db_field, request):
        # Choices for a relation to a scoped model come from that model's scoped admin, so a
        # form cannot list, or attach a row to, another organizer's competition, track or team.
        model = db_field.remote_field.model
        if self.admin_site.is_registered(model):
            related_admin = self.admin_site.get_model_admin(model)
            if isinstance(related_admin, OrganizerScopedAdmin):
                return related_admin.get_queryset(request).using(db)
        return super().get_field_queryset(db, db_field, request)


class ViewOnlyMixin:
    """No adding or editing in the admin; deleting only by superusers, for clean-ups."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)


class TrackInline(admin.TabularInline):
    # Tracks come with imported tasks; here they are renamed and ordered. Their kind is fixed,
    # since the tasks in a track are of its kind.
    model = Track
    extra = 0
    readonly_fields = ["kind"]

    def has_add_permission(self, request, obj=None):
        return False


class CompetitionAdminForm(ScheduleChecked):
    organizers = UsernamesField(
        help_text="Usernames, separated by commas. Organizers run the competition: they import "
        "tasks, see private scores before the reveal and change everything here."
    )
    reviewers = UsernamesField(
        help_text="Usernames, separated by commas: people who compare methods across tasks "
        "(organizers can too)."
    )


@admin.register(Competition)
class CompetitionAdmin(OrganizerScopedAdmin):
    competition_path = "pk"
    form = CompetitionAdminForm
    formfield_overrides = {models.TextField: {"form_class": TextWithUnixNewlines}}
    list_display = ["title", "slug", "start_at", "end_at", "reveal_at"]
    search_fields = ["title", "slug"]
    readonly_fields = ["created_at"]
    inlines = [TrackInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "explanations_before_reveal" in form.changed_data and obj.explanations_before_reveal:
            messages.warning(
                request,
                "Per-class reports and confusion matrices now show before the reveal: a team "
                "can read from them which test rows are public and the true labels of those "
                "rows, several per upload.",
            )
        if change and form.changed_data:
            # Dates, quotas and people decide rankings: the activity page says who moved them.
            changes = "; ".join(
                f"{name} → {form.cleaned_data.get(name)}"
                if name not in ("organizers", "reviewers", "description", "rules")
                else f"{name} changed"
                for name in form.changed_data
            )
            audit_record(
                competition=obj,
                actor=request.user,
                action="competition.changed",
                summary=f"Settings changed in the admin: {changes}",
            )


@admin.register(AuditEvent)
class AuditEventAdmin(ViewOnlyMixin, OrganizerScopedAdmin):
    list_display = ["created_at", "competition", "actor", "action", "summary"]
    list_filter = [("competition", admin.RelatedOnlyFieldListFilter), "action"]
    list_select_related = ["competition", "actor"]
    search_fields = ["summary"]

    def has_delete_permission(self, request, obj=None):
        return False  # a record of decisions is not edited after the fact


@admin.register(Track)
class TrackAdmin(OrganizerScopedAdmin):
    list_display = ["name", "competition", "kind", "position"]
    list_filter = [("competition", admin.RelatedOnlyFieldListFilter), "kind"]

    def get_readonly_fields(self, request, obj=None):
        # Its tasks belong to its competition: moving the track alone would split them apart.
        return ["competition", "kind"] if obj else []


class TaskAdminForm(forms.ModelForm):
    def clean_track(self):
        track = self.cleaned_data["track"]
        task = self.instance
        if track.competition_id != task.competition_id or track.kind != task.kind:
            raise forms.ValidationError(
                f"Choose a track of {task.competition} that holds {task.kind} tasks."
            )
        return track


@admin.register(Task)
class TaskAdmin(OrganizerScopedAdmin):
    form = TaskAdminForm
    formfield_overrides = {models.TextField: {"form_class": TextWithUnixNewlines}}
    list_display = ["title", "competition", "track", "kind", "metric", "version", "test_rows"]
    list_filter = [("competition", admin.RelatedOnlyFieldListFilter), "kind"]
    list_select_related = ["competition", "track"]
    search_fields = ["title", "slug"]
    # What scores are computed from. The metric changes on the organizer's task page and the
    # data by a re-import: both raise the version and re-score every submission, an edit here
    # would do neither.
    readonly_fields = [
        "competition",
        "kind",
        "metric",
        "version",
        "id_column",
        "label_column",
        "classes",
        "columns",
        "public_fraction",
        "public_tables",
        "has_images",
        "datasheet",
        "storage_key",
        "test_rows",
        "created_at",
    ]

    def has_add_permission(self, request):
        # A task is created by importing a bundle (public files, answer key, split); a bare row
        # would be a task without data.
        return False
