"""Admin for committee sessions: scheduling goes through the services, which grant access."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from accounts.exceptions import ApplicationError
from accounts.fields import bounded_formfield
from reviewers.models import CommitteeSession
from reviewers.services.sessions import (
    committee_session_check,
    committee_session_create,
    committee_session_set_status,
    committee_session_status_check,
)


class CommitteeSessionForm(forms.ModelForm):
    """Runs the services' checks while the form is shown, so refusals land on the field."""

    class Meta:
        model = CommitteeSession
        formfield_callback = bounded_formfield
        fields = ("committee", "programme", "starts_at", "place", "agenda_cutoff", "status")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        try:
            self._check(data)
        except ApplicationError as error:
            field = error.field if error.field in self.fields else None
            self.add_error(field, error.message)
        return data

    def _check(self, data: dict[str, Any]) -> None:
        if self.instance.pk is None:
            if data.get("committee") and data.get("starts_at"):
                committee_session_check(
                    committee=data["committee"],
                    starts_at=data["starts_at"],
                    agenda_cutoff=data.get("agenda_cutoff"),
                )
            return
        if data.get("starts_at"):
            committee_session_check(
                committee=self.instance.committee,
                starts_at=data["starts_at"],
                agenda_cutoff=data.get("agenda_cutoff"),
            )
        if "status" in self.changed_data and data.get("status"):
            # ``self.instance`` already carries the new status: check from the stored one.
            stored = CommitteeSession.objects.get(pk=self.instance.pk)
            committee_session_status_check(session=stored, status=data["status"])


@admin.register(CommitteeSession)
class CommitteeSessionAdmin(admin.ModelAdmin):
    form = CommitteeSessionForm
    list_display = ("starts_at", "committee", "programme", "place", "agenda_cutoff", "status")
    list_select_related = ("committee", "programme")
    list_filter = ("status", "committee", "programme")
    search_fields = ("place", "committee__name")
    date_hierarchy = "starts_at"

    def get_readonly_fields(
        self, request: HttpRequest, obj: CommitteeSession | None = None
    ) -> tuple[str, ...]:
        # The committee's group was granted access to this session at creation; moving the
        # session to another committee would leave that grant behind.
        return ("committee",) if obj else ("status",)

    def save_model(
        self, request: HttpRequest, obj: CommitteeSession, form: forms.ModelForm, change: bool
    ) -> None:
        if change:
            self._save_change(obj, form)
            return
        created = committee_session_create(
            committee=obj.committee,
            programme=obj.programme,
            starts_at=obj.starts_at,
            place=obj.place,
            agenda_cutoff=obj.agenda_cutoff,
        )
        # The admin goes on with ``obj`` (log entry, redirect): make it the saved row.
        obj.pk, obj.status = created.pk, created.status
        obj._state.adding = False

    def _save_change(self, obj: CommitteeSession, form: forms.ModelForm) -> None:
        status = obj.status
        other_fields = [f for f in form.changed_data if f != "status"]
        if other_fields:
            obj.save(update_fields=other_fields)
        if "status" in form.changed_data:
            stored = CommitteeSession.objects.get(pk=obj.pk)
            committee_session_set_status(session=stored, status=status)
