"""Admin for the programme configuration: plan axes, programmes and their rule versions.

MEL staff keep the rules here (caps, age limits, eligible forms, documents, scoring grid);
``load_programme_rules`` only fills what is missing, so edits made here are kept.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest

from funding.formatting import format_euros, format_percent
from funding.models import CallRuleVersion, PlanAxis, Programme, RequiredDocument, ScoringCriterion
from funding.services.signatures import organisation_countersign_warnings


@admin.register(PlanAxis)
class PlanAxisAdmin(admin.ModelAdmin):
    list_display = ("number", "name")
    search_fields = ("name",)


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ("name", "axis", "is_permanent_call", "is_active")
    list_select_related = ("axis",)
    list_filter = ("axis", "is_active")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}

    def save_model(self, request: HttpRequest, obj: Programme, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        # The grant's financier signs every dossier: say now if it can never countersign.
        if obj.grant_financier is not None:
            for warning in organisation_countersign_warnings(organisation=obj.grant_financier):
                messages.warning(request, warning)


class RequiredDocumentInline(admin.TabularInline):
    model = RequiredDocument
    fields = ("legal_form", "code", "label", "help_text", "is_mandatory")
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[RequiredDocument]:
        return super().get_queryset(request).select_related("legal_form")


class ScoringGridFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        """Weights are percentages of the final score: they must add up to exactly 100."""
        super().clean()
        kept = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        total = sum(data.get("weight_percent") or 0 for data in kept)
        if kept and total != 100:
            raise ValidationError(
                f"Les pondérations des critères totalisent {total} % : elles doivent "
                "totaliser 100 %."
            )


class ScoringCriterionInline(admin.TabularInline):
    model = ScoringCriterion
    formset = ScoringGridFormSet
    fields = ("position", "code", "label", "weight_percent", "max_score")
    extra = 0


@admin.register(CallRuleVersion)
class CallRuleVersionAdmin(admin.ModelAdmin):
    list_display = (
        "label",
        "programme",
        "valid_from",
        "valid_until",
        "cap",
        "budget_share",
        "startup_age_limit_years",
    )
    list_select_related = ("programme",)
    list_filter = ("programme",)
    search_fields = ("label", "notes")
    date_hierarchy = "valid_from"
    filter_horizontal = ("eligible_legal_forms",)
    inlines = [RequiredDocumentInline, ScoringCriterionInline]
    fieldsets = (
        (None, {"fields": ("programme", "label", ("valid_from", "valid_until"))}),
        (
            "Montants",
            {"fields": ("grant_cap", "cap_percent_of_budget", "convention_threshold")},
        ),
        (
            "Éligibilité",
            {
                "fields": (
                    "startup_age_limit_years",
                    "esus_required_after_years",
                    "eligible_legal_forms",
                )
            },
        ),
        ("Sources et points à vérifier", {"fields": ("notes",)}),
    )

    @admin.display(description="plafond", ordering="grant_cap")
    def cap(self, obj: CallRuleVersion) -> str:
        return format_euros(obj.grant_cap)

    @admin.display(description="part du budget", ordering="cap_percent_of_budget")
    def budget_share(self, obj: CallRuleVersion) -> str:
        return format_percent(obj.cap_percent_of_budget)
