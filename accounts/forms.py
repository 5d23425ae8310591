from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm

from .exceptions import ApplicationError
from .fields import PASSWORD_MAX_LENGTH, with_max_length


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label="Adresse e-mail",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    password = with_max_length(AuthenticationForm.base_fields["password"], PASSWORD_MAX_LENGTH)
    error_messages = {
        "invalid_login": (
            "Adresse e-mail ou mot de passe incorrect. Vérifiez l'un et l'autre, puis réessayez."
        ),
        "inactive": "Ce compte est désactivé. Contactez l'équipe de la MEL.",
    }


class FirstPasswordResetForm(PasswordResetForm):
    """Also sends the link to an active account that never had a password (a person who
    wrote through the public form): the link proves the address, which is all that choosing
    a first password needs. Django's form skips them, leaving the acknowledgement's advice to
    use "Mot de passe oublié" a dead end. The answer page stays the same either way."""

    def get_users(self, email: str) -> Iterator[Any]:
        model = get_user_model()
        wanted = email.casefold()
        active = model._default_manager.filter(email__iexact=email, is_active=True)
        return (user for user in active if user.email.casefold() == wanted)


class TotpCodeForm(forms.Form):
    code = forms.CharField(
        label="Code à 6 chiffres",
        help_text="Le code affiché en ce moment par votre application d'authentification.",
        max_length=8,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9 ]*",
                "autofocus": True,
            }
        ),
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].replace(" ", "")
        if not code.isdigit() or len(code) != 6:
            raise forms.ValidationError("Saisissez les 6 chiffres du code, sans lettre.")
        return code


def add_application_error(form: forms.BaseForm, error: ApplicationError) -> None:
    """Show a refused business rule on its field when the form has it, else above the form."""
    form.add_error(error.field if error.field in form.fields else None, error.message)
