"""Admin of the Comité métropolitain for MEL staff: meetings with their members and agenda.
Who reads a meeting goes through the services (grants); the reports are read-only here, and
so are a meeting's date, place and status once its report is approved."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from accounts.exceptions import ApplicationError
from accounts.models import Organisation, OrganisationKind, User
from steering.comite.services import comite_meeting_readers_sync
from steering.models import AgendaItem, ComiteMeeting, ComiteMember, SemesterReport
from steering.models.comite import FROZEN_MEETING_FIELDS


class ComiteMemberInline(admin.TabularInline):
    model = ComiteMember
    fields = ("position", "user", "name", "role")
    extra = 1

    def formfield_for_foreignkey(self, db_field: Any, request: Any, **kwargs: Any) -> Any:
        if db_field.name == "user":
            kwargs["queryset"] = User.objects.filter(
                memberships__organisation__kind=OrganisationKind.STEERING, is_active=True
            ).distinct()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    fields = ("position", "title", "presenter", "duration_minutes")
    extra = 1


@admin.register(ComiteMeeting)
class ComiteMeetingAdmin(admin.ModelAdmin):
    list_display = ("starts_at", "place", "status")
    list_filter = ("status",)
    date_hierarchy = "starts_at"
    fields = ("starts_at", "place", "status", "readers")
    filter_horizontal = ("readers",)
    inlines = (ComiteMemberInline, AgendaItemInline)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # The approved report names this date, place and status: they stay as approved
        # (``ComiteMeeting.save`` refuses too). Readers, members and agenda are not in it.
        if obj is not None and obj.report_is_approved:
            return FROZEN_MEETING_FIELDS
        return super().get_readonly_fields(request, obj)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial: dict[str, Any] = dict(super().get_changeform_initial_data(request))
        initial.setdefault(
            "readers",
            list(
                Organisation.objects.filter(
                    kind=OrganisationKind.STEERING, is_active=True
                ).values_list("pk", flat=True)
            ),
        )
        return initial

    def save_model(
        self, request: HttpRequest, obj: ComiteMeeting, form: forms.ModelForm, change: bool
    ) -> None:
        self._previous_readers = set(obj.readers.values_list("pk", flat=True)) if change else set()
        super().save_model(request, obj, form, change)

    def save_related(
        self, request: HttpRequest, form: forms.ModelForm, formsets: Any, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        try:
            comite_meeting_readers_sync(meeting=form.instance, previous=self._previous_readers)
        except ApplicationError as error:  # only steering organisations are offered
            self.message_user(request, error.message, level="error")


@admin.register(SemesterReport)
class SemesterReportAdmin(admin.ModelAdmin):
    """Reports are generated and approved from the meeting's page, never edited here."""

    list_display = ("meeting", "period_start", "period_end", "generated_at", "approved_at")
    fields = (
        "meeting",
        "period_start",
        "period_end",
        "generated_at",
        "generated_by",
        "approved_at",
        "approved_by",
        "pdf_sha256",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
