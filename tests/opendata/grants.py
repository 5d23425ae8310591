"""Published (or not) MEL grants built directly in the database: the records a dossier has
once its convention is recorded, without driving every step (those have their own tests)."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from itertools import count
from pathlib import Path
from typing import Any

from django.utils import timezone
from frictionless import Resource, Schema

from accounts.models import Organisation, User
from applicants.models import Structure
from funding.flows import FundingLineFlow
from funding.models import CallRuleVersion, Convention, FundingInstrument, FundingLine, Tranche
from opendata.writers import SCHEMA_PATH
from reviewers.models import CommitteeSession, Deliberation, Outcome
from tests.factories.accounts import UserFactory
from tests.factories.applicants import PersonFactory, ProjectFactory, StructureFactory, legal_form
from tests.workflows.stage_helpers import schedule_session
from workflows.application.flows import ApplicationFlow
from workflows.journey.flows import JourneyFlow
from workflows.models import Application, ApplicationStatus, Journey

_serial = count(1)
# Valid SIRETs (Luhn), so the files pass the schema's own SIRET check too.
SIRETS = ["73282932000074", "38088457700012", "55203253400646", "44306184100047", "41809190600010"]


class Grants:
    """Makes grants for one MEL team and one committee session."""

    def __init__(self, *, mel: Organisation, staff: User, committee: Organisation) -> None:
        self.mel, self.staff = mel, staff
        self.session: CommitteeSession = schedule_session(committee)
        self.rules = CallRuleVersion.objects.order_by("-valid_from").first()

    def structure(self, **fields: Any) -> Structure:
        n = next(_serial)
        person = PersonFactory.create(
            user=UserFactory.create(
                email=fields.pop("email", f"porteuse{n}@example.org"),
                first_name=fields.pop("first_name", "Prénom"),
                last_name=fields.pop("last_name", f"Nom{n}"),
            )
        )
        fields.setdefault("name", f"Association Solidaire {n}")
        fields.setdefault("siret", SIRETS[n % len(SIRETS)])
        fields["legal_form"] = legal_form(fields.pop("form", "association"))
        return StructureFactory.create(holder=person, **fields)

    def make(
        self,
        amount: str,
        *,
        signed_on: datetime.date,
        structure: Structure | None = None,
        without_structure: bool = False,
        title: str = "Épicerie solidaire",
        state: str = "granted",
        programme_grant: bool = True,
        tranches: list[tuple[str, datetime.date | None]] | None = None,
        budget: str = "100000",
        convention: bool = True,
        waived: bool = False,
        stage: str = ApplicationStatus.CONVENTION,
        outcome: str = Outcome.FAVOURABLE,
    ) -> FundingLine:
        if structure is None and not without_structure:
            structure = self.structure()
        holder = structure.holder if structure else PersonFactory.create()
        project = ProjectFactory.create(holder=holder, structure=structure, title=title)
        journey = Journey.objects.create(flow_class=JourneyFlow, project=project, holder=holder)
        application = Application.objects.create(
            flow_class=ApplicationFlow,
            source_journey=journey,
            project=project,
            holder=holder,
            rule_version=self.rules,
            stage=stage,
            axis="startup",
            total_budget=Decimal(budget),
            committee_session=self.session,
        )
        Deliberation.objects.create(
            application=application,
            session=self.session,
            outcome=outcome,
            proposed_amount=Decimal(amount),
            recorded_by=self.staff,
        )
        decided = timezone.make_aware(datetime.datetime.combine(signed_on, datetime.time(10)))
        line = FundingLine.objects.create(
            flow_class=FundingLineFlow,
            dossier=application,
            organisation=self.mel,
            is_programme_grant=programme_grant,
            instrument=FundingInstrument.SUBV_FONCT,
            proposed_amount=Decimal(amount),
            decided_amount=Decimal(amount) if state in ("granted", "awaiting_second") else None,
            state=state,
            first_signer=self.staff,
            first_signed_at=decided,
        )
        if convention:
            Convention.objects.create(
                application=application,
                required=not waived,
                waived=waived,
                holder_signed_on=None if waived else signed_on - datetime.timedelta(days=2),
                mel_signed_on=None if waived else signed_on,
                recorded_by=self.staff,
            )
            plan = tranches if tranches is not None else [(amount, None)]
            for position, (part, released) in enumerate(plan, start=1):
                Tranche.objects.create(
                    application=application,
                    position=position,
                    label=f"Tranche {position}",
                    amount=Decimal(part),
                    released_at=None
                    if released is None
                    else timezone.make_aware(datetime.datetime.combine(released, datetime.time(9))),
                    released_by=self.staff if released else None,
                )
        return line


def schema() -> Schema:
    return Schema.from_descriptor(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))


def validate_csv(content: bytes, tmp_path: Path) -> Any:
    """The frictionless report of a CSV file against the SCDL schema kept in the project."""
    target = tmp_path / "subventions.csv"
    target.write_bytes(content)
    return Resource(path=target.name, basepath=str(tmp_path), schema=schema()).validate()


def validate_json(content: bytes) -> Any:
    return Resource(data=json.loads(content), schema=schema()).validate()


def errors(report: Any) -> list[Any]:
    return list(report.flatten(["rowNumber", "fieldName", "type", "note"]))
