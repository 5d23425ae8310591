from __future__ import annotations

from typing import Any

import factory
from factory.django import DjangoModelFactory

from accounts.models import Organisation, OrganisationKind, User
from accounts.services import organisation_create

PASSWORD = "mot-de-passe-de-test-1234"


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@example.org")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            obj.save()


def make_organisation(name: str, kind: OrganisationKind, **fields: Any) -> Organisation:
    """Organisations are made by the real service so their group and grants are real."""
    return organisation_create(name=name, kind=kind, **fields)
