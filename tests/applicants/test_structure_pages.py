"""Creating and editing a structure through the browser: clear French errors, nothing lost."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from applicants.models import Commune, Structure
from tests.conftest import login
from tests.factories.applicants import commune, legal_form

pytestmark = pytest.mark.django_db


def _form(**overrides: str) -> dict[str, str]:
    data = {
        "name": "La Fabrique Solidaire",
        "acronym": "",
        "legal_form": legal_form("association").pk,
        "siret": "732 829 320 00074",
        "rna": "W595012345",
        "naf_code": "8899b",
        "creation_date": "2022-05-01",
        "esus_status": "none",
        "esus_date": "",
        "address": "10 rue du Moulin",
        "postal_code": "59100",
        "commune": commune("59512", "Roubaix").pk,
        "iban": "FR76 3000 6000 0112 3456 7890 189",
        "bic": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def roubaix(db: None) -> Commune:
    obj = commune("59512", "Roubaix")
    obj.postal_codes = "59100"
    obj.save()
    return obj


def test_an_applicant_creates_a_structure_with_normalised_identifiers(
    client: Client, applicant_a: User, roubaix: Commune
) -> None:
    login(client, applicant_a)
    response = client.post(reverse("applicants:structure_create"), _form())
    structure = Structure.objects.get(holder=applicant_a.person)
    assert response.status_code == 302
    assert structure.siret == "73282932000074"
    assert structure.siren == "732829320"
    assert structure.naf_code == "88.99B"
    assert structure.iban == "FR7630006000011234567890189"


def test_a_wrong_siret_is_refused_and_everything_typed_is_kept(
    client: Client, applicant_a: User, roubaix: Commune
) -> None:
    login(client, applicant_a)
    response = client.post(reverse("applicants:structure_create"), _form(siret="73282932000079"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "vérifiez qu&#x27;il n&#x27;y a pas de faute de frappe" in body
    assert "La Fabrique Solidaire" in body
    assert "10 rue du Moulin" in body
    assert not Structure.objects.exists()


def test_a_structure_outside_the_mel_gets_a_friendly_explanation(
    client: Client, applicant_a: User, roubaix: Commune
) -> None:
    login(client, applicant_a)
    response = client.post(reverse("applicants:structure_create"), _form(commune="hors-mel"))
    body = response.content.decode()
    assert "Métropole" in body
    assert not Structure.objects.exists()


def test_a_postal_code_that_does_not_match_the_commune_is_pointed_out(
    client: Client, applicant_a: User, roubaix: Commune
) -> None:
    login(client, applicant_a)
    body = client.post(
        reverse("applicants:structure_create"), _form(postal_code="59000")
    ).content.decode()
    assert "ne correspond pas à Roubaix" in body
    assert not Structure.objects.exists()


def test_a_registered_structure_needs_a_siret_or_an_rna(
    client: Client, applicant_a: User, roubaix: Commune
) -> None:
    login(client, applicant_a)
    body = client.post(
        reverse("applicants:structure_create"), _form(siret="", rna="")
    ).content.decode()
    assert "Indiquez le SIRET" in body


def test_a_structure_not_yet_created_has_no_identifiers(
    client: Client, applicant_a: User, roubaix: Commune
) -> None:
    login(client, applicant_a)
    data = _form(legal_form=legal_form("not_created").pk, rna="", iban="", creation_date="")
    body = client.post(reverse("applicants:structure_create"), data).content.decode()
    assert "pas encore créée" in body
    data["siret"] = ""
    assert client.post(reverse("applicants:structure_create"), data).status_code == 302


def test_rna_is_for_associations_only(client: Client, applicant_a: User, roubaix: Commune) -> None:
    login(client, applicant_a)
    body = client.post(
        reverse("applicants:structure_create"), _form(legal_form=legal_form("scop").pk)
    ).content.decode()
    assert "ne concerne que les associations" in body


def test_esus_requested_needs_a_date(client: Client, applicant_a: User, roubaix: Commune) -> None:
    login(client, applicant_a)
    body = client.post(
        reverse("applicants:structure_create"), _form(esus_status="requested")
    ).content.decode()
    assert "date de l&#x27;agrément ESUS" in body


def test_removing_the_siret_also_removes_the_siren(
    client: Client, applicant_a: User, structure_a: Structure, roubaix: Commune
) -> None:
    login(client, applicant_a)
    data = _form(siret="", rna="W595012345")
    assert (
        client.post(reverse("applicants:structure_update", args=[structure_a.pk]), data).status_code
        == 302
    )
    structure_a.refresh_from_db()
    assert (structure_a.siret, structure_a.siren) == ("", "")


def test_a_bic_typed_with_spaces_is_accepted_and_a_wrong_one_explained(
    client: Client, applicant_a: User, roubaix: Commune
) -> None:
    login(client, applicant_a)
    body = client.post(
        reverse("applicants:structure_create"), _form(bic="CCOP 12 PP")
    ).content.decode()
    assert "Ce BIC n&#x27;est pas valide" in body
    assert (
        client.post(reverse("applicants:structure_create"), _form(bic="CCOP FRPP XXX")).status_code
        == 302
    )
    assert Structure.objects.get().bic == "CCOPFRPPXXX"
