"""Forms of the steps after a favourable avis (stages 9 to 11), in plain French.

Business rules (a reason for a refusal, the mandatory convention, the conditions of a
tranche) are checked by ``funding.services.payments``; these forms only read what was typed.
"""

from __future__ import annotations

from typing import Any

from django import forms

from accounts.fields import LongTextField
from workflows.fields import AmountField

DATE_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d"]
_BAD_DATE = "Saisissez une date au format jj/mm/aaaa, par exemple 15/03/2025."
_BAD_NUMBER = "Saisissez un nombre, par exemple 2 ou 1,5 (0 si aucun)."


def _date_field(label: str, **kwargs: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        input_formats=DATE_FORMATS,
        error_messages={"invalid": _BAD_DATE},
        widget=forms.DateInput(
            format="%d/%m/%Y", attrs={"placeholder": "jj/mm/aaaa", "inputmode": "numeric"}
        ),
        help_text="Au format jj/mm/aaaa.",
        **kwargs,
    )


class FundingDecisionForm(forms.Form):
    """A financier grants its line (with the amount) or declines it (with a reason)."""

    decision = forms.ChoiceField(
        label="Accordez-vous ce financement\u00a0?",
        choices=[("grant", "Accorder le financement"), ("decline", "Refuser le financement")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez d'accorder ou de refuser le financement."},
    )
    amount = AmountField(
        label="Montant accordé (€)",
        required=False,
        help_text="Par exemple 12 000 ou 12000,50. Laissez vide en cas de refus.",
    )
    reason = LongTextField(
        label="Motif ou commentaire",
        required=False,
        help_text="Obligatoire en cas de refus : il est transmis à l'équipe de la MEL.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CountersignForm(forms.Form):
    """A second member of the financier confirms the decision, or sends it back."""

    decision = forms.ChoiceField(
        label="Confirmez-vous la décision\u00a0?",
        choices=[
            ("confirm", "Je confirme la décision"),
            ("back", "Je renvoie la décision pour réexamen"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez de confirmer ou de renvoyer la décision."},
    )
    reason = LongTextField(
        label="Pourquoi la renvoyer ?",
        required=False,
        help_text="Obligatoire si vous renvoyez la décision.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ConventionForm(forms.Form):
    """The convention signed by both sides, or (under the threshold) a notification."""

    waived = forms.BooleanField(
        label="Pas de convention : une notification de subvention suffit",
        required=False,
        help_text="Possible seulement sous le seuil de la convention obligatoire.",
    )
    holder_signed_on = _date_field("Signée par le bénéficiaire le", required=False)
    mel_signed_on = _date_field("Signée par la MEL le", required=False)

    def __init__(self, data: Any = None, *, required: bool, threshold: str, **kwargs: Any):
        super().__init__(data, **kwargs)
        if required:
            # Not offered: a browser sends nothing; a stale page is refused by the service.
            waived = self.fields["waived"]
            waived.widget.attrs["disabled"] = True
            waived.help_text = (
                f"Impossible pour ce dossier : au-delà de {threshold} la convention est "
                "obligatoire."
            )


class ConditionsMetForm(forms.Form):
    note = LongTextField(
        label="Comment les conditions du comité ont-elles été levées ?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Indiquez comment les conditions ont été levées."},
    )


class BankDetailsForm(forms.Form):
    """The structure's IBAN and BIC, checked by the service (spaces allowed when typed)."""

    iban = forms.CharField(
        label="IBAN du compte de la structure",
        max_length=50,
        help_text="Sur le relevé d'identité bancaire (RIB), par exemple "
        "FR76 3000 6000 0112 3456 7890 189. Le compte doit être au nom de la structure.",
        error_messages={"required": "Indiquez l'IBAN du compte de la structure."},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    bic = forms.CharField(
        label="BIC (facultatif)",
        max_length=20,
        required=False,
        help_text="8 ou 11 caractères, par exemple CCOPFRPPXXX.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class ReleaseForm(forms.Form):
    """Order the payment of the advance (no field: the conditions are checked)."""


class BalanceForm(forms.Form):
    action = forms.ChoiceField(
        label="Que faire ?",
        choices=[
            ("release", "Verser le solde puis clôturer le dossier"),
            ("close", "Clôturer le dossier sans verser le solde"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez de verser le solde ou de clôturer sans lui."},
    )
    note = LongTextField(
        label="Note de clôture",
        required=False,
        help_text="Obligatoire si le solde n'est pas versé : expliquez pourquoi.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _count_field(label: str, help_text: str, **kwargs: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        help_text=help_text,
        min_value=0,
        max_value=1_000_000,
        localize=True,
        error_messages={"invalid": "Saisissez un nombre entier (0 si aucun)."},
        **kwargs,
    )


def _fte_field(label: str, help_text: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        help_text=help_text,
        min_value=0,
        max_digits=6,
        decimal_places=2,
        localize=True,
        error_messages={
            "invalid": _BAD_NUMBER,
            "max_digits": "Indiquez au plus 9 999 emplois.",
            "max_whole_digits": "Indiquez au plus 9 999 emplois.",
        },
    )


class ReportForm(forms.Form):
    """The indicators of a follow-up report (``funding.services.payments.REPORT_FIELDS``)."""

    jobs_created_fte = _fte_field(
        "Emplois créés (en équivalents temps plein)",
        "Depuis le début du projet. Un mi-temps compte pour 0,5. Indiquez 0 si aucun.",
    )
    jobs_kept_fte = _fte_field(
        "Emplois maintenus (en équivalents temps plein)",
        "Les emplois qui existaient avant le projet et qui sont toujours là. 0 si aucun.",
    )
    qpv_residents_hired = _count_field(
        "Dont personnes habitant un quartier prioritaire (QPV)",
        "Nombre de personnes recrutées qui habitent un quartier prioritaire de la politique "
        "de la ville. 0 si aucune.",
    )
    turnover = AmountField(
        label="Chiffre d'affaires ou produits de l'année (€)",
        required=False,
        help_text="Du dernier exercice connu. Laissez vide si vous ne le connaissez pas encore.",
    )
    beneficiaries = _count_field(
        "Personnes bénéficiaires de l'activité",
        "Nombre approximatif de personnes touchées par votre activité.",
    )
    still_active = forms.TypedChoiceField(
        label="Votre activité continue-t-elle ?",
        choices=[("yes", "Oui"), ("no", "Non, elle s'est arrêtée")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Indiquez si l'activité continue."},
    )
    comment = LongTextField(
        label="Commentaire",
        required=False,
        help_text="Ce qui a bien marché, les difficultés, ce dont vous auriez besoin.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
