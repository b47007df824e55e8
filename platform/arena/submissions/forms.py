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
    # Required by the service (submission_create's require_method_name), which names the
    # method of a chosen "produced by" version when the field is left empty.
    method_name = forms.CharField(label="Method", max_length=200, required=False)
    tags = forms.CharField(label="Tags", max_length=400, required=False)
    code_url = forms.CharField(label="Code or paper", max_length=400, required=False)
