"""Which grants the law asks the MEL to publish, and their SCDL « Subventions » rows.

Décret n° 2017-779 (article 10 of loi n° 2000-321): the essential data of every grant
agreement whose amount exceeds 23 000 € — *strictly* above, "dépasse la somme de 23 000
euros" (décret n° 2001-495, art. 1) — in the SCDL format (``opendata/schemas/``).

Published: the MEL's Entreprendre Autrement grant (the programme grant line), granted,
strictly above ``OPEN_DATA_GRANT_THRESHOLD``, whose convention is recorded, to a structure
that is a legal person: it has a SIRET and one of ``OPEN_DATA_LEGAL_PERSON_FORMS``. A
project carried by a person alone, a structure still to be created or without SIRET, or any
legal form not in that list is never published: a natural person's name is personal data.
A dossier closed before any payment (convention dropped) is not published either.

``dateConvention`` — and the file's year — is the day the convention was concluded, the
later of the two signatures; for a convention replaced by a notification (possible only
under the convention threshold) it is the day the MEL signed the grant decision.

Every read here costs the same number of queries whatever the number of grants: the
tranches and the committee's deliberation are summed up in SQL, the rows are streamed.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    DateField,
    DateTimeField,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractYear, Greatest, TruncDate
from django.utils import timezone

from funding.models import FundingLine, LineState, Tranche
from funding.services.payments import add_months
from reviewers.models import Deliberation, Outcome
from workflows.models import ApplicationStatus

# Conventions signed since 1 August 2017 are concerned (décret n° 2017-779, art. 2).
FIRST_YEAR = 2017
CENT = Decimal("0.01")
CASH = "aide en numéraire"  # the programme grant is always paid in money
FAVOURABLE = (Outcome.FAVOURABLE, Outcome.WITH_CONDITIONS)


def published_years_range() -> range:
    """Years a file may be asked for: from the decree's first year to this year."""
    return range(FIRST_YEAR, timezone.localdate().year + 1)


def _per_dossier(queryset: QuerySet[Any], aggregate: Any, output: Any) -> Subquery:
    """One aggregate over the dossier's rows, as a column of the grant's query."""
    grouped = queryset.filter(application=OuterRef("dossier")).order_by().values("application")
    return Subquery(grouped.annotate(v=aggregate).values("v")[:1], output_field=output)


def published_lines() -> QuerySet[FundingLine]:
    """The grant lines to publish (see the module's docstring), with what their rows need."""
    tranches = Tranche.objects.all()
    released = Tranche.objects.filter(released_at__isnull=False)
    deliberation = Deliberation.objects.filter(
        application=OuterRef("dossier"), outcome__in=FAVOURABLE
    ).order_by("-recorded_at", "-pk")
    convention = "dossier__convention__"
    both_signed = Q(**{f"{convention}holder_signed_on__isnull": False}) & Q(
        **{f"{convention}mel_signed_on__isnull": False}
    )
    return (
        FundingLine.objects.filter(
            is_programme_grant=True,
            state=LineState.GRANTED,
            decided_amount__gt=settings.OPEN_DATA_GRANT_THRESHOLD,
            dossier__convention__isnull=False,
            dossier__project__structure__isnull=False,
            dossier__project__structure__legal_form_id__in=settings.OPEN_DATA_LEGAL_PERSON_FORMS,
        )
        .exclude(dossier__project__structure__siret="")
        .annotate(
            date_convention=Case(
                When(
                    both_signed,
                    then=Greatest(
                        F(f"{convention}holder_signed_on"), F(f"{convention}mel_signed_on")
                    ),
                ),
                default=TruncDate(Coalesce("second_signed_at", "first_signed_at")),
                output_field=DateField(),
            ),
            paid_in=Coalesce(
                _per_dossier(tranches.filter(amount__gt=0), Count("pk"), IntegerField()),
                Value(0),
            ),
            released_count=Coalesce(_per_dossier(released, Count("pk"), IntegerField()), Value(0)),
            first_release=_per_dossier(released, Min("released_at"), DateTimeField()),
            last_release=_per_dossier(released, Max("released_at"), DateTimeField()),
            deliberation_pk=Subquery(deliberation.values("pk")[:1]),
            deliberation_at=Subquery(deliberation.values("session__starts_at")[:1]),
        )
        .exclude(dossier__stage=ApplicationStatus.CLOSED, released_count=0)
    )


@dataclass(frozen=True)
class GrantRow:
    """One SCDL row: the essential data of one grant agreement, typed; the attributes are
    the SCDL field names as the schema spells them."""

    nomAttribuant: str
    idAttribuant: str
    dateConvention: datetime.date
    referenceDecision: str
    nomBeneficiaire: str
    idBeneficiaire: str
    rnaBeneficiaire: str
    objet: str
    montant: Decimal
    nature: str
    conditionsVersement: str
    datesPeriodeVersement: str
    idRAE: str
    notificationUE: bool
    pourcentageSubvention: Decimal
    dispositifAide: str


def attribuant_siret() -> str:
    return f"{settings.MEL_EPCI_SIREN}{settings.OPEN_DATA_ATTRIBUANT_NIC}"


def _local_day(value: datetime.datetime | None) -> datetime.date | None:
    return timezone.localdate(value) if value is not None else None


def payment_period(line: Any) -> str:
    """``datesPeriodeVersement``: the day of a single payment made; the first and last days
    of the payments when all are made; while some are to come, the planned period, from the
    first payment (or the convention) to the last follow-up report's due date, which the
    balance waits for."""
    first, last = _local_day(line.first_release), _local_day(line.last_release)
    if first is not None and last is not None and line.released_count >= line.paid_in:
        return first.isoformat() if first == last else f"{first.isoformat()}/{last.isoformat()}"
    start = first or line.date_convention
    end = max(add_months(line.date_convention, max(settings.FOLLOW_UP_REPORT_MONTHS)), start)
    if last is not None:
        end = max(end, last)
    return f"{start.isoformat()}/{end.isoformat()}"


def decision_reference(line: Any) -> str:
    """``referenceDecision``: the committee's deliberation that proposed the grant, by its
    number and the session's day (the MEL's own act numbering is not in the platform)."""
    if line.deliberation_pk is None:
        return ""
    day = _local_day(line.deliberation_at)
    return f"Délibération n° {line.deliberation_pk} du comité du {day.isoformat() if day else ''}"


def grant_purpose(line: FundingLine) -> str:
    """``objet``: a neutral purpose — the programme, the kind of grant and the axis. Not the
    project's title: the applicant types it freely and it may carry a person's name."""
    dossier = line.dossier
    version = dossier.rule_version
    programme = version.programme.name if version is not None else settings.OPEN_DATA_AID_SCHEME
    purpose = f"{programme} : {line.get_instrument_display().lower()}"
    if dossier.axis:
        purpose += f", volet {dossier.get_axis_display().lower()}"
    return purpose[:256]


def _row(line: Any) -> GrantRow:
    structure = line.dossier.project.structure
    rna = structure.rna if structure.legal_form.is_association else ""
    amount = (line.decided_amount or Decimal(0)).quantize(CENT)
    return GrantRow(
        nomAttribuant=settings.OPEN_DATA_ATTRIBUANT_NAME,
        idAttribuant=attribuant_siret(),
        dateConvention=line.date_convention,
        referenceDecision=decision_reference(line),
        nomBeneficiaire=structure.name,
        idBeneficiaire=structure.siret,
        rnaBeneficiaire=rna,
        objet=grant_purpose(line),
        montant=amount,
        nature=CASH,
        conditionsVersement="échelonné" if line.paid_in > 1 else "unique",
        datesPeriodeVersement=payment_period(line),
        idRAE="",
        notificationUE=settings.OPEN_DATA_NOTIFICATION_UE,
        # The share of the grant that goes to this beneficiary (the schema's definition):
        # one beneficiary per agreement, so all of it — not the share of the project's budget.
        pourcentageSubvention=Decimal("1.00"),
        dispositifAide=settings.OPEN_DATA_AID_SCHEME,
    )


def grant_rows(year: int) -> Iterator[GrantRow]:
    """The SCDL rows of the agreements of ``year``, oldest first, streamed (one query)."""
    lines = (
        published_lines()
        .filter(date_convention__year=year)
        .select_related(
            "dossier__project__structure__legal_form", "dossier__rule_version__programme"
        )
        .order_by("date_convention", "pk")
    )
    for line in lines.iterator(chunk_size=500):
        yield _row(line)


@dataclass(frozen=True)
class YearSummary:
    year: int
    count: int
    total: Decimal
    updated_at: datetime.datetime | None
    fingerprint: str  # changes whenever the year's file may change (the ETag)


def _summaries(lines: QuerySet[FundingLine]) -> list[YearSummary]:
    grouped = (
        lines.annotate(year=ExtractYear("date_convention"))
        .order_by()
        .values("year")
        .annotate(
            count=Count("pk"),
            total=Sum("decided_amount"),
            released=Sum("released_count"),
            signed=Max(Coalesce("second_signed_at", "first_signed_at")),
            paid=Max("last_release"),
            renamed=Max("dossier__project__structure__updated_at"),
            concluded=Max("date_convention"),
        )
        .order_by("-year")
    )
    result = []
    for g in grouped:
        stamps = [s for s in (g["signed"], g["paid"], g["renamed"]) if s is not None]
        fingerprint = hashlib.sha256(
            repr(sorted(g.items(), key=lambda kv: kv[0])).encode()
            + repr(_settings_fingerprint()).encode()
        ).hexdigest()[:32]
        result.append(
            YearSummary(
                year=g["year"],
                count=g["count"],
                total=(g["total"] or Decimal(0)).quantize(CENT),
                updated_at=max(stamps) if stamps else None,
                fingerprint=fingerprint,
            )
        )
    return result


def _settings_fingerprint() -> tuple[Any, ...]:
    return (
        settings.OPEN_DATA_GRANT_THRESHOLD,
        settings.OPEN_DATA_ATTRIBUANT_NAME,
        attribuant_siret(),
        settings.OPEN_DATA_NOTIFICATION_UE,
        settings.OPEN_DATA_AID_SCHEME,
        tuple(settings.OPEN_DATA_LEGAL_PERSON_FORMS),
    )


def years_summary() -> list[YearSummary]:
    """One line per year that has published agreements, newest first (one query)."""
    return _summaries(published_lines())


def year_summary(year: int) -> YearSummary:
    """The year's count, total and fingerprint; an empty year has its own (one query)."""
    found = _summaries(published_lines().filter(date_convention__year=year))
    if found:
        return found[0]
    empty = hashlib.sha256(f"{year} empty {_settings_fingerprint()!r}".encode()).hexdigest()[:32]
    return YearSummary(year=year, count=0, total=Decimal(0), updated_at=None, fingerprint=empty)
