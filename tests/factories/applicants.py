from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from applicants.models import Commune, LegalForm, Person, Project, ProjectStage, Sector, Structure

from .accounts import UserFactory


class PersonFactory(DjangoModelFactory[Person]):
    class Meta:
        model = Person

    user = factory.SubFactory(UserFactory)
    phone = "06 12 34 56 78"


def commune(insee_code: str = "59512", name: str = "Roubaix", mel: bool = True) -> Commune:
    obj, _ = Commune.objects.get_or_create(
        insee_code=insee_code,
        defaults={"name": name, "epci_siren": "200093201" if mel else "200000000"},
    )
    return obj


def legal_form(code: str = "association") -> LegalForm:
    defaults = {
        "association": {
            "label": "Association loi 1901",
            "ess_by_nature": True,
            "is_association": True,
        },
        "scop": {"label": "SCOP", "ess_by_nature": True},
        "company": {
            "label": "Société commerciale sans agrément ESUS",
            "is_commercial_company": True,
        },
        "not_created": {"label": "Structure pas encore créée", "is_registered": False},
    }
    obj, _ = LegalForm.objects.get_or_create(
        code=code, defaults=defaults.get(code, {"label": code})
    )
    return obj


class StructureFactory(DjangoModelFactory[Structure]):
    class Meta:
        model = Structure

    holder = factory.SubFactory(PersonFactory)
    name = factory.Sequence(lambda n: f"Association Solidaire {n}")
    legal_form = factory.LazyFunction(legal_form)
    siret = "73282932000074"
    siren = "732829320"
    commune = factory.LazyFunction(commune)


class ProjectFactory(DjangoModelFactory[Project]):
    class Meta:
        model = Project

    holder = factory.SubFactory(PersonFactory)
    title = factory.Sequence(lambda n: f"Projet solidaire {n}")
    summary = "Une épicerie solidaire de quartier."
    sector = Sector.FOOD
    stage = ProjectStage.EMERGENCE
    commune = factory.LazyFunction(commune)
