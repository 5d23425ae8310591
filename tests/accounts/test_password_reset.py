"""'Mot de passe oublié' also gives a first password to a person who wrote through the public
form (their account has none), with the same answer page whether the address is known or not."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.factories.applicants import commune
from tests.workflows.conftest import submit_first_contact

pytestmark = pytest.mark.django_db

RESET = reverse("accounts:password_reset")
DONE = reverse("accounts:password_reset_done")


def _person_from_the_public_form() -> User:
    place = commune("59512", "Roubaix")
    place.postal_codes = "59100"
    place.save()
    journey = submit_first_contact(Client(), place)
    user = journey.holder.user
    assert not user.has_usable_password()
    return user


def test_a_person_without_a_password_receives_a_link_and_chooses_one() -> None:
    user = _person_from_the_public_form()
    mail.outbox.clear()
    client = Client()

    response = client.post(RESET, {"email": "Nadia@Example.org"})

    assert response.status_code == 302
    assert response["Location"] == DONE
    (message,) = [m for m in mail.outbox if user.email in m.to]
    link = re.search(r"https?://[^/\s]+(/\S*mot-de-passe/nouveau/\S+)", str(message.body))
    assert link is not None, message.body
    form_page = client.get(link.group(1), follow=True)
    assert form_page.status_code == 200
    new = "Cantine-de-quartier-2027"
    response = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link.group(1),
        {"new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    user.refresh_from_db()
    assert user.has_usable_password()
    assert user.check_password(new)


def test_an_unknown_or_inactive_address_gets_the_same_answer_and_no_e_mail() -> None:
    user = _person_from_the_public_form()
    user.is_active = False
    user.save()
    mail.outbox.clear()
    client = Client()

    for address in (user.email, "personne@example.org"):
        response = client.post(RESET, {"email": address})
        assert response.status_code == 302
        assert response["Location"] == DONE

    assert mail.outbox == []
