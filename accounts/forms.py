from django import forms
from django.contrib.auth.forms import AuthenticationForm

from .exceptions import ApplicationError


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label="Adresse e-mail",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    error_messages = {
        "invalid_login": (
            "Adresse e-mail ou mot de passe incorrect. Vérifiez l'un et l'autre, puis réessayez."
        ),
        "inactive": "Ce compte est désactivé. Contactez l'équipe de la MEL.",
    }


def add_application_error(form: forms.BaseForm, error: ApplicationError) -> None:
    """Show a refused business rule on its field when the form has it, else above the form."""
    form.add_error(error.field if error.field in form.fields else None, error.message)
