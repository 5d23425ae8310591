"""Admin for reference data (communes, QPV, legal forms) and for applicants' records.

Applicants' people, structures and projects are created by the application's own pages,
which record consents and grant access through services; the admin only lets staff look at
them and correct them, never add them. QPV findings are a history: read only.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin
from django.db.models import BooleanField, Case, QuerySet, Value, When
from django.http import HttpRequest

from accounts.fields import bounded_formfield
from applicants.services.territory import outside_mel_message

from .models import (
    Commune,
    ConsentRecord,
    LegalForm,
    Person,
    Project,
    QpvArea,
    QpvDetermination,
    Structure,
)


class NoAddMixin:
    """Records created only by the application's services (consents, grants, history)."""

    def has_add_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return False


class ReadOnlyMixin(NoAddMixin):
    def has_change_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return False


class InMelFilter(admin.SimpleListFilter):
    title = "membre de la MEL"
    parameter_name = "mel"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("1", "Oui"), ("0", "Non")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Commune]) -> QuerySet[Commune]:
        if self.value() == "1":
            return queryset.filter(epci_siren=settings.MEL_EPCI_SIREN)
        if self.value() == "0":
            return queryset.exclude(epci_siren=settings.MEL_EPCI_SIREN)
        return queryset


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    """Loaded from the INSEE reference (``load_territory``); corrected here if ever needed."""

    list_display = ("name", "insee_code", "postal_codes", "epci_siren", "population")
    list_filter = (InMelFilter,)
    search_fields = ("name", "insee_code", "postal_codes")
    readonly_fields = ("source", "updated_at")

    def get_readonly_fields(
        self, request: HttpRequest, obj: Commune | None = None
    ) -> tuple[str, ...]:
        # The INSEE code is the primary key: editing it would create another commune.
        return ("insee_code", *self.readonly_fields) if obj else tuple(self.readonly_fields)


class PerimeterFilter(admin.SimpleListFilter):
    title = "périmètre"
    parameter_name = "perimetre"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("1", "chargé"), ("0", "non chargé")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[QpvArea]) -> QuerySet[QpvArea]:
        if self.value() in {"0", "1"}:
            return queryset.filter(perimeter__isnull=self.value() == "0")
        return queryset


@admin.register(QpvArea)
class QpvAreaAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "generation", "commune_names", "perimeter_state")
    list_filter = ("generation", PerimeterFilter, ("communes", admin.RelatedOnlyFieldListFilter))
    search_fields = ("code", "name", "communes__name")
    filter_horizontal = ("communes",)
    readonly_fields = ("updated_at",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[QpvArea]:
        # A perimeter can weigh megabytes: lists only need to know whether there is one.
        has_perimeter = Case(
            When(perimeter__isnull=True, then=Value(False)),
            default=Value(True),
            output_field=BooleanField(),
        )
        return (
            super()
            .get_queryset(request)
            .defer("perimeter")
            .annotate(has_perimeter=has_perimeter)
            .prefetch_related("communes")
        )

    @admin.display(description="communes")
    def commune_names(self, obj: QpvArea) -> str:
        return ", ".join(commune.name for commune in obj.communes.all())

    @admin.display(description="périmètre", ordering="has_perimeter")
    def perimeter_state(self, obj: QpvArea) -> str:
        return "chargé" if obj.has_perimeter else "non chargé"  # type: ignore[attr-defined]


@admin.register(LegalForm)
class LegalFormAdmin(admin.ModelAdmin):
    list_display = (
        "label",
        "code",
        "ess_by_nature",
        "is_commercial_company",
        "is_association",
        "is_registered",
        "position",
    )
    list_filter = ("ess_by_nature", "is_commercial_company", "is_registered")
    search_fields = ("code", "label")

    def get_readonly_fields(
        self, request: HttpRequest, obj: LegalForm | None = None
    ) -> tuple[str, ...]:
        # The code is the primary key, used in the rules file and by structures.
        return ("code",) if obj else ()


class ConsentRecordInline(ReadOnlyMixin, admin.TabularInline):
    model = ConsentRecord
    fields = ("purpose", "granted", "text_version", "recorded_at")
    readonly_fields = fields
    extra = 0


@admin.register(Person)
class PersonAdmin(NoAddMixin, admin.ModelAdmin):
    list_display = ("__str__", "email", "phone", "role_in_structure", "created_at")
    list_select_related = ("user",)
    search_fields = ("user__email", "user__first_name", "user__last_name", "phone")
    readonly_fields = ("user", "created_at")
    inlines = [ConsentRecordInline]

    @admin.display(description="adresse e-mail", ordering="user__email")
    def email(self, obj: Person) -> str:
        return obj.user.email


class StructureAdminForm(forms.ModelForm):
    class Meta:
        model = Structure
        formfield_callback = bounded_formfield
        fields = (
            "name",
            "acronym",
            "legal_form",
            "siren",
            "siret",
            "rna",
            "naf_code",
            "esus_status",
            "esus_date",
            "creation_date",
            "address",
            "postal_code",
            "commune",
            "iban",
            "bic",
        )

    def clean_commune(self) -> Commune | None:
        commune = self.cleaned_data.get("commune")
        if commune is not None and not commune.in_mel:
            raise forms.ValidationError(outside_mel_message(commune))
        return commune


@admin.register(Structure)
class StructureAdmin(NoAddMixin, admin.ModelAdmin):
    form = StructureAdminForm
    list_display = ("name", "legal_form", "siret", "commune", "esus_status", "holder")
    list_select_related = ("legal_form", "commune", "holder__user")
    list_filter = ("legal_form", "esus_status")
    search_fields = ("name", "acronym", "siren", "siret", "rna", "holder__user__email")
    autocomplete_fields = ("commune",)
    # Changing the holder would hand the structure (and its projects' data) to someone else.
    readonly_fields = ("holder", "created_at", "updated_at")


class QpvDeterminationInline(ReadOnlyMixin, admin.TabularInline):
    model = QpvDetermination
    fields = ("decided_at", "outcome", "source", "qpv_code", "qpv_name", "decided_by", "reason")
    readonly_fields = fields
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[QpvDetermination]:
        return super().get_queryset(request).select_related("decided_by")


@admin.register(Project)
class ProjectAdmin(NoAddMixin, admin.ModelAdmin):
    list_display = (
        "title",
        "holder",
        "structure",
        "stage",
        "sector",
        "commune",
        "support_organisation",
        "current_qpv",
        "created_at",
    )
    list_select_related = (
        "holder__user",
        "structure",
        "commune",
        "support_organisation",
        "current_qpv",
    )
    list_filter = ("stage", "sector", ("support_organisation", admin.RelatedOnlyFieldListFilter))
    search_fields = ("title", "structure__name", "holder__user__email")
    # Ownership, structure, support organisation and location carry grants and the QPV
    # finding: they change through the project pages and their services, not here.
    readonly_fields = (
        "holder",
        "structure",
        "support_organisation",
        "address",
        "postal_code",
        "commune",
        "current_qpv",
        "created_at",
        "updated_at",
    )
    inlines = [QpvDeterminationInline]


@admin.register(QpvDetermination)
class QpvDeterminationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Each finding is evidence (who decided what, from which address): never rewritten."""

    list_display = ("project", "decided_at", "outcome", "source", "qpv_code", "decided_by")
    list_select_related = ("project", "decided_by")
    list_filter = ("outcome", "source", "generation")
    search_fields = ("project__title", "qpv_code", "qpv_name", "address_label")
    date_hierarchy = "decided_at"
