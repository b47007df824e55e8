from django import forms


class MethodPushForm(forms.Form):
    package = forms.FileField(
        label="Method package (.zip)",
        help_text="A zip of your method's folder: method.yaml and its code (docs/METHODS.md).",
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )
