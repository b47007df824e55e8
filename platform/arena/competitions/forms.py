import re

from django import forms
from django.core.validators import MinValueValidator

from arena.competitions.models import Competition, Task
from arena.competitions.selectors import users_by_username
from arena.competitions.services import OPTIONAL_SETTINGS, schedule_check
from arena.core.errors import UserFacingError


class BundleImportForm(forms.Form):
    bundle = forms.FileField(
        label="Bundle (.zip)",
        help_text="A zip of a folder with task.yaml and its tables; see docs/DATASETS.md.",
    )
    track = forms.CharField(
        label="Track",
        required=False,
        max_length=100,
        help_text="Leave empty for the default: Classification or Matching, by the task's kind.",
    )
    replace = forms.BooleanField(
        label="Replace the task with the same slug and re-score all its submissions",
        required=False,
    )


class TextWithUnixNewlines(forms.CharField):
    """A textarea's text with "\\n" line ends. Browsers send CRLF; kept as it came, every save
    of an unchanged Markdown field differed from the stored text and was logged as a change."""

    widget = forms.Textarea

    def to_python(self, value):
        text = super().to_python(value)
        return text.replace("\r\n", "\n").replace("\r", "\n") if text else text


class UsernamesField(forms.Field):
    """People named by their exact usernames, separated by commas.

    A select (or a search, or a lookup popup) of users would hand every username on the
    platform to any organizer; this field shows only the people already chosen and resolves
    what is typed, one exact name at a time.
    """

    widget = forms.TextInput
    MAX_NAMES = 50

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.update({"size": 80, "placeholder": "alice, bob"})

    def prepare_value(self, value):
        if value is None or isinstance(value, str):
            return value or ""
        # Only users already chosen are named. An initial value given as ids (the admin takes
        # ?organizers=1,2 on its add page) is not turned into names: that would list users.
        return ", ".join(item.get_username() for item in value if hasattr(item, "get_username"))

    def to_python(self, value) -> list[str]:
        if not value:
            return []
        if not isinstance(value, str):
            return [item.get_username() for item in value if hasattr(item, "get_username")]
        names = [name.strip() for name in re.split(r"[,\s]+", value) if name.strip()]
        return list(dict.fromkeys(names))

    def clean(self, value):
        names = super().clean(value)
        if len(names) > self.MAX_NAMES:
            raise forms.ValidationError(f"Name at most {self.MAX_NAMES} people here.")
        users, missing = users_by_username(usernames=names)
        if missing:
            listed = ", ".join(repr(name) for name in missing)
            raise forms.ValidationError(
                f"No user is named {listed}. Type exact usernames, separated by commas."
            )
        return users

    def has_changed(self, initial, data) -> bool:
        return set(self.to_python(initial)) != set(self.to_python(data))


class UtcDateTimeInput(forms.DateTimeInput):
    """The browser's date and time picker; the site keeps and shows every time in UTC."""

    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


# The settings an organizer changes on the site (the admin has the same and the people); the
# page orders them by CompetitionSettingsForm.SECTIONS.
SETTINGS_FIELDS = ["title", "start_at", "end_at", "reveal_at", *OPTIONAL_SETTINGS]


class ScheduleChecked(forms.ModelForm):
    """The schedule's rules (``services.schedule_check``) on the field at fault. Without this
    the database's constraint spoke instead: 'Constraint "competition_ends_after_start" is
    violated.' A field with an error is left out of the model's own constraint check."""

    def clean(self):
        cleaned = super().clean()
        dates = {name: cleaned.get(name) for name in ("start_at", "end_at", "reveal_at")}
        if dates["start_at"] and dates["end_at"]:
            try:
                schedule_check(**dates)
            except UserFacingError as error:
                self.add_error(error.field, error.message)
        return cleaned


class CompetitionSettingsForm(ScheduleChecked):
    """A competition's settings, each explained; bad values refused in words next to the field.
    The checks across fields are the services' (``competition_create``, ``competition_update``):
    the view puts their refusals on the field they name."""

    description = TextWithUnixNewlines(
        required=False,
        help_text="Markdown: what the challenge is about, prizes, contacts. Shown on the "
        "competition's page; use Preview to see it rendered.",
    )
    rules = TextWithUnixNewlines(
        required=False,
        label="Rules",
        help_text="Markdown: your own rules (eligibility, external data, prizes). The rules page "
        "adds the schedule, quotas, finals and prize rule in words; each participant accepts "
        "both before joining a team, and a change asks them to accept again.",
    )
    reviewers = UsernamesField(
        label="Reviewers",
        help_text="Usernames, separated by commas: people who compare methods across tasks "
        "(organizers can too). Only the people you name are shown here.",
    )

    class Meta:
        model = Competition
        fields = SETTINGS_FIELDS
        labels = {
            "start_at": "Starts (UTC)",
            "end_at": "Ends (UTC)",
            "reveal_at": "Private scores revealed (UTC)",
            "max_team_size": "Largest team",
            "daily_submission_limit": "Uploads a day",
            "total_submission_limit": "Uploads in all",
            "final_selection_limit": "Finals a team may choose",
            "track_ranking": "Prize ranking",
            "run_baselines_on_import": "Run the baselines on every task imported",
        }
        help_texts = {
            "title": "The name teams see everywhere, up to 200 characters.",
            "summary": "One line under the title, up to 300 characters.",
            "start_at": "Uploads are taken from then on.",
            "end_at": "Uploads stop; the private scores decide the final ranking.",
            "reveal_at": "Empty: at the end. Never before the end, so that nobody can probe "
            "the private split while uploads are open.",
            "max_team_size": "People per team.",
            "daily_submission_limit": "Scored uploads per team and task per UTC day.",
            "total_submission_limit": "Scored uploads per team and task over the whole "
            "challenge; empty: no limit.",
            "final_selection_limit": "Submissions per task a team may mark as final; the "
            "private boards rank those.",
        }
        widgets = {name: UtcDateTimeInput() for name in ("start_at", "end_at", "reveal_at")}

    # The page's sections, in order: (legend, field names).
    SECTIONS = (
        ("About it", ("title", "slug", "summary", "description", "rules")),
        ("Schedule (UTC)", ("start_at", "end_at", "reveal_at")),
        (
            "Teams and uploads",
            ("max_team_size", "daily_submission_limit", "total_submission_limit",
             "final_selection_limit"),
        ),
        (
            "Ranking, methods and people",
            ("track_ranking", "late_submissions", "run_baselines_on_import",
             "explanations_before_reveal",
             "reviewers_run_methods", "methods_code_after_end", "reviewers"),
        ),
    )  # fmt: skip

    def sections(self) -> list[tuple[str, list]]:
        """(legend, bound fields) for the template, the fields this form has."""
        return [
            (legend, [self[name] for name in names if name in self.fields])
            for legend, names in self.SECTIONS
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["reviewers"] = list(self.instance.reviewers.all())
        # Zero would pass the model (its fields are only "positive or zero") and shut teams
        # out: no member, no upload, or no final.
        for name in (
            "max_team_size",
            "daily_submission_limit",
            "total_submission_limit",
            "final_selection_limit",
        ):
            self.fields[name].validators.append(MinValueValidator(1))
            self.fields[name].widget.attrs["min"] = 1


class CompetitionCreateForm(CompetitionSettingsForm):
    """The settings, and the address, which is fixed once teams link to it."""

    class Meta(CompetitionSettingsForm.Meta):
        fields = ["title", "slug", *SETTINGS_FIELDS[1:]]
        help_texts = {
            **CompetitionSettingsForm.Meta.help_texts,
            "slug": "The competition's address, /c/<address>/: lower-case letters, digits and "
            "hyphens. It cannot change once teams link to it.",
        }
        labels = {**CompetitionSettingsForm.Meta.labels, "slug": "Address"}
        error_messages = {
            "slug": {
                "unique": "Another competition has this address: choose another.",
                "invalid": "Use lower-case letters, digits and hyphens only.",
            }
        }

    def clean_slug(self):
        return self.cleaned_data["slug"].lower()


class TaskDetailsForm(forms.ModelForm):
    """What a task says about itself. Its data, metric and split change by a re-import or on
    its Manage page, which re-score; these words change nothing that was scored."""

    description = TextWithUnixNewlines(
        required=False,
        max_length=20_000,
        help_text="Markdown, shown on the task's page: where the data comes from, what a row "
        "is, what the label means. Use Preview to see it rendered.",
    )

    class Meta:
        model = Task
        fields = ["title", "description", "source", "licence", "in_prize_average"]
        help_texts = {
            "title": "Up to 200 characters.",
            "source": "Where the data comes from (a citation or an address), for the datasheet.",
            "licence": "The data's licence, for the datasheet (e.g. CC BY 4.0).",
        }


class AnnouncementForm(forms.Form):
    # Not required here: competitions.services.announcement_clean says what is missing or too
    # long, in the same words wherever an announcement is posted from.
    title = forms.CharField(label="Title", required=False, strip=False)
    body = forms.CharField(
        label="Text",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Markdown: **bold**, *italic*, [a link](https://example.org), lists, tables, "
        "`code`. No HTML that runs code. E-mailed as written to the participants who take "
        "announcements.",
    )


class RulesAcceptForm(forms.Form):
    accept = forms.BooleanField(
        label="I accept these rules",
        error_messages={"required": "Tick the box to accept the rules."},
    )
    # The fingerprint of the rules shown: an edit made while the person read is not accepted
    # on their behalf.
    rules_hash = forms.CharField(widget=forms.HiddenInput, max_length=64)
