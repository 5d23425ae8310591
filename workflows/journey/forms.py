"""Forms of the journey's steps, in plain French."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from accounts.fields import LongTextField, bounded_formfield
from accounts.models import Organisation
from applicants.forms import LocatedForm
from applicants.models import Project
from workflows.fields import AmountField
from workflows.models import SupportConclusion


class FirstContactForm(LocatedForm):
    """Public form: who you are, your idea, where. No account needed."""

    first_name = forms.CharField(label="Prénom", max_length=150)
    last_name = forms.CharField(label="Nom", max_length=150)
    email = forms.EmailField(
        label="Adresse e-mail",
        help_text="Nous vous écrirons à cette adresse.",
        max_length=254,  # the account's column (accounts.User.email)
    )
    phone = forms.CharField(label="Téléphone", max_length=30, required=False)
    structure_name = forms.CharField(
        label="Nom de votre structure, si elle existe déjà", max_length=200, required=False
    )
    siret = forms.CharField(
        label="SIRET de la structure, si vous l'avez", max_length=40, required=False
    )
    needs = LongTextField(
        label="De quoi avez-vous besoin ?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Par exemple : trouver un local, construire mon budget, trouver des financements.",
    )
    consent = forms.BooleanField(
        label="J'accepte que la MEL et ses partenaires utilisent ces informations pour "
        "m'accompagner (voir la mention d'information en bas de page).",
    )

    class Meta:
        model = Project
        formfield_callback = bounded_formfield
        fields = ["title", "summary", "sector", "stage", "address", "postal_code", "commune"]
        labels = {
            "title": "Votre idée en quelques mots",
            "summary": "Présentez votre projet",
            "address": "Adresse de l'activité (si vous la connaissez)",
        }
        widgets = {"summary": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commune"].required = True

    def clean_siret(self) -> str:
        from applicants.validators import compact, validate_siret

        siret = compact(self.cleaned_data.get("siret", ""))
        if siret:
            validate_siret(siret)
        return siret


class TriageForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label="Orienter vers",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="— Ne pas orienter (réorienter ailleurs) —",
    )
    redirect_reason = LongTextField(
        label="Motif de la réorientation", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    redirect_guidance = LongTextField(
        label="Où la personne peut-elle s'adresser ?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    note = LongTextField(
        label="Note interne", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["organisation"])
        # With its group: granting it access to the journey then needs no query for it.
        field.queryset = Organisation.objects.filter(
            pk__in=[o.pk for o in organisations]
        ).select_related("group")
        order = {o.pk: i for i, o in enumerate(organisations)}
        field.choices = [("", field.empty_label)] + [  # suggested organisations first
            (o.pk, o.name) for o in sorted(organisations, key=lambda o: order[o.pk])
        ]


class OrientationAnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label="Votre réponse",
        widget=forms.RadioSelect,
        choices=[
            ("accept", "Nous accompagnons ce projet"),
            ("decline", "Nous ne pouvons pas l'accompagner"),
        ],
    )
    reason = LongTextField(
        label="Motif (obligatoire si vous déclinez)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SupportConclusionForm(forms.Form):
    conclusion = forms.ChoiceField(
        label="Conclusion", choices=SupportConclusion.choices, widget=forms.RadioSelect
    )
    opinion = LongTextField(
        label="Avis de la structure (si le projet est prêt)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    recommended_amount = AmountField(label="Montant recommandé (€)", required=False)
    reason = LongTextField(
        label="Motif (si l'accompagnement s'arrête)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SupportSessionForm(forms.Form):
    held_on = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    duration_minutes = forms.IntegerField(label="Durée (minutes)", min_value=1, max_value=24 * 60)
    topic = forms.CharField(label="Sujet", max_length=200)
    notes = LongTextField(
        label="Compte rendu", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class SupportPlanForm(forms.Form):
    diagnostic = LongTextField(
        label="Diagnostic", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    support_plan = LongTextField(
        label="Plan d'accompagnement", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class WithdrawForm(forms.Form):
    reason = LongTextField(
        label="Motif (facultatif)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class MessageForm(forms.Form):
    body = forms.CharField(
        label="Votre message", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
