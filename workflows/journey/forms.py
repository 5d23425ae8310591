"""Forms of the journey's steps, in plain French."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from accounts.fields import LongTextField, bounded_formfield
from accounts.models import Organisation
from applicants.forms import EquityQuestions, LocatedForm
from applicants.models import Project
from workflows.fields import AmountField
from workflows.models import SupportConclusion


class FirstContactForm(EquityQuestions, LocatedForm):
    """Public form: who you are, your idea, where, and the two optional equity questions.
    No account needed."""

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
        for name in (*self.EQUITY_FIELDS, "consent"):  # last: the optional questions, the consent
            self.fields[name] = self.fields.pop(name)

    def clean_siret(self) -> str:
        from applicants.validators import compact, validate_siret

        siret = compact(self.cleaned_data.get("siret", ""))
        if siret:
            validate_siret(siret)
        return siret


class TriageForm(forms.Form):
    """Orient the person to a support organisation or redirect them elsewhere: nothing is
    chosen in advance, so a page sent without reading it orients nobody by mistake."""

    decision = forms.ChoiceField(
        label="Que proposez-vous à la personne ?",
        choices=[
            ("orient", "L'orienter vers une structure d'accompagnement"),
            ("redirect", "La réorienter ailleurs (ce dispositif ne lui correspond pas)"),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choisissez d'orienter la personne vers une structure ou de la "
            "réorienter ailleurs."
        },
    )
    organisation = forms.ModelChoiceField(
        label="Structure d'accompagnement",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="— Choisissez la structure —",
        help_text="Les structures suggérées par les règles d'orientation viennent en premier.",
    )
    redirect_reason = LongTextField(
        label="Motif de la réorientation", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    redirect_guidance = LongTextField(
        label="Où la personne peut-elle s'adresser ?",
        required=False,
        help_text="Elle le lit dans son espace et dans l'e-mail qu'elle reçoit : donnez des "
        "adresses ou des liens.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    note = LongTextField(
        label="Note interne",
        required=False,
        help_text="Lue par l'équipe de la MEL et par la structure qui accompagnera le projet, "
        "jamais par la personne.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["organisation"])
        # With its group: granting it access to the journey then needs no query for it.
        field.queryset = Organisation.objects.filter(
            pk__in=[o.pk for o in organisations]
        ).select_related("group")
        order = {o.pk: i for i, o in enumerate(organisations)}
        staffed = set(
            Organisation.objects.filter(
                pk__in=order, memberships__user__is_active=True
            ).values_list("pk", flat=True)
        )
        field.choices = [("", field.empty_label)] + [  # suggested organisations first
            (o.pk, o.name if o.pk in staffed else f"{o.name} (aucun membre actif pour répondre)")
            for o in sorted(organisations, key=lambda o: order[o.pk])
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        decision = data.get("decision")
        if decision == "orient" and not data.get("organisation"):
            self.add_error("organisation", "Choisissez la structure d'accompagnement.")
        if decision == "redirect" and not (data.get("redirect_reason") or "").strip():
            self.add_error(
                "redirect_reason", "Indiquez pourquoi vous réorientez la personne ailleurs."
            )
        # Only what goes with the choice made is kept (a structure picked, then "redirect").
        if decision == "orient":
            data["redirect_reason"] = data["redirect_guidance"] = ""
        elif decision == "redirect":
            data["organisation"] = None
        return data


class OrientationAnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label="Pouvez-vous accompagner ce projet\u00a0?",
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
        label="Comment se termine l'accompagnement\u00a0?",
        choices=SupportConclusion.choices,
        widget=forms.RadioSelect,
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
