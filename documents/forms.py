"""The upload form: one file for one checklist code (the service checks both)."""

from django import forms

from .validation import ACCEPT_ATTRIBUTE


class DocumentUploadForm(forms.Form):
    code = forms.SlugField(max_length=40, widget=forms.HiddenInput)
    # Empty files reach the service, which refuses them with its own message.
    file = forms.FileField(
        label="Fichier",
        allow_empty_file=True,
        help_text="PDF, PNG, JPEG, ODT, DOCX, XLSX ou ODS.",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
    )

    def first_error(self) -> str:
        for errors in self.errors.values():
            return str(errors[0])
        return ""
