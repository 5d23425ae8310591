"""Forms of the applicant's space: plain French labels, errors attached to their field."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from accounts.fields import LongTextField, bounded_formfield
from applicants.models import AgeBand, Commune, Gender, Person, Project, Structure
from applicants.selectors.territory import mel_communes
from applicants.services.territory import outside_mel_message

OUTSIDE_MEL = "hors-mel"


class CommuneChoiceField(forms.ChoiceField):
    """The MEL communes, plus an explicit "elsewhere" so nobody is stuck without an answer."""

    def load_choices(self) -> None:
        # Called per form instance, never at import: the table may not exist yet (migrate).
        communes = mel_communes().values_list("insee_code", "name")
        self.choices = [
            ("", "— Choisissez la commune —"),
            *communes,
            (OUTSIDE_MEL, "Une autre commune, hors de la Métropole européenne de Lille"),
        ]

    def clean(self, value: Any) -> Commune | None:
        value = super().clean(value)
        if not value:
            return None
        if value == OUTSIDE_MEL:
            raise forms.ValidationError(outside_mel_message(None), code="outside_mel")
        try:
            return Commune.objects.get(insee_code=value)
        except Commune.DoesNotExist as error:
            raise forms.ValidationError("Choisissez une commune de la liste.") from error


class LocatedForm(forms.ModelForm):
    """Shared by structures and projects: a MEL commune consistent with the postal code."""

    commune = CommuneChoiceField(label="Commune", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(CommuneChoiceField, self.fields["commune"]).load_choices()
        if self.instance.pk and self.instance.commune_id:
            self.initial["commune"] = self.instance.commune_id

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        commune, postal_code = data.get("commune"), data.get("postal_code")
        if commune and postal_code and postal_code not in commune.postal_code_list():
            self.add_error(
                "postal_code",
                f"Le code postal {postal_code} ne correspond pas à {commune.name} "
                f"({', '.join(commune.postal_code_list())}).",
            )
        return data


class StructureForm(LocatedForm):
    class Meta:
        model = Structure
        formfield_callback = bounded_formfield
        fields = [
            "name",
            "acronym",
            "legal_form",
            "siret",
            "rna",
            "naf_code",
            "creation_date",
            "esus_status",
            "esus_date",
            "address",
            "postal_code",
            "commune",
            "iban",
            "bic",
        ]
        widgets = {
            "creation_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "esus_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "siret": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            "postal_code": forms.TextInput(
                attrs={"inputmode": "numeric", "autocomplete": "postal-code"}
            ),
        }
        help_texts = {
            "siret": "14 chiffres, sur l'avis de situation INSEE ou le Kbis. Les espaces sont acceptés.",
            "rna": "Associations : W suivi de 9 chiffres.",
            "naf_code": "Exemple : 88.99B.",
            "iban": "Le compte doit être au nom de la structure.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # SIRET/RNA fields are cleaned by the model (spaces allowed on input).
        for name in ("siret", "rna", "iban", "bic"):
            field = cast(forms.CharField, self.fields[name])
            field.max_length = 40
            field.widget.attrs.pop("maxlength", None)
            field.validators = []


_JOBS_MESSAGES = {
    "min_value": "Le nombre d'emplois prévus ne peut pas être négatif : indiquez 0 ou plus.",
    "max_digits": "Indiquez au plus 9 999 emplois (équivalents temps plein).",
    "max_whole_digits": "Indiquez au plus 9 999 emplois (équivalents temps plein).",
    "max_decimal_places": "Au plus deux chiffres après la virgule, par exemple 1,5.",
    "invalid": "Indiquez un nombre, par exemple 2 ou 1,5.",
}


class ProjectForm(LocatedForm):
    jobs_planned_fte = forms.DecimalField(
        label="Emplois prévus (équivalents temps plein)",
        help_text="Par exemple 2 ou 1,5. Indiquez 0 si vous n'en prévoyez pas encore.",
        min_value=0,
        max_digits=6,
        decimal_places=2,
        initial=0,
        localize=True,  # "1,5" as people type it, and shown back that way
        error_messages=_JOBS_MESSAGES,
    )

    class Meta:
        model = Project
        formfield_callback = bounded_formfield
        fields = [
            "title",
            "summary",
            "sector",
            "stage",
            "social_utility",
            "jobs_planned_fte",
            "structure",
            "address",
            "postal_code",
            "commune",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "social_utility": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {"address": "Adresse où se déroule l'activité"}

    def __init__(self, *args: Any, holder_structures: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        structure = cast(forms.ModelChoiceField, self.fields["structure"])
        structure.queryset = (
            holder_structures if holder_structures is not None else Structure.objects.none()
        )
        structure.required = False
        structure.empty_label = "Pas encore de structure"


def _answered(choices: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    # The blank value means "never answered": it is what an empty group sends, not a choice.
    return [(value, label) for value, label in choices if value]


class EquityQuestions(forms.Form):
    """The two optional equity questions, shown together under their stated purpose by
    ``includes/equity_form.html`` (a form using them sets it as its ``template_name``).
    Nothing is chosen in advance: an unanswered group leaves the answer blank."""

    EQUITY_FIELDS = ("gender", "age_band")

    gender = forms.ChoiceField(
        label="Vous êtes",
        choices=_answered(Gender.choices),
        widget=forms.RadioSelect,
        required=False,
    )
    age_band = forms.ChoiceField(
        label="Votre âge",
        choices=_answered(AgeBand.choices),
        widget=forms.RadioSelect,
        required=False,
    )
    template_name = "includes/equity_form.html"


class PersonDetailsForm(EquityQuestions, forms.ModelForm):
    """The applicant's own details, in their space (the e-mail is their sign-in: not here)."""

    first_name = forms.CharField(label="Prénom", max_length=150)
    last_name = forms.CharField(label="Nom", max_length=150)

    class Meta:
        model = Person
        formfield_callback = bounded_formfield
        fields = ["civility", "phone", "role_in_structure", "gender", "age_band"]
        labels = {
            "civility": "Civilité",
            "phone": "Téléphone",
            "role_in_structure": "Votre fonction dans la structure",
        }
        widgets = {"phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = self.instance.user
        self.initial.setdefault("first_name", user.first_name)
        self.initial.setdefault("last_name", user.last_name)
        self.order_fields(["first_name", "last_name"])


NONE_OF_THESE = "aucun"
DONT_KNOW = "ne-sait-pas"


class QpvDeclarationForm(forms.Form):
    """The person picks among the QPV of their commune, or says none, or does not know."""

    answer = forms.ChoiceField(
        label="Votre activité se situe-t-elle dans l'un de ces quartiers prioritaires ?",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, areas: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.areas = {str(area.pk): area for area in areas}
        cast(forms.ChoiceField, self.fields["answer"]).choices = [
            (pk, area.name) for pk, area in self.areas.items()
        ] + [
            (NONE_OF_THESE, "Aucun de ces quartiers"),
            (DONT_KNOW, "Je ne sais pas (l'équipe de la MEL vérifiera)"),
        ]


class QpvVerificationForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Quel est le résultat de la vérification\u00a0?", widget=forms.RadioSelect
    )
    qpv = forms.ChoiceField(label="Quartier prioritaire", required=False)
    reason = LongTextField(
        label="Motif (obligatoire si vous corrigez le résultat)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Par exemple : vérifié sur le simulateur sig.ville.gouv.fr le …",
    )

    def __init__(self, *args: Any, areas: Any, **kwargs: Any) -> None:
        from applicants.models import QpvOutcome

        super().__init__(*args, **kwargs)
        self.areas = {str(area.pk): area for area in areas}
        cast(forms.ChoiceField, self.fields["outcome"]).choices = [
            (QpvOutcome.INSIDE, "En quartier prioritaire"),
            (QpvOutcome.OUTSIDE, "Hors quartier prioritaire"),
        ]
        cast(forms.ChoiceField, self.fields["qpv"]).choices = [("", "—")] + [
            (pk, a.name) for pk, a in self.areas.items()
        ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        data["qpv_area"] = self.areas.get(data.get("qpv") or "")
        if data.get("outcome") == "inside" and data["qpv_area"] is None:
            self.add_error("qpv", "Choisissez le quartier prioritaire concerné.")
        return data
