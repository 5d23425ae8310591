"""What each endpoint returns. Field names are short English words (a machine interface);
every description is French, and nothing personal beyond what the reader's persona sees on
the pages (the holder's e-mail only for MEL staff)."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.selectors import sees_holder_contact
from funding.models import FundingInstrument, LineState, PlanAxis, Programme
from reviewers.models import Outcome
from workflows.models import ApplicationStatus

# Amounts are decimal strings in euros ("9000.00"): no rounding by a float.
Money = {"max_digits": 12, "decimal_places": 2, "read_only": True}


class DossierSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True, help_text="Identifiant du dossier.")
    project_title = serializers.CharField(
        source="project.title", read_only=True, help_text="Titre du projet."
    )
    structure_name = serializers.SerializerMethodField(
        help_text="Nom de la structure porteuse, s'il y en a une."
    )
    commune_code = serializers.SerializerMethodField(
        help_text="Code INSEE de la commune de l'activité."
    )
    commune_name = serializers.SerializerMethodField(help_text="Commune de l'activité.")
    qpv = serializers.SerializerMethodField(
        help_text="Situation en quartier prioritaire : « inside » (en QPV), « outside » "
        "(hors QPV), « to_verify » (à vérifier) ; vide si elle n'est pas encore établie."
    )
    qpv_label = serializers.SerializerMethodField(help_text="Situation QPV en toutes lettres.")
    qpv_name = serializers.SerializerMethodField(help_text="Nom du quartier prioritaire.")
    support_organisation = serializers.SerializerMethodField(
        help_text="Structure d'accompagnement du projet."
    )
    stage = serializers.ChoiceField(
        choices=ApplicationStatus.choices, read_only=True, help_text="Étape du dossier (code)."
    )
    stage_label = serializers.CharField(
        source="get_stage_display", read_only=True, help_text="Étape du dossier en toutes lettres."
    )
    requested_amount = serializers.DecimalField(
        **Money, allow_null=True, help_text="Montant demandé, en euros."
    )
    total_budget = serializers.DecimalField(
        **Money, allow_null=True, help_text="Budget prévisionnel, en euros."
    )
    jobs_planned_fte = serializers.DecimalField(
        max_digits=6,
        decimal_places=2,
        read_only=True,
        allow_null=True,
        help_text="Emplois prévus, en équivalents temps plein.",
    )
    created_at = serializers.DateTimeField(
        source="created", read_only=True, help_text="Ouverture du dossier."
    )
    submitted_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="Dépôt de la candidature."
    )
    decided_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="Avis du comité."
    )
    holder_email = serializers.SerializerMethodField(
        help_text="E-mail du porteur ou de la porteuse : seulement pour l'équipe de la MEL "
        "(vide pour les autres)."
    )

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_structure_name(self, obj: Any) -> str | None:
        structure = obj.project.structure
        return structure.name if structure else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_commune_code(self, obj: Any) -> str | None:
        return obj.project.commune_id

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_commune_name(self, obj: Any) -> str | None:
        commune = obj.project.commune
        return commune.name if commune else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_qpv(self, obj: Any) -> str | None:
        qpv = obj.project.current_qpv
        return qpv.outcome if qpv else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_qpv_label(self, obj: Any) -> str | None:
        qpv = obj.project.current_qpv
        return str(qpv.get_outcome_display()) if qpv else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_qpv_name(self, obj: Any) -> str | None:
        qpv = obj.project.current_qpv
        return (qpv.qpv_name or None) if qpv else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_support_organisation(self, obj: Any) -> str | None:
        organisation = obj.project.support_organisation
        return organisation.name if organisation else None

    @extend_schema_field(serializers.EmailField(allow_null=True))
    def get_holder_email(self, obj: Any) -> str | None:
        if not self.context.get("sees_contact"):
            return None
        return str(obj.holder.user.email)


class FundingLineSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True, help_text="Identifiant de la ligne.")
    dossier = serializers.IntegerField(
        source="dossier_id", read_only=True, help_text="Identifiant du dossier."
    )
    project_title = serializers.CharField(
        source="dossier.project.title", read_only=True, help_text="Titre du projet."
    )
    financier = serializers.CharField(
        source="organisation.name", read_only=True, help_text="Financeur."
    )
    is_programme_grant = serializers.BooleanField(
        read_only=True, help_text="Vrai pour la subvention Entreprendre Autrement de la MEL."
    )
    instrument = serializers.ChoiceField(
        choices=FundingInstrument.choices, read_only=True, help_text="Instrument (code)."
    )
    instrument_label = serializers.CharField(
        source="get_instrument_display", read_only=True, help_text="Instrument en toutes lettres."
    )
    proposed_amount = serializers.DecimalField(
        **Money, help_text="Montant proposé par le comité ou sollicité, en euros."
    )
    decided_amount = serializers.DecimalField(
        **Money, allow_null=True, help_text="Montant accordé, en euros (vide sans accord)."
    )
    state = serializers.ChoiceField(
        choices=LineState.choices, read_only=True, help_text="Décision (code)."
    )
    state_label = serializers.CharField(
        source="get_state_display", read_only=True, help_text="Décision en toutes lettres."
    )
    decided_at = serializers.DateTimeField(
        source="first_signed_at",
        read_only=True,
        allow_null=True,
        help_text="Date de la décision (première signature).",
    )
    countersigned_at = serializers.DateTimeField(
        source="second_signed_at",
        read_only=True,
        allow_null=True,
        help_text="Date de la seconde signature, au-delà du seuil.",
    )


class FinancierDecisionSerializer(serializers.Serializer[Any]):
    line = serializers.IntegerField(
        source="pk", read_only=True, help_text="Identifiant de la ligne de financement."
    )
    financier = serializers.CharField(
        source="organisation.name", read_only=True, help_text="Financeur."
    )
    state = serializers.ChoiceField(
        choices=LineState.choices, read_only=True, help_text="Décision (code)."
    )
    state_label = serializers.CharField(
        source="get_state_display", read_only=True, help_text="Décision en toutes lettres."
    )
    decided_amount = serializers.DecimalField(
        **Money, allow_null=True, help_text="Montant accordé, en euros."
    )
    decided_at = serializers.DateTimeField(
        source="first_signed_at", read_only=True, allow_null=True, help_text="Date de décision."
    )


class DecisionSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True, help_text="Identifiant de l'avis du comité.")
    dossier = serializers.IntegerField(
        source="application_id", read_only=True, help_text="Identifiant du dossier."
    )
    project_title = serializers.CharField(
        source="application.project.title", read_only=True, help_text="Titre du projet."
    )
    session_date = serializers.DateTimeField(
        source="session.starts_at", read_only=True, help_text="Date de la séance du comité."
    )
    outcome = serializers.ChoiceField(
        choices=Outcome.choices, read_only=True, help_text="Avis du comité (code)."
    )
    outcome_label = serializers.CharField(
        source="get_outcome_display", read_only=True, help_text="Avis du comité en toutes lettres."
    )
    proposed_amount = serializers.DecimalField(
        **Money, allow_null=True, help_text="Montant proposé par le comité, en euros."
    )
    conditions = serializers.CharField(read_only=True, help_text="Conditions posées par le comité.")
    reasons = serializers.CharField(read_only=True, help_text="Motivation de l'avis.")
    recorded_at = serializers.DateTimeField(read_only=True, help_text="Enregistrement de l'avis.")
    financier_decisions = FinancierDecisionSerializer(
        source="application.visible_decisions",
        many=True,
        read_only=True,
        help_text="Décisions des financeurs que le lecteur peut voir (un financeur : la sienne).",
    )


class TrancheSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True, help_text="Identifiant de la tranche.")
    dossier = serializers.IntegerField(
        source="application_id", read_only=True, help_text="Identifiant du dossier."
    )
    project_title = serializers.CharField(
        source="application.project.title", read_only=True, help_text="Titre du projet."
    )
    position = serializers.IntegerField(
        read_only=True, help_text="Rang de la tranche (1 : avance, 2 : solde)."
    )
    label = serializers.CharField(read_only=True, help_text="Nom de la tranche.")
    amount = serializers.DecimalField(**Money, help_text="Montant de la tranche, en euros.")
    released_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="Versement ordonné le (vide s'il ne l'est pas)."
    )


class IndicatorsQuerySerializer(serializers.Serializer[Any]):
    debut = serializers.DateField(
        required=False,
        help_text="Premier jour de la période (AAAA-MM-JJ). Défaut : semestre en cours. "
        "Hors équipe de la MEL : le premier jour d'un semestre.",
    )
    fin = serializers.DateField(
        required=False,
        help_text="Dernier jour de la période (AAAA-MM-JJ). Défaut : semestre en cours.",
    )

    axe = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=99,
        help_text="Numéro d'un axe du plan : seulement ses programmes (équipe de la MEL).",
    )
    programme = serializers.SlugField(
        required=False,
        max_length=80,
        help_text="Identifiant d'un programme, ex. entreprendre-autrement (équipe de la MEL).",
    )

    def validate_axe(self, value: int) -> Any:
        axis = PlanAxis.objects.filter(number=value).first()
        if axis is None:
            raise serializers.ValidationError(f"Le plan n'a pas d'axe n° {value}.")
        return axis

    def validate_programme(self, value: str) -> Any:
        programme = Programme.objects.filter(slug=value).first()
        if programme is None:
            raise serializers.ValidationError("Ce programme n'existe pas.")
        return programme

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("debut" in attrs) != ("fin" in attrs):
            raise serializers.ValidationError("Donnez à la fois le début et la fin de la période.")
        if "debut" in attrs and attrs["debut"] > attrs["fin"]:
            raise serializers.ValidationError("La fin de la période précède son début.")
        if "debut" in attrs:
            _check_period_bounds(attrs["debut"], attrs["fin"])
        return attrs


INDICATORS_EARLIEST = datetime.date(2015, 1, 1)  # the plan's first programme
INDICATORS_LONGEST_YEARS = 10


def _check_period_bounds(start: datetime.date, end: datetime.date) -> None:
    """A period the indicators can mean: from 2015, up to a year ahead, ten years at most."""
    latest = datetime.date(timezone.localdate().year + 1, 12, 31)
    if start < INDICATORS_EARLIEST:
        raise serializers.ValidationError(
            "La période commence au plus tôt le 1er\u00a0janvier\u00a02015 (premier programme du plan)."
        )
    if end > latest:
        raise serializers.ValidationError(
            f"La période finit au plus tard le 31\u00a0décembre\u00a0{latest.year}."
        )
    if (end - start).days > INDICATORS_LONGEST_YEARS * 366:
        raise serializers.ValidationError(
            f"La période dure au plus {INDICATORS_LONGEST_YEARS}\u00a0ans : raccourcissez-la."
        )


def dossier_context(view_context: dict[str, Any]) -> dict[str, Any]:
    request = view_context.get("request")
    user = getattr(request, "user", None)
    return {**view_context, "sees_contact": user is not None and sees_holder_contact(user)}
