"""Forms of the selection (stage 8): instruction note, a member's scoring, conflict of
interest and the committee's deliberation, in plain French.

Amounts are read the French way whatever the locale settings: "12 000", "12 000 €" and
"12000,50" are all accepted (``AmountField``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from accounts.fields import LongTextField
from funding.models import ScoringCriterion
from reviewers.grid_wording import hint_for, scale_for
from reviewers.models import CommitteeSession, Outcome
from workflows.fields import TOO_LARGE, AmountField


class SessionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{timezone.localtime(obj.starts_at):%d/%m/%Y} — {obj.place} ({obj.committee})"


class InstructionForm(forms.Form):
    session = SessionChoiceField(
        label="Séance du comité",
        queryset=CommitteeSession.objects.none(),
        empty_label="— choisir une séance —",
        error_messages={
            "required": "Choisissez la séance du comité.",
            "invalid_choice": "Cette séance ne prend plus de dossiers : choisissez une séance "
            "à venir.",
        },
    )
    note = LongTextField(
        label="Note d'instruction",
        help_text="Le comité la lit avant de noter : quelques phrases sur le projet, ses "
        "forces et ses points de vigilance.",
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "Rédigez la note d'instruction."},
    )

    def __init__(
        self, data: Any = None, *, sessions: QuerySet[CommitteeSession], **kwargs: Any
    ) -> None:
        super().__init__(data, **kwargs)
        cast(forms.ModelChoiceField, self.fields["session"]).queryset = sessions


class ScoringForm(forms.Form):
    """One score per criterion, chosen among radio buttons 0 to the criterion's maximum
    (each worded on the programme's scale), and an optional comment per criterion.

    The label is the criterion's alone: the page prints it once, as the legend of the
    criterion's fieldset, with what to look at and the weight beside it.
    """

    comment = LongTextField(
        label="Commentaire général (facultatif)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": "Au plus 2 000 caractères pour le commentaire général."},
    )

    def __init__(
        self, data: Any = None, *, criteria: Iterable[ScoringCriterion], **kwargs: Any
    ) -> None:
        super().__init__(data, **kwargs)
        self.criteria = list(criteria)
        general = self.fields.pop("comment")
        for criterion in self.criteria:
            span = (
                f"Choisissez une note entière de 0 à {criterion.max_score} "
                f"pour « {criterion.label} »."
            )
            self.fields[score_field(criterion)] = forms.TypedChoiceField(
                label=criterion.label,
                help_text=hint_for(criterion.code),
                choices=scale_for(criterion.max_score),
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": span, "invalid_choice": span},
            )
            self.fields[comment_field(criterion)] = forms.CharField(
                label="Commentaire sur ce critère (facultatif)",
                required=False,
                max_length=500,
                error_messages={"max_length": "Au plus 500 caractères par commentaire."},
            )
        self.fields["comment"] = general

    def scores(self) -> dict[int, int]:
        return {c.pk: self.cleaned_data[score_field(c)] for c in self.criteria}

    def comments(self) -> dict[int, str]:
        return {c.pk: self.cleaned_data[comment_field(c)] for c in self.criteria}

    def error_links(self) -> list[tuple[str, str]]:
        """(anchor, first error) per field in error, in page order, for the summary: a
        criterion's anchor is its first radio button, where the focus lands."""
        links = []
        for bound in self:
            if bound.errors:
                radio = isinstance(bound.field.widget, forms.RadioSelect)
                links.append(
                    (f"{bound.auto_id}_0" if radio else bound.auto_id, str(bound.errors[0]))
                )
        return links

    def rows(self) -> list[tuple[ScoringCriterion, forms.BoundField, forms.BoundField]]:
        """Per criterion, its score and comment fields (for the grid's table)."""
        return [(c, self[score_field(c)], self[comment_field(c)]) for c in self.criteria]


def score_field(criterion: ScoringCriterion) -> str:
    return f"score_{criterion.pk}"


def comment_field(criterion: ScoringCriterion) -> str:
    return f"comment_{criterion.pk}"


class ConflictForm(forms.Form):
    reason = forms.CharField(
        label="Motif (facultatif)",
        required=False,
        max_length=300,
        error_messages={"max_length": "Au plus 300 caractères."},
    )


class DeliberationForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Quel est l'avis du comité\u00a0?",
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez l'avis du comité."},
    )
    proposed_amount = AmountField(
        label="Montant proposé (€)",
        help_text="Pour un avis favorable, avec ou sans conditions. Exemple : 12 000 ou 12000,50.",
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        error_messages={
            **TOO_LARGE,
            "invalid": "Indiquez un montant en euros, par exemple 12 000 ou 12000,50.",
            "min_value": "Le montant ne peut pas être négatif.",
            "max_decimal_places": "Au plus deux chiffres après la virgule.",
        },
    )
    conditions = LongTextField(
        label="Conditions posées par le comité",
        help_text="Pour un avis favorable sous conditions : chacune sur une ligne.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reasons = LongTextField(
        label="Motivation de l'avis",
        help_text="Obligatoire pour un ajournement ou un avis défavorable : le porteur la "
        "reçoit dans son courrier.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class MoveSessionForm(forms.Form):
    """Staff move a dossier to another session; whatever is posted, a bad id is a message."""

    session = forms.ModelChoiceField(
        queryset=CommitteeSession.objects.all(),
        error_messages={
            "required": "Choisissez la séance à laquelle reporter le dossier.",
            "invalid_choice": "Cette séance n'existe pas : choisissez-en une dans la liste.",
        },
    )
