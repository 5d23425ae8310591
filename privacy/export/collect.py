"""Everything the platform holds about one person (art. 15 RGPD), read table by table.

Each table is read once, filtered on the person (never once per dossier), so the export
costs the same number of queries for one dossier or fifty. Rows become dictionaries whose
keys are the fields' French names (``verbose_name``); a link to another record is its number;
a link to another person is never their identity (« une autre personne ») — their data is
theirs, not the requester's (art. 15-4).

What is left out, and why (docs/personal-data.md, "Droit d'accès"): the password hash (a
secret, not information about the person), technical columns of the workflow engine, and the
committee members' individual scores (the committee's opinion and its reasons are given:
individual scores are the members' own deliberation, art. 15-4 and the secrecy of
deliberations). Staff notes and staff-only history lines are given: they are about the person.
"""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from accounts.models import Membership, User
from applicants.models import ConsentRecord, Person, Project, QpvDetermination, Structure
from documents.models import Document
from funding.models import BankDetailsRequest, Convention, FollowUpReport, FundingLine, Tranche
from notifications.models import Notification
from reviewers.models import Deliberation
from workflows.models import (
    Application,
    ApplicationEdit,
    ApplicationEvent,
    BudgetLine,
    ChecklistItem,
    ComplementRequest,
    DossierMessage,
    EligibilityCheck,
    EventKind,
    FinancingLine,
    Journey,
    JourneyEvent,
    Mandate,
    Orientation,
    PrivateNote,
    SupportMilestone,
    SupportSession,
)

from .audit_lines import audit_lines_about

# Columns of the workflow engine and secrets: never useful to the person.
TECHNICAL = frozenset(
    {
        "password",
        "flow_class",
        "data",
        "parent_task",
        "seed_content_type",
        "seed_object_id",
        "artifact_content_type",
        "artifact_object_id",
        "process_ptr",
        "storage_name",
        "key",
        "public_id",
    }
)
SOMEONE_ELSE = "une autre personne"

# French names of the fields whose models give none (Django's default is the English name).
FRENCH_NAMES = {
    "actor": "auteur", "answered_at": "répondu le", "answered_by": "répondu par",
    "application": "candidature", "at": "date", "author": "auteur", "checked_at": "vérifié le",
    "created": "créé le", "created_at": "créé le", "decided_at": "décidé le",
    "decided_by": "décidé par", "edited_at": "modifié le", "editor": "modifié par",
    "finished": "terminé le", "first_signer": "première signature",
    "granted_at": "accordé le", "granted_by": "accordé par", "holder": "porteur·se",
    "journey": "parcours", "kind": "nature", "mandate": "mandat", "outcome": "issue",
    "person": "personne", "project": "projet", "proposed_at": "proposé le",
    "proposed_by": "proposé par", "recipient": "destinataire", "recorded_at": "enregistré le",
    "recorded_by": "enregistré par", "released_by": "ordonné par", "reminded_at": "relancé le",
    "requested_at": "demandé le", "requested_by": "demandé par", "revoked_at": "retiré le",
    "second_signer": "seconde signature", "sent_at": "envoyé le", "staff_only":
    "réservé à l'équipe", "status": "état technique", "submitted_by": "envoyé par",
    "user": "compte", "visible_to_applicant": "visible par vous", "written_at": "écrit le",
}  # fmt: skip


def _name(f: models.Field[Any, Any]) -> str:
    verbose = str(f.verbose_name)
    if verbose == f.name.replace("_", " ") or f.name in ("created", "finished", "status"):
        return FRENCH_NAMES.get(f.name, verbose)
    return verbose


def _value(obj: models.Model, f: models.Field[Any, Any], user_id: int) -> Any:
    if f.is_relation:
        target_id = getattr(obj, f.attname)
        if f.related_model is User and target_id is not None:
            return "vous" if target_id == user_id else SOMEONE_ELSE
        return target_id
    if f.choices:
        return str(getattr(obj, f"get_{f.name}_display")())
    value = getattr(obj, f.attname)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def rows(objects: Iterable[models.Model], user_id: int) -> list[dict[str, Any]]:
    """Each object as a dictionary keyed by its fields' French names."""
    result = []
    for obj in objects:
        row: dict[str, Any] = {"numéro": obj.pk}
        for f in obj._meta.concrete_fields:
            if f.name in TECHNICAL or f.primary_key:
                continue
            row[_name(f)] = _value(obj, f, user_id)
        result.append(row)
    return result


@dataclass
class PersonalData:
    """The person's data, file by file of the export (``privacy.export.archive.FILES``)."""

    user: User
    sections: dict[str, Any] = field(default_factory=dict)
    documents: list[Document] = field(default_factory=list)


def collect(user: User) -> PersonalData:
    """Read everything about ``user``: a fixed number of queries whatever their dossiers."""
    uid = user.pk
    data = PersonalData(user=user)
    data.sections["compte"] = rows([user], uid)[0]
    data.sections["adhesions"] = [
        {**rows([m], uid)[0], "organisation": m.organisation.name}
        for m in Membership.objects.filter(user=user).select_related("organisation")
    ]
    person = Person.objects.filter(pk=uid).first()
    data.sections["personne"] = rows([person], uid)[0] if person else None
    if person is None:  # a partner: their account, memberships, notifications, journal
        data.sections.update(_partner_only(user))
        return data
    data.sections["consentements"] = rows(ConsentRecord.objects.filter(person=person), uid)
    data.sections["structures"] = rows(Structure.objects.filter(holder=person), uid)
    data.sections["projets"] = {
        "projets": rows(Project.objects.filter(holder=person), uid),
        "quartiers_prioritaires": rows(
            QpvDetermination.objects.filter(project__holder=person), uid
        ),
    }
    data.sections["parcours"] = _journeys(person, uid)
    data.sections["candidatures"] = _applications(person, uid)
    data.sections["financements"] = _funding(person, uid)
    data.documents = list(
        Document.objects.filter(
            models.Q(owner=user) | models.Q(application__holder=person), deleted_at__isnull=True
        ).order_by("uploaded_at", "pk")
    )
    data.sections["documents"] = rows(data.documents, uid)
    data.sections.update(_partner_only(user))
    return data


def _partner_only(user: User) -> dict[str, Any]:
    return {
        "notifications": rows(Notification.objects.filter(recipient=user), user.pk),
        "journal": audit_lines_about(user),
    }


def _journeys(person: Person, uid: int) -> dict[str, Any]:
    by_journey = {"journey__holder": person}
    return {
        "parcours": rows(Journey.objects.filter(holder=person), uid),
        "historique": rows(_own_events(JourneyEvent.objects.filter(**by_journey), person), uid),
        "messages": rows(DossierMessage.objects.filter(**by_journey), uid),
        "notes_internes": rows(PrivateNote.objects.filter(**by_journey), uid),
        "orientations": rows(Orientation.objects.filter(**by_journey), uid),
        "seances_accompagnement": rows(SupportSession.objects.filter(**by_journey), uid),
        "etapes_accompagnement": rows(SupportMilestone.objects.filter(**by_journey), uid),
    }


# A contact attached to the journey because it gave the structure's SIRET may come from
# someone else: their name and address are theirs, not the holder's (art. 15-4).
OTHERS_CONTACT = "Nouveau premier contact, écrit par une autre personne, rattaché à ce parcours."


def _own_events(events: Iterable[JourneyEvent], person: Person) -> list[JourneyEvent]:
    own = f"({person.user.email})".casefold()
    result = []
    for event in events:
        if event.kind == EventKind.DUPLICATE_CONTACT and own not in event.message.casefold():
            event.message = OTHERS_CONTACT  # in memory only, for the export
        result.append(event)
    return result


def _applications(person: Person, uid: int) -> dict[str, Any]:
    by_application = {"application__holder": person}
    return {
        "candidatures": rows(Application.objects.filter(holder=person), uid),
        "budget": rows(BudgetLine.objects.filter(**by_application), uid),
        "plan_de_financement": rows(FinancingLine.objects.filter(**by_application), uid),
        "pieces_attendues": rows(ChecklistItem.objects.filter(**by_application), uid),
        "complements": rows(ComplementRequest.objects.filter(**by_application), uid),
        "eligibilite": rows(EligibilityCheck.objects.filter(**by_application), uid),
        "modifications": rows(ApplicationEdit.objects.filter(**by_application), uid),
        "mandats": rows(Mandate.objects.filter(**by_application), uid),
        "historique": rows(ApplicationEvent.objects.filter(**by_application), uid),
        "avis_du_comite": rows(Deliberation.objects.filter(**by_application), uid),
    }


def _funding(person: Person, uid: int) -> dict[str, Any]:
    by_application = {"application__holder": person}
    return {
        "lignes_de_financement": rows(FundingLine.objects.filter(dossier__holder=person), uid),
        "conventions": rows(Convention.objects.filter(**by_application), uid),
        "versements": rows(Tranche.objects.filter(**by_application), uid),
        "rapports_de_suivi": rows(FollowUpReport.objects.filter(**by_application), uid),
        "coordonnees_bancaires_demandees": rows(
            BankDetailsRequest.objects.filter(**by_application), uid
        ),
    }
