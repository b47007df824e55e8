from django import forms


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
