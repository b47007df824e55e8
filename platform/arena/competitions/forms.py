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


class RulesAcceptForm(forms.Form):
    accept = forms.BooleanField(
        label="I accept these rules",
        error_messages={"required": "Tick the box to accept the rules."},
    )
    # The fingerprint of the rules shown: an edit made while the person read is not accepted
    # on their behalf.
    rules_hash = forms.CharField(widget=forms.HiddenInput, max_length=64)
