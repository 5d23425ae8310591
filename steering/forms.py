"""The period and scope of the indicators page, read from the address (GET)."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms

from funding.models import PlanAxis, Programme
from steering.indicators.types import Period
from steering.selectors import RESTRICTED_PERIODS

OTHER_DATES = "dates"
RESTRICTED_FIELDS = ("du", "au", "axe", "programme")
EARLIEST = datetime.date(2015, 1, 1)  # the plan's first programme; nothing before
LONGEST = datetime.timedelta(days=10 * 366)
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


def _key(period: Period) -> str:
    return f"{period.start.isoformat()}_{period.end.isoformat()}"


SEMESTERS_OFFERED = 4
SEMESTERS_OFFERED_RESTRICTED = 8  # semesters only: a few more years to compare


def _semesters(today: datetime.date, count: int) -> list[Period]:
    semesters = [Period.semester_of(today)]
    while len(semesters) < count and semesters[-1].start > EARLIEST:
        semesters.append(semesters[-1].previous_semester())
    return semesters


def semester_choices(today: datetime.date) -> list[tuple[str, str]]:
    """The semester partition only: for readers who do not see the dossiers themselves."""
    return [
        (_key(p), p.label.capitalize()) for p in _semesters(today, SEMESTERS_OFFERED_RESTRICTED)
    ]


def period_choices(today: datetime.date) -> list[tuple[str, str]]:
    semesters = _semesters(today, SEMESTERS_OFFERED)
    years = [
        Period(datetime.date(y, 1, 1), datetime.date(y, 12, 31))
        for y in (today.year, today.year - 1)
    ]
    choices = [(_key(p), p.label.capitalize()) for p in semesters]
    choices += [(_key(p), f"Année {p.start.year}") for p in years]
    return [*choices, (OTHER_DATES, "Autres dates (à saisir ci-dessous)")]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class PeriodForm(forms.Form):
    periode = forms.ChoiceField(label="Période", required=False)
    du = forms.DateField(
        label="Du",
        required=False,
        input_formats=DATE_FORMATS,
        widget=DateInput(),
        help_text="Seulement pour « Autres dates ». Par exemple 01/03/2027.",
    )
    au = forms.DateField(
        label="Au",
        required=False,
        input_formats=DATE_FORMATS,
        widget=DateInput(),
        help_text="Inclus. Par exemple 31/08/2027.",
    )
    axe = forms.ModelChoiceField(
        label="Axe du plan",
        queryset=PlanAxis.objects.all(),
        required=False,
        empty_label="Tous les axes",
    )
    programme = forms.ModelChoiceField(
        label="Programme",
        queryset=Programme.objects.select_related("axis"),
        required=False,
        empty_label="Tous les programmes",
    )

    def __init__(
        self, *args: Any, today: datetime.date, any_period: bool = True, **kwargs: Any
    ) -> None:
        """``any_period`` False: whole semesters of the whole plan only (see
        ``steering.selectors.RESTRICTED_PERIODS``)."""
        super().__init__(*args, **kwargs)
        self.today = today
        self.any_period = any_period
        field = cast(forms.ChoiceField, self.fields["periode"])
        field.choices = period_choices(today) if any_period else semester_choices(today)
        field.initial = _key(Period.semester_of(today))
        self.fields["du"].error_messages["invalid"] = "Saisissez une date, par exemple 01/03/2027."
        self.fields["au"].error_messages["invalid"] = "Saisissez une date, par exemple 31/08/2027."
        self.fields["periode"].error_messages["invalid_choice"] = (
            "Choisissez une période de la liste."
        )
        for name in ("axe", "programme"):
            self.fields[name].error_messages["invalid_choice"] = (
                "Choisissez un élément de la liste."
            )
        if not any_period:
            for name in RESTRICTED_FIELDS:
                del self.fields[name]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.any_period:
            if any(self.data.get(name) for name in RESTRICTED_FIELDS) or (
                data.get("periode") == OTHER_DATES
            ):
                raise forms.ValidationError(RESTRICTED_PERIODS)
            return data
        choice = data.get("periode") or ""
        start, end = data.get("du"), data.get("au")
        if choice == OTHER_DATES or (not choice and (start or end)):
            self._check_dates(start, end)
        axis, programme = data.get("axe"), data.get("programme")
        if axis and programme and programme.axis_id != axis.pk:
            self.add_error(
                "programme",
                "Ce programme ne relève pas de l'axe choisi : choisissez l'un ou l'autre.",
            )
        return data

    def _check_dates(self, start: datetime.date | None, end: datetime.date | None) -> None:
        if start is None and "du" not in self.errors:
            self.add_error("du", "Saisissez la date de début de la période.")
        if end is None and "au" not in self.errors:
            self.add_error("au", "Saisissez la date de fin de la période.")
        if start is None or end is None:
            return
        latest = self.today.replace(year=self.today.year + 1)
        if start < EARLIEST or start > latest:
            self.add_error(
                "du", f"Saisissez une date entre le 1er janvier {EARLIEST.year} et aujourd'hui."
            )
        elif end < start:
            self.add_error(
                "au", "La date de fin doit être le même jour que la date de début ou après."
            )
        elif end - start > LONGEST or end > latest.replace(year=latest.year + 1):
            self.add_error(
                "au", "Choisissez une période de dix ans au plus, qui ne dépasse pas l'an prochain."
            )

    def period(self) -> Period:
        """The chosen period (the form must be valid)."""
        data = self.cleaned_data
        choice = data.get("periode") or ""
        if choice == OTHER_DATES or (not choice and data.get("du")):
            return Period(data["du"], data["au"])
        if choice:
            start, end = choice.split("_")
            return Period(datetime.date.fromisoformat(start), datetime.date.fromisoformat(end))
        return Period.semester_of(self.today)

    def scope(self) -> tuple[PlanAxis | None, Programme | None]:
        if not self.any_period:
            return None, None
        return self.cleaned_data.get("axe"), self.cleaned_data.get("programme")
