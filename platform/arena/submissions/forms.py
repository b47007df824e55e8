from django import forms


class SubmissionUploadForm(forms.Form):
    file = forms.FileField(
        label="Predictions file",
        help_text="CSV, gzipped CSV or Parquet with the id and label columns.",
        allow_empty_file=True,  # the service explains an empty file better than the form would
    )
    comment = forms.CharField(
        label="Description", max_length=300, required=False, help_text="What did you try?"
    )
