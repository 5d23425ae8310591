"""Forms of the application's steps, in plain French."""

from __future__ import annotations

from typing import Any

from django import forms

from accounts.fields import LongTextField
from accounts.french import french_order
from accounts.models import Organisation, OrganisationKind
from funding.models import FundingInstrument, RequiredDocument
from workflows.application.services import FIELD_LABELS
from workflows.fields import AmountField, FrenchDecimalField
from workflows.models import ApplicationAxis, FinancingStatus

_TOO_MANY_JOBS = "Indiquez au plus 9 999 emplois (équivalents temps plein)."


class ApplicationForm(forms.Form):
    """The application: every field optional here (a draft keeps what was typed); the
    submission says precisely what is missing. Only ``editable`` fields are open."""

    axis = forms.ChoiceField(
        label="Volet", choices=[("", "—"), *ApplicationAxis.choices], required=False
    )
    requested_amount = AmountField(label="Montant demandé à la MEL (€)", required=False)
    charges_total = AmountField(label="Budget prévisionnel : total des charges (€)", required=False)
    produits_total = AmountField(
        label="Budget prévisionnel : total des produits (€)",
        help_text="Les produits comprennent la subvention demandée ; ils doivent égaler les charges.",
        required=False,
    )
    jobs_planned_fte = FrenchDecimalField(
        max_digits=6,
        error_messages={
            "max_digits": _TOO_MANY_JOBS,
            "max_whole_digits": _TOO_MANY_JOBS,
            "min_value": "Le nombre d'emplois prévus ne peut pas être négatif : indiquez 0 ou plus.",
        },
        label="Emplois prévus (équivalents temps plein)",
        min_value=0,
        decimal_places=2,
        required=False,
    )
    social_utility = LongTextField(
        label="Utilité sociale du projet", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )

    def __init__(self, data: Any = None, *, editable: set[str] | None, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        if editable is not None:
            for name, field in self.fields.items():
                field.disabled = name not in editable


class DocumentFilesForm(forms.Form):
    """One file input per document asked that is still open to a file (none handed in yet,
    and editable at this step); the documents store checks and scans each file."""

    def __init__(
        self,
        data: Any = None,
        files: Any = None,
        *,
        rows: list[Any],
        editable: set[str] | None,
        accept: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(data, files, **kwargs)
        for row in rows:
            if not row.code or (editable is not None and f"doc_{row.code}" not in editable):
                continue
            self.fields[f"piece_{row.code}"] = forms.FileField(
                label=row.label,
                required=False,
                allow_empty_file=True,  # the store refuses it with its own message
                widget=forms.ClearableFileInput(attrs={"accept": accept}),
            )

    def uploads(self) -> list[tuple[str, Any]]:
        """(code, file) of each file chosen, in the checklist's order."""
        return [
            (name.removeprefix("piece_"), upload)
            for name, upload in self.cleaned_data.items()
            if upload
        ]


def complement_item_choices(documents: list[RequiredDocument]) -> list[tuple[str, str]]:
    return [
        *[(name, label[:1].upper() + label[1:]) for name, label in FIELD_LABELS.items()],
        ("financing_lines", "Le plan de financement (cofinancements)"),
        *[(f"doc_{d.code}", f"Pièce « {d.label} »") for d in documents],
    ]


class FinancingLineForm(forms.Form):
    """One co-financing of the plan de financement, sought or obtained."""

    organisation = forms.ModelChoiceField(
        label="Financeur partenaire de la plateforme",
        queryset=Organisation.objects.filter(
            kind=OrganisationKind.FINANCIER, is_active=True
        ).order_by(*french_order("name")),
        required=False,
        empty_label="— autre financeur (indiquez son nom) —",
        help_text="S'il figure dans la liste, il décidera de son financement ici même.",
    )
    financier_name = forms.CharField(label="Nom du financeur", max_length=200, required=False)
    instrument = forms.ChoiceField(label="Type de financement", choices=FundingInstrument.choices)
    amount = AmountField(label="Montant (€)")
    status = forms.ChoiceField(label="Statut", choices=FinancingStatus.choices)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("organisation") and not (data.get("financier_name") or "").strip():
            self.add_error(
                "financier_name", "Choisissez un financeur partenaire ou indiquez son nom."
            )
        return data


class CompletenessForm(forms.Form):
    decision = forms.ChoiceField(
        label="Le dossier est-il complet ?",
        choices=[
            ("complete", "Oui, il est complet"),
            ("complements", "Non, demander des compléments"),
        ],
        widget=forms.RadioSelect,
    )
    items = forms.MultipleChoiceField(
        label="Éléments à compléter", required=False, widget=forms.CheckboxSelectMultiple
    )
    message = LongTextField(
        label="Message au porteur", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    deadline = forms.DateField(
        label="À fournir avant le (par défaut dans 30 jours)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, data: Any = None, *, documents: list[RequiredDocument], **kwargs: Any):
        super().__init__(data, **kwargs)
        self.fields["items"].choices = complement_item_choices(documents)  # type: ignore[attr-defined]


class EligibilityForm(forms.Form):
    decision = forms.ChoiceField(
        label="Le dossier est-il éligible\u00a0?",
        choices=[("eligible", "Éligible"), ("ineligible", "Non éligible")],
        widget=forms.RadioSelect,
    )
    reasons = LongTextField(
        label="Motifs du refus (repris dans le courrier)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
