"""The subject-access export (art. 15): everything about the person, nothing about others."""

from __future__ import annotations

import io
import json
import os
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from applicants.models import ConsentPurpose
from applicants.services import consent_record
from notifications.models import Notification
from privacy.export.archive import FILES
from privacy.services import subject_access_export
from tests.factories.applicants import ProjectFactory, StructureFactory
from tests.privacy.conftest import EMAIL_B, TITLE_A, TITLE_B, Dossiers
from tests.support.stored_documents import stored_document

pytestmark = pytest.mark.django_db


def _open(user: User) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(subject_access_export(user=user)))


def _json(archive: zipfile.ZipFile, name: str) -> Any:
    return json.loads(archive.read(name))


def _pdf_text(data: bytes) -> str:
    """The PDF's text through poppler's pdftotext (as tests/steering do)."""
    if not Path("/usr/bin/pdftotext").exists():
        if os.environ.get("CI"):
            pytest.fail("pdftotext (Debian poppler-utils) is missing: .ci/run installs it")
        pytest.skip("pdftotext absent: sudo apt-get install poppler-utils")
    result = subprocess.run(
        ["/usr/bin/pdftotext", "-enc", "UTF-8", "-", "-"],
        input=data,
        capture_output=True,
        check=True,
    )
    return result.stdout.decode()


def test_the_export_holds_each_kind_of_the_applicants_data(dossiers: Dossiers) -> None:
    stored_document(dossiers.a, "mes-statuts.pdf")
    archive = _open(dossiers.holder_a)
    names = archive.namelist()
    for name, _key, _about in FILES:
        assert name in names, name
    assert "LISEZMOI.txt" in names
    assert "resume.pdf" in names

    account = _json(archive, "compte.json")
    assert account["adresse e-mail"] == dossiers.holder_a.email
    assert "password" not in json.dumps(account)
    assert "mot de passe" not in account
    assert _json(archive, "personne.json") is not None
    consents = _json(archive, "consentements.json")
    assert consents
    assert all(c["version du texte"] for c in consents)
    assert _json(archive, "projets.json")["projets"][0]["titre"] == TITLE_A
    assert _json(archive, "structures.json")
    journeys = _json(archive, "parcours.json")
    assert journeys["parcours"]
    assert journeys["historique"]
    applications = _json(archive, "candidatures.json")
    assert applications["candidatures"][0]["numéro"] == dossiers.a.pk
    assert applications["budget"]
    assert applications["pieces_attendues"]
    assert applications["avis_du_comite"]
    funding = _json(archive, "financements.json")
    assert funding["lignes_de_financement"]
    assert _json(archive, "notifications.json")
    assert _json(archive, "journal.json")
    # The files themselves, the uploaded ones included.
    files = [n for n in names if n.startswith("documents/")]
    assert any(n.endswith("mes-statuts.pdf") for n in files)
    assert len(files) == len(_json(archive, "documents.json"))

    readme = archive.read("LISEZMOI.txt").decode()
    for name, _key, _about in FILES:
        assert name in readme
    assert "CNIL" in readme
    text = _pdf_text(archive.read("resume.pdf"))
    assert "Vos données personnelles" in text
    assert dossiers.holder_a.email in text


def test_nothing_of_another_applicant_on_the_same_incubator_leaks_into_the_export(
    dossiers: Dossiers,
) -> None:
    stored_document(dossiers.b, "statuts-de-bruno.pdf")
    archive = _open(dossiers.holder_a)
    everything = b"".join(archive.read(n) for n in archive.namelist() if not n.endswith(".pdf"))
    text = everything.decode("utf-8", errors="replace")
    assert TITLE_B not in text
    assert EMAIL_B not in text
    assert "statuts-de-bruno" not in text
    # Staff and partners who acted on the dossier are « une autre personne », never named.
    for user in User.objects.exclude(pk=dossiers.holder_a.pk):
        assert user.email not in text, user.email


def test_a_partner_exports_their_account_memberships_and_notifications(
    dossiers: Dossiers, incubator_x_member: User
) -> None:
    archive = _open(incubator_x_member)
    names = set(archive.namelist())
    assert {"compte.json", "adhesions.json", "notifications.json", "journal.json"} <= names
    assert "candidatures.json" not in names
    assert _json(archive, "adhesions.json")[0]["organisation"] == "Incubateur X"
    assert _json(archive, "personne.json") is None
    notes = _json(archive, "notifications.json")
    assert len(notes) == Notification.objects.filter(recipient=incubator_x_member).count()


def _export_queries(user: User) -> int:
    with CaptureQueriesContext(connection) as queries:
        subject_access_export(user=user)
    return len(queries)


def test_the_export_costs_the_same_queries_for_one_dossier_or_many(dossiers: Dossiers) -> None:
    user = dossiers.holder_a
    person = dossiers.a.holder
    small = _export_queries(user)
    for i in range(4):
        structure = StructureFactory.create(holder=person, name=f"Structure {i}")
        ProjectFactory.create(holder=person, structure=structure, title=f"Projet {i}")
        consent_record(person=person, purpose=ConsentPurpose.NEWSLETTER, granted=bool(i % 2))
        stored_document(dossiers.a, f"piece-{i}.pdf")
    large = _export_queries(user)
    assert large == small


def test_the_journal_is_readable_and_names_no_other_person(
    dossiers: Dossiers, mel_staff: User
) -> None:
    """A right granted to the person by a staff member: the line says what and when, in
    French, the person is « vous » and the staff member is nobody by name or address."""
    from audit.identities import key_of_user
    from audit.models import AuditAction, person_token
    from audit.services import audit_record

    holder = dossiers.holder_a
    audit_record(
        action=AuditAction.GRANT,
        actor=mel_staff,
        object_ref=f"workflows.application:{dossiers.a.pk}",
        summary=f"Droit « view » accordé au utilisateur « {person_token(key_of_user(holder))} ».",
        subject_key=key_of_user(holder),
    )
    journal = _json(_open(holder), "journal.json")
    granted = [line for line in journal if line.get("action") == "Droit accordé"]
    assert granted, journal
    text = json.dumps(journal, ensure_ascii=False)
    assert mel_staff.email not in text
    assert mel_staff.last_name not in text
    assert "AuditLine(" not in text
    assert granted[-1]["auteur"] == "une autre personne"
    assert "« vous »" in granted[-1]["résumé"]


def test_a_stranger_typing_the_holders_siret_is_not_in_the_holders_export(town: Any) -> None:
    """Someone else wrote in with the SIRET of the holder's structure: the contact is
    attached to the holder's journey for staff, but the stranger's name and address are
    theirs, not the holder's (art. 15-4)."""
    from django.core.management import call_command

    from tests.workflows.test_state_machine import valid_siret
    from workflows.journey.flows import first_contact_submit
    from workflows.journey.services import FirstContact

    def contact(email: str, last_name: str) -> FirstContact:
        return FirstContact(
            email=email,
            first_name="Prénom",
            last_name=last_name,
            phone="",
            title="Cantine solidaire",
            summary="Une cantine de quartier.",
            sector="food",
            stage="emergence",
            needs="Un local.",
            commune=town,
            structure_name="Cantine",
            siret=valid_siret(7),
        )

    call_command("load_programme_rules", verbosity=0)
    owner = first_contact_submit(contact=contact("owner@example.org", "Titulaire")).journey
    again = first_contact_submit(contact=contact("stranger@example.org", "Inconnuexyz"))
    assert again.duplicate
    assert again.journey.pk == owner.pk
    archive = _open(owner.holder.user)
    text = json.dumps([_json(archive, name) for name, _k, _a in FILES], ensure_ascii=False)
    assert "stranger@example.org" not in text
    assert "Inconnuexyz" not in text
