"""Anonymising a dossier past its retention period, keeping its figures.

Kept: amounts, dates, stages and their history (``StageChange``), commune, QPV outcome,
sector, legal form, the holder's self-declared gender and age band, follow-up figures and
the committee's and financiers' decisions — everything the plan's indicators and the open
data read. Removed: names, contacts, free text, street addresses, identifiers of the
structure, bank details and files. The table of ``docs/personal-data.md`` ("What
anonymisation keeps and removes") lists each field.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from applicants.models import Project, QpvDetermination
from documents.models import Document
from funding.models import FollowUpReport, FundingLine
from reviewers.models import ConflictDeclaration, CriterionScore, Deliberation, Scoring
from workflows.models import (
    Application,
    ApplicationEdit,
    ApplicationEvent,
    BudgetLine,
    ChecklistItem,
    ComplementRequest,
    DossierMessage,
    EligibilityCheck,
    FinancingLine,
    Journey,
    JourneyEvent,
    Orientation,
    PrivateNote,
    SupportMilestone,
    SupportSession,
)

from ..models import AnonymisedDossier
from ..signals import dossier_anonymised
from .files import documents_erase
from .holders import structures_scrub
from .journal import journal
from .texts import ERASED, FILE_ERASED, anonymous_title, redact, secrets_of
from .traces import admin_log_scrub, dossier_refs, engine_data_clear, notifications_delete

JOURNEY_TEXTS = (
    "needs",
    "triage_note",
    "redirect_reason",
    "redirect_guidance",
    "diagnostic",
    "support_plan",
    "conclusion_reason",
    "opinion",
    "withdrawn_reason",
)
APPLICATION_TEXTS = (
    "social_utility",
    "refusal_reasons",
    "closed_notice",
    "withdrawn_reason",
    "instruction_note",
)


def dossier_anonymise(*, journey: Journey) -> bool:
    """Remove the personal data of ``journey``'s dossier (its project, structure when no
    other live project uses it, application, committee and funding records, files,
    notifications), keep its figures, and mark it. False when it was already anonymised.
    Run it before ``person_anonymise`` of the holder: the names it blanks in the texts kept
    as archives are read from the account."""
    with transaction.atomic():
        locked = Journey.objects.select_for_update().select_related("project").get(pk=journey.pk)
        if AnonymisedDossier.objects.filter(journey_id=locked.pk).exists():
            return False
        application = Application.objects.filter(source_journey_id=locked.pk).first()
        secrets = _secrets(locked)
        counts = {
            "parcours": _journey_scrub(locked),
            "projet": _project_scrub(locked),
        }
        if application is not None:
            counts["candidature"] = _application_scrub(application)
            counts["comité et financement"] = _decisions_scrub(application, secrets)
            counts["fichiers"] = documents_erase(Document.objects.filter(application=application))
        if locked.project.structure_id is not None:
            counts["structure"] = structures_scrub(
                holder_id=locked.holder_id,
                only_pk=locked.project.structure_id,
                excluding_project_id=locked.project_id,
            )
        refs = dossier_refs(
            journey_pk=locked.pk, application_pk=application.pk if application else None
        )
        counts["notifications"] = notifications_delete(refs=refs)
        counts["moteur"] = engine_data_clear(_process_ids(locked, application))
        counts["historique de l'admin"] = admin_log_scrub(_admin_objects(locked, application))
        if application is not None:
            lines = list(FundingLine.objects.filter(dossier=application))
            dossier_anonymised.send(sender=Journey, objects=[application, *lines])
        AnonymisedDossier.objects.create(journey_id=locked.pk)
        journal(
            object_ref=f"workflows.journey:{locked.pk}",
            dossier_ref=refs[-1],
            summary=f"Dossier n° {locked.pk} anonymisé.",
            after={"lignes modifiées": counts},
        )
    return True


def _secrets(journey: Journey) -> list[str]:
    """What names the person or the project in a text kept as an archive."""
    project = journey.project
    user = journey.holder.user
    structure = project.structure
    values: list[str | None] = [
        project.title,
        user.email,
        user.first_name,
        user.last_name,
        user.get_full_name(),
        journey.holder.phone,
        project.address,
    ]
    if structure is not None:
        values += [structure.name, structure.acronym, structure.siret, structure.siren]
        values += [structure.rna, structure.iban, structure.address]
    return secrets_of(values)


def _journey_scrub(journey: Journey) -> int:
    count = Journey.objects.filter(pk=journey.pk).update(**dict.fromkeys(JOURNEY_TEXTS, ""))
    count += Orientation.objects.filter(journey=journey).exclude(reason="").update(reason="")
    count += SupportSession.objects.filter(journey=journey).update(topic=ERASED[:200], notes="")
    count += SupportMilestone.objects.filter(journey=journey).update(title=ERASED[:200])
    for kind, label in JourneyEvent._meta.get_field("kind").choices or ():
        # The timeline keeps what happened (the kind's label), not what was written.
        count += JourneyEvent.objects.filter(journey=journey, kind=kind).update(message=str(label))
    count += DossierMessage.objects.filter(journey=journey).delete()[0]
    count += PrivateNote.objects.filter(journey=journey).delete()[0]
    return count


def _project_scrub(journey: Journey) -> int:
    project = journey.project
    count = Project.objects.filter(pk=project.pk).update(
        title=anonymous_title(journey.pk), summary="", social_utility="", address=""
    )
    # The QPV outcome stays (an indicator); the street address and position go.
    count += QpvDetermination.objects.filter(project=project).update(
        address_label="", longitude=None, latitude=None, message="", reason=""
    )
    return count


def _application_scrub(application: Application) -> int:
    count = Application.objects.filter(pk=application.pk).update(
        **dict.fromkeys(APPLICATION_TEXTS, "")
    )
    # A budget line keeps its nature and amount; a co-financier not in the directory
    # (possibly a person) keeps its instrument only.
    lines = BudgetLine.objects.filter(application=application)
    count += _to_labels(lines, source="kind", target="label")
    unlisted = FinancingLine.objects.filter(application=application, organisation__isnull=True)
    count += _to_labels(unlisted, source="instrument", target="financier_name")
    count += ChecklistItem.objects.filter(application=application).update(file_name=FILE_ERASED)
    count += ApplicationEdit.objects.filter(application=application).update(
        old_value="", new_value=""
    )
    count += ComplementRequest.objects.filter(application=application).update(message=ERASED)
    count += EligibilityCheck.objects.filter(application=application).update(detail="")
    count += ApplicationEvent.objects.filter(application=application).update(message=ERASED)
    count += FollowUpReport.objects.filter(application=application).update(comment="")
    return count


def _to_labels(rows: QuerySet[Any], *, source: str, target: str) -> int:
    """Set ``target`` to the label of the choice held in ``source``, row by choice."""
    count = 0
    for value, label in rows.model._meta.get_field(source).choices or ():
        count += (
            rows.filter(**{source: value})
            .exclude(**{target: str(label)})
            .update(**{target: str(label)})
        )
    return count


def _decisions_scrub(application: Application, secrets: list[str]) -> int:
    """Individual scores lose their comments; the committee's and the financiers' decisions
    are public archives: their texts stay, without the names."""
    count = Scoring.objects.filter(dossier=application).update(comment="")
    count += CriterionScore.objects.filter(scoring__dossier=application).update(comment="")
    count += ConflictDeclaration.objects.filter(application=application).update(reason="")
    for deliberation in Deliberation.objects.filter(application=application):
        count += _redact_fields(deliberation, ("conditions", "reasons"), secrets)
    for line in FundingLine.objects.filter(dossier=application):
        count += _redact_fields(line, ("reason",), secrets)
    return count


def _redact_fields(obj: Any, fields: tuple[str, ...], secrets: list[str]) -> int:
    changes = {name: redact(getattr(obj, name), secrets) for name in fields}
    changes = {name: text for name, text in changes.items() if text != getattr(obj, name)}
    if not changes:
        return 0
    return type(obj)._default_manager.filter(pk=obj.pk).update(**changes)


def _admin_objects(journey: Journey, application: Application | None) -> list[Any]:
    objects: list[Any] = [journey, journey.project]
    if journey.project.structure is not None:
        objects.append(journey.project.structure)
    if application is not None:
        objects.append(application)
    return objects


def _process_ids(journey: Journey, application: Application | None) -> list[int]:
    ids = [journey.pk]
    if application is not None:
        ids.append(application.pk)
        ids += Scoring.objects.filter(dossier=application).values_list("pk", flat=True)
        ids += FundingLine.objects.filter(dossier=application).values_list("pk", flat=True)
    return ids
