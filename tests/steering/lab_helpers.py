"""A dossier taken to its follow-up with recognisable personal values everywhere, and the
lab extract read back from its ZIP."""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from decimal import Decimal
from typing import Any, cast

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation, User
from applicants.models import Commune, Person, Project, Structure
from funding.models import Convention, FollowUpReport, FundingLine, LineState, Tranche
from tests.factories.applicants import ProjectFactory, legal_form
from tests.workflows.stage_helpers import (
    deliberate,
    eligible_application,
    hold_session,
    instruct,
    schedule_session,
    set_grant_financier,
)
from workflows.models import Application, Journey

# What must never leave: every one is written somewhere in the seeded records.
SECRETS = {
    "first name": "Nadia",
    "last name": "Benali",
    "e-mail": "nadia@example.org",
    "e-mail domain part": "nadia@",
    "phone": "06 11 22 33 44",
    "phone digits": "0611223344",
    "title": "Cantine solidaire",
    "summary": "cantine de quartier",
    "needs": "Trouver un local",
    "address": "Tisserands",
    "structure": "Zéphyr Coopérative",
    "siret": "73282932000074",
    "triage note": "Note de tri XYZZY",
    "support plan": "Plan PLUGH",
    "instruction note": "Note d'instruction FROBOZZ",
    "line reason": "Motif du financeur GRUE",
    "report comment": "Commentaire du rapport QUUX",
    "social utility": "Utilité sociale WIBBLE",
    "other project title": "Atelier Xylophone",
    "other holder": "Théodora",
    "role": "Présidente fondatrice",
}


def seeded_dossier(
    client: Client,
    town: Commune,
    staff: User,
    incubator: Organisation,
    member: User,
    committee: Organisation,
    financier: Organisation,
) -> Application:
    """A funded dossier with its lines, convention, a paid tranche and a report, holding
    recognisable names and free text in every field that takes them."""
    schedule_session(committee)
    set_grant_financier(financier)
    app = eligible_application(client, town, staff, incubator, member)
    instruct(app, staff, note=SECRETS["instruction note"])
    hold_session(app)
    deliberate(app, staff, "favourable", amount=Decimal(9000))
    person = Person.objects.get(pk=app.holder_id)
    person.gender, person.age_band = "woman", "36_45"
    person.role_in_structure = SECRETS["role"]
    person.save()
    structure = Structure.objects.create(
        holder=person,
        name=SECRETS["structure"],
        legal_form=legal_form("scop"),
        siret=SECRETS["siret"],
        address="17 rue des Tisserands",
        commune=town,
    )
    Project.objects.filter(pk=app.project_id).update(
        address="17 rue des Tisserands", structure=structure
    )
    Journey.objects.filter(pk=app.source_journey_id).update(
        triage_note=SECRETS["triage note"], support_plan=SECRETS["support plan"]
    )
    Application.objects.filter(pk=app.pk).update(social_utility=SECRETS["social utility"])
    FundingLine.objects.filter(dossier=app).update(
        state=LineState.GRANTED,
        decided_amount=Decimal(9000),
        reason=SECRETS["line reason"],
        first_signed_at=timezone.now(),
    )
    Convention.objects.create(
        application=app,
        required=True,
        holder_signed_on=datetime.date(2027, 3, 1),
        mel_signed_on=datetime.date(2027, 3, 4),
        recorded_by=staff,
    )
    Tranche.objects.create(
        application=app, position=1, label="Avance", amount=Decimal(6000),
        released_at=timezone.now(),
    )  # fmt: skip
    Tranche.objects.create(application=app, position=2, label="Solde", amount=Decimal(3000))
    FollowUpReport.objects.create(
        application=app,
        months=12,
        due_on=datetime.date(2028, 3, 1),
        submitted_at=timezone.now(),
        jobs_created_fte=Decimal("1.5"),
        jobs_kept_fte=Decimal(2),
        qpv_residents_hired=1,
        turnover=Decimal(84000),
        beneficiaries=320,
        still_active=True,
        comment=SECRETS["report comment"],
    )
    # A project described in the space, with no first contact yet.
    ProjectFactory.create(
        title=SECRETS["other project title"], holder__user__first_name=SECRETS["other holder"]
    )
    app.refresh_from_db()
    return app


def download(client: Client, user: User) -> tuple[Any, bytes]:
    client.force_login(user)
    response = client.post(reverse("steering:lab_dataset"))
    body = b"".join(cast(Any, response).streaming_content) if response.status_code == 200 else b""
    return response, body


def read_zip(body: bytes) -> dict[str, list[dict[str, str]]]:
    """Each CSV of the extract as rows (dicts keyed by the header)."""
    files: dict[str, list[dict[str, str]]] = {}
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        for name in archive.namelist():
            if name.endswith(".csv"):
                raw = archive.read(name)
                assert raw.startswith(b"\xef\xbb\xbf"), f"{name}: no BOM"
                text = raw.decode("utf-8-sig")
                files[name] = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    return files


def all_text(body: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        names = archive.namelist()
        contents = [archive.read(n).decode("utf-8-sig") for n in names]
    return "\n".join([*names, *contents])
