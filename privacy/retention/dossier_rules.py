"""Retention rules of the dossiers: first contacts never converted, refused dossiers and
funded dossiers. Each ``due`` is one query, ordered by primary key, that leaves out what
was already dealt with (a deleted journey is gone; an anonymised one is marked by
``privacy.AnonymisedDossier``), so a second run finds nothing.

Dates are read from the records, never from a column that could be edited later:

- **last activity** of a first contact: the latest of its creation, its stage changes
  (``workflows.StageChange``), its timeline events (``JourneyEvent``), its messages
  (``DossierMessage``), its last support activity and its holder's last sign-in (their
  account is deleted with the contact: it must not be one still in use);
- **decision** of a refused dossier: when the application entered the stage it stays in
  (rejected by the committee, not funded, not eligible, withdrawn, closed without
  follow-up), from ``StageChange``;
- **closure** of a funded dossier: when the application entered ``closed`` (follow-up over),
  from ``StageChange``.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import DateTimeField, Exists, F, Max, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest

from accounts.models import Membership
from privacy.anonymise import dossier_anonymise, journey_delete, person_anonymise
from privacy.anonymise.holders import live_projects
from privacy.models import AnonymisedDossier
from workflows.models import (
    Application,
    ApplicationStatus,
    DossierMessage,
    Journey,
    JourneyEvent,
    StageChange,
)

from .rules import Outcome, RetentionRule, register

REFUSED_STAGES = (
    ApplicationStatus.REJECTED,
    ApplicationStatus.NOT_FUNDED,
    ApplicationStatus.INELIGIBLE,
    ApplicationStatus.WITHDRAWN,
    ApplicationStatus.CLOSED_NO_FOLLOW_UP,
)
FUNDED_CLOSED_STAGES = (ApplicationStatus.CLOSED,)


def years_before(moment: datetime.datetime, years: int) -> datetime.datetime:
    """The same day and time ``years`` earlier (28 February for a 29 February)."""
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:
        return moment.replace(year=moment.year - years, day=28)


# First contacts never converted ----------------------------------------------------------


def _latest(model: Any, field: str) -> Subquery:
    rows = model.objects.filter(journey=OuterRef("pk")).values("journey")
    return Subquery(rows.annotate(latest=Max(field)).values("latest")[:1])


def unconverted_contacts() -> QuerySet[Journey]:
    """Journeys without an application, with their ``last_activity``."""
    created = F("created")
    last = Greatest(
        created,
        Coalesce(_latest(StageChange, "at"), created),
        Coalesce(_latest(JourneyEvent, "at"), created),
        Coalesce(_latest(DossierMessage, "sent_at"), created),
        Coalesce(F("last_support_activity"), created),
        # The holder signing in to their space: they are still following their journey.
        Coalesce(F("holder__user__last_login"), created),
        output_field=DateTimeField(),
    )
    converted = Application.objects.filter(source_journey=OuterRef("pk"))
    return Journey.objects.exclude(Exists(converted)).annotate(last_activity=last)


def _contact_limit(now: datetime.datetime) -> datetime.datetime:
    return now - datetime.timedelta(days=settings.RETENTION_UNCONVERTED_CONTACT_DAYS)


def contacts_due(now: datetime.datetime) -> QuerySet[Journey]:
    return unconverted_contacts().filter(last_activity__lt=_contact_limit(now)).order_by("pk")


def contacts_due_soon(now: datetime.datetime, until: datetime.datetime) -> QuerySet[Journey]:
    window = {"last_activity__gte": _contact_limit(now), "last_activity__lt": _contact_limit(until)}
    return unconverted_contacts().filter(**window).order_by("pk")


def contact_delete(journey: Journey) -> None:
    journey_delete(journey=journey)


# Refused and funded dossiers -------------------------------------------------------------


def decided_dossiers(stages: tuple[str, ...]) -> QuerySet[Journey]:
    """Journeys whose application stays in one of ``stages``, not anonymised yet, with
    ``decided_at``: when the application entered that stage."""
    entered = StageChange.objects.filter(
        application__source_journey=OuterRef("pk"),
        application__stage__in=stages,
        stage=F("application__stage"),
    ).order_by("-at", "-pk")
    anonymised = AnonymisedDossier.objects.filter(journey=OuterRef("pk"))
    return (
        Journey.objects.exclude(Exists(anonymised))
        .annotate(decided_at=Subquery(entered.values("at")[:1]))
        .filter(decided_at__isnull=False)
    )


def _decided_due(stages: tuple[str, ...], setting: str) -> Any:
    def due(now: datetime.datetime) -> QuerySet[Journey]:
        limit = years_before(now, getattr(settings, setting))
        return decided_dossiers(stages).filter(decided_at__lt=limit).order_by("pk")

    def due_soon(now: datetime.datetime, until: datetime.datetime) -> QuerySet[Journey]:
        years = getattr(settings, setting)
        window = {
            "decided_at__gte": years_before(now, years),
            "decided_at__lt": years_before(until, years),
        }
        return decided_dossiers(stages).filter(**window).order_by("pk")

    return due, due_soon


def dossier_close_out(journey: Journey) -> None:
    """Anonymise the dossier, then its holder's account when nothing else of theirs is live
    (no other project not anonymised) and they are not a member of any organisation (a
    partner's or staff account is ended by the access rules, not by a dossier's)."""
    with transaction.atomic():
        dossier_anonymise(journey=journey)
        holder = journey.holder
        user = holder.user
        if (
            not live_projects(holder_id=holder.pk).exists()
            and not Membership.objects.filter(user=user).exists()
            and not user.is_staff
            and not user.is_superuser
        ):
            person_anonymise(user=user)


refused_due, refused_due_soon = _decided_due(REFUSED_STAGES, "RETENTION_REFUSED_DOSSIER_YEARS")
funded_due, funded_due_soon = _decided_due(FUNDED_CLOSED_STAGES, "RETENTION_FUNDED_DOSSIER_YEARS")

UNCONVERTED_CONTACTS = register(
    RetentionRule(
        code="contacts_unconverted",
        label="Premiers contacts jamais devenus candidature",
        setting="RETENTION_UNCONVERTED_CONTACT_DAYS",
        after="après la dernière activité",
        basis=(
            "Mission d'intérêt public (art. 6-1-e RGPD) ; conservation limitée (art. 5-1-e) : "
            "3 ans après la dernière activité du parcours (création, changement d'étape, "
            "évènement, message, accompagnement, connexion du porteur ou de la porteuse), "
            "puis suppression du parcours, du projet et, s'il n'a rien d'autre, du compte. [À CONFIRMER AVEC LE DPO]"
        ),
        outcome=Outcome.DELETED,
        due=contacts_due,
        apply=contact_delete,
        due_soon=contacts_due_soon,
    )
)
REFUSED_DOSSIERS = register(
    RetentionRule(
        code="dossiers_refused",
        label="Candidatures refusées, non éligibles, retirées ou classées sans suite",
        setting="RETENTION_REFUSED_DOSSIER_YEARS",
        after="après la décision",
        basis=(
            "Mission d'intérêt public (art. 6-1-e RGPD) : 5 ans après la décision (entrée de "
            "la candidature dans son statut final), durée usuelle à vérifier dans le tableau "
            "de gestion (DUA) des archives de la MEL ; puis anonymisation, les chiffres "
            "restent. [À CONFIRMER AVEC LE DPO]"
        ),
        outcome=Outcome.ANONYMISED,
        due=refused_due,
        apply=dossier_close_out,
        due_soon=refused_due_soon,
    )
)
FUNDED_DOSSIERS = register(
    RetentionRule(
        code="dossiers_funded",
        label="Dossiers financés et clôturés",
        setting="RETENTION_FUNDED_DOSSIER_YEARS",
        after="après la clôture du dossier",
        basis=(
            "Obligation légale (art. 6-1-c RGPD) : 10 ans après la clôture du dossier (DUA "
            "des dossiers de subvention et des pièces comptables), puis tri par les archives "
            "(code du patrimoine, art. L. 212-2) ; anonymisation, les chiffres, décisions et "
            "montants restent. [À CONFIRMER AVEC LE DPO]"
        ),
        outcome=Outcome.ANONYMISED,
        due=funded_due,
        apply=dossier_close_out,
        due_soon=funded_due_soon,
    )
)
