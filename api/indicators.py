"""The plan's indicators for the API: aggregates only, for MEL staff and the steering
reader (``applicants.aggregate_project``). The shape is ``PlanIndicators.to_json()``,
described here for the schema."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers


class ValueSerializer(serializers.Serializer[Any]):
    display = serializers.CharField(
        help_text="Valeur telle qu'on la lit (« 12 000 € », « moins de 3 »)."
    )
    number = serializers.FloatField(
        allow_null=True, help_text="Valeur numérique ; vide quand la case est masquée ou fusionnée."
    )


class FigureSerializer(serializers.Serializer[Any]):
    key = serializers.CharField(help_text="Code de l'indicateur.")
    label = serializers.CharField(help_text="Intitulé de l'indicateur.")
    value = ValueSerializer(help_text="Valeur de l'indicateur.")
    help = serializers.CharField(help_text="Explication de l'indicateur.")


class RowSerializer(serializers.Serializer[Any]):
    label = serializers.CharField(help_text="Intitulé de la ligne.")
    values = ValueSerializer(many=True, help_text="Valeurs de la ligne, colonne par colonne.")


class TableSerializer(serializers.Serializer[Any]):
    key = serializers.CharField(help_text="Code du tableau.")
    title = serializers.CharField(help_text="Titre du tableau.")
    description = serializers.CharField(help_text="Ce que montre le tableau.")
    headers = serializers.ListField(
        child=serializers.CharField(), help_text="En-têtes de colonnes."
    )
    rows = RowSerializer(many=True, help_text="Lignes du tableau.")
    chart = serializers.CharField(help_text="Type de graphique (« bar », « funnel » ou vide).")
    chart_column = serializers.IntegerField(help_text="Colonne représentée par le graphique.")
    note = serializers.CharField(help_text="Note de lecture.")


class SectionSerializer(serializers.Serializer[Any]):
    key = serializers.CharField(help_text="Code de la rubrique (entonnoir, argent, délais…).")
    title = serializers.CharField(help_text="Titre de la rubrique.")
    intro = serializers.CharField(help_text="Présentation de la rubrique.")
    figures = FigureSerializer(many=True, help_text="Chiffres clés.")
    tables = TableSerializer(many=True, help_text="Tableaux.")


class PeriodSerializer(serializers.Serializer[Any]):
    start = serializers.DateField(help_text="Premier jour de la période.")
    end = serializers.DateField(help_text="Dernier jour de la période.")


class PlanIndicatorsSerializer(serializers.Serializer[Any]):
    period = PeriodSerializer(help_text="Période couverte (dates incluses).")
    scope_label = serializers.CharField(help_text="Périmètre : tout le plan, un axe, un programme.")
    computed_at = serializers.DateTimeField(help_text="Moment du calcul.")
    sections = SectionSerializer(many=True, help_text="Rubriques d'indicateurs agrégés.")
