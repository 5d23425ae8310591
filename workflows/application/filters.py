"""The applications list's filters and sort keys."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone

from funding.models import Programme
from reviewers.models import CommitteeSession, SessionStatus
from reviewers.selectors import sessions_visible_to
from workflows.calendar import local_day
from workflows.dossier_filters import DossierFilter
from workflows.models import ApplicationStatus


def _sessions(request: Any) -> QuerySet[CommitteeSession]:
    """The sessions the reader may see (MEL staff: all; a committee member: theirs)."""
    user = getattr(request, "user", None)
    if user is None:
        return CommitteeSession.objects.none()
    return sessions_visible_to(user=user).select_related("committee").order_by("-starts_at", "-pk")


class ApplicationFilter(DossierFilter):
    SORTS = {
        "date": ("Date de création", ("created",)),
        "nom": ("Projet", ("title_key",)),
        "porteur": ("Porteur·se", ("last_name_key", "first_name_key")),
        "echeance": ("Échéance", ("deadline",)),
        "montant": ("Montant demandé", ("requested_amount",)),
    }

    etape = django_filters.ChoiceFilter(
        choices=ApplicationStatus.choices,
        field_name="stage",
        label="Étape",
        empty_label="Toutes les étapes",
    )
    seance = django_filters.ModelChoiceFilter(
        queryset=_sessions,
        field_name="committee_session",
        label="Séance du comité",
        empty_label="Toutes",
    )
    programme = django_filters.ModelChoiceFilter(
        queryset=lambda request: Programme.objects.order_by("name", "pk"),
        field_name="rule_version__programme",
        label="Programme",
        empty_label="Tous",
    )


# The largest key a database row may have (a 64-bit integer).
MAX_KEY = 2**63 - 1


class DossierKeys(forms.Field):
    """The dossiers ticked in the list: their keys, at least one, at most a page's worth."""

    widget = forms.MultipleHiddenInput
    MAX = 100

    def to_python(self, value: Any) -> list[int]:
        values = value if isinstance(value, list | tuple) else [value] if value else []
        try:
            keys = sorted({int(item) for item in values})
        except (TypeError, ValueError) as error:
            raise forms.ValidationError("La sélection de dossiers n'est pas valide.") from error
        if not keys:
            raise forms.ValidationError("Cochez au moins un dossier.")
        if len(keys) > self.MAX or any(not 0 < key <= MAX_KEY for key in keys):
            raise forms.ValidationError("La sélection de dossiers n'est pas valide.")
        return keys


class SessionChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: CommitteeSession) -> str:
        return f"{local_day(obj.starts_at)} — {obj.committee}"


class BatchForm(forms.Form):
    """An action on the dossiers ticked in the applications list."""

    REMIND, PLACE = "relancer", "placer"

    dossiers = DossierKeys(label="Dossiers sélectionnés")
    action = forms.ChoiceField(
        choices=[(REMIND, "Relancer les porteurs"), (PLACE, "Placer sur une séance")],
        label="Action",
    )
    session = SessionChoice(
        queryset=CommitteeSession.objects.none(),
        required=False,
        label="Séance du comité",
        empty_label="Choisissez une séance à venir",
    )
    retour = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Sessions still to come; the move itself checks that the chosen one takes dossiers.
        upcoming = CommitteeSession.objects.filter(
            status=SessionStatus.PLANNED, starts_at__gt=timezone.now()
        ).select_related("committee")
        self.fields["session"].queryset = upcoming.order_by("starts_at", "pk")  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == self.PLACE and not data.get("session"):
            self.add_error("session", "Choisissez la séance sur laquelle placer les dossiers.")
        return data

    def back_query(self) -> str:
        """The list's filters and page as they were (read back, so nothing else passes)."""
        return QueryDict(str(self.data.get("retour", ""))[:2000]).urlencode()

    def error_text(self) -> str:
        return " ".join(str(error) for errors in self.errors.values() for error in errors)
