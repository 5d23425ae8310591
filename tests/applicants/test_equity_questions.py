"""The optional equity questions (gender, age band): asked with their purpose on the first
contact and in the person's space, stored when answered, blank when not, and never shown
to the organisations, the committee or the financiers who see the dossier."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Organisation, User
from applicants.models import AgeBand, Commune, Gender, Person
from tests.conftest import login
from tests.workflows.conftest import first_contact_data, roubaix, submit_first_contact
from tests.workflows.stage_helpers import (
    deliberate,
    eligible_application,
    hold_session,
    instruct,
    open_task_of,
    schedule_session,
    scoring_of,
    set_grant_financier,
)

pytestmark = pytest.mark.django_db
__all__ = ["roubaix"]  # the fixture, used by name

PURPOSE = "Pour mesurer l'égalité d'accès (facultatif)"


def test_the_first_contact_asks_both_questions_with_their_purpose_and_nothing_chosen(
    client: Client, roubaix: Commune
) -> None:
    page = client.get(reverse("workflows:first_contact")).content.decode()
    assert PURPOSE in page
    assert "jamais à décider de votre dossier" in page
    assert "Ne souhaite pas répondre" in page
    assert page.count("<legend>Vous êtes") == 1
    assert page.count("<legend>Votre âge") == 1
    assert 'type="radio" name="gender"' in page
    assert "checked" not in page
    # The questions come after the person's details and before the consent.
    assert page.index("Adresse e-mail") < page.index(PURPOSE) < page.index("accepte que la MEL")


def test_answers_given_on_the_first_contact_are_stored(client: Client, roubaix: Commune) -> None:
    journey = submit_first_contact(
        client, roubaix, gender=Gender.WOMAN, age_band=AgeBand.FROM_26_TO_35
    )
    person = journey.holder
    assert (person.gender, person.age_band) == ("woman", "26_35")


def test_a_declined_answer_is_stored_as_declined(client: Client, roubaix: Commune) -> None:
    person = submit_first_contact(client, roubaix, gender="declined", age_band="declined").holder
    assert (person.gender, person.age_band) == (Gender.DECLINED, AgeBand.DECLINED)


def test_questions_left_unanswered_stay_blank(client: Client, roubaix: Commune) -> None:
    person = submit_first_contact(client, roubaix).holder
    assert (person.gender, person.age_band) == ("", "")


def test_an_answer_outside_the_choices_is_refused_in_french(
    client: Client, roubaix: Commune
) -> None:
    data = first_contact_data(roubaix, gender="robot")
    response = client.post(reverse("workflows:first_contact"), data)
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not Person.objects.exists()


def test_the_public_form_never_changes_answers_a_person_already_gave(
    client: Client, roubaix: Commune
) -> None:
    person = submit_first_contact(client, roubaix, gender="woman", age_band="under_26").holder
    # The same e-mail again, once the first journey is closed: a new journey, same person.
    from workflows.models import Journey, JourneyStage

    Journey.objects.filter(holder=person).update(stage=JourneyStage.WITHDRAWN)
    # Sent and confirmed by the link: even then, an address already known answers nothing.
    submit_first_contact(client, roubaix, gender="man", age_band="56_plus", title="Autre idée")
    person.refresh_from_db()
    assert (person.gender, person.age_band) == ("woman", "under_26")


def test_the_public_form_never_answers_for_an_existing_person_who_never_answered(
    client: Client, roubaix: Commune
) -> None:
    """Anyone may type anyone's e-mail on the public form: the questions an existing person
    never answered stay unanswered; that person answers signed in, in "Mes informations"."""
    person = submit_first_contact(client, roubaix).holder
    assert (person.gender, person.age_band) == ("", "")
    from workflows.models import Journey, JourneyStage

    Journey.objects.filter(holder=person).update(stage=JourneyStage.WITHDRAWN)
    # Sent and confirmed by the link: even then, an address already known answers nothing.
    submit_first_contact(client, roubaix, gender="man", age_band="56_plus", title="Autre idée")
    assert Journey.objects.filter(holder=person).count() == 2  # the contact was received
    person.refresh_from_db()
    assert (person.gender, person.age_band) == ("", "")


# The person's own space -------------------------------------------------------------------


def test_the_space_links_to_the_person_s_details(client: Client, applicant_a: User) -> None:
    login(client, applicant_a)
    page = client.get(reverse("applicants:space")).content.decode()
    assert reverse("applicants:person_details") in page


def test_the_person_changes_their_details_and_answers_in_their_space(
    client: Client, applicant_a: User
) -> None:
    login(client, applicant_a)
    url = reverse("applicants:person_details")
    page = client.get(url).content.decode()
    assert PURPOSE in page
    assert "checked" not in page  # never answered: nothing chosen
    response = client.post(
        url,
        {
            "first_name": "Alice",
            "last_name": "Martin",
            "civility": "mme",
            "phone": "06 00 00 00 01",
            "role_in_structure": "Présidente",
            "gender": "declined",
            "age_band": "36_45",
        },
    )
    assert response.status_code == 302
    person = Person.objects.select_related("user").get(pk=applicant_a.pk)
    assert (person.user.last_name, person.phone, person.gender, person.age_band) == (
        "Martin",
        "06 00 00 00 01",
        "declined",
        "36_45",
    )
    # Shown back as answered, and changeable.
    assert re.search(r'value="36_45"[^>]*checked', client.get(url).content.decode())


def test_people_without_an_applicant_s_space_are_refused(
    client: Client, incubator_x_member: User
) -> None:
    login(client, incubator_x_member)
    assert client.get(reverse("applicants:person_details")).status_code == 403


# Never shown to partners -----------------------------------------------------------------

SECRETS = ("Femme", "56 ans et plus", "égalité d'accès")


def _pages_that_show_the_person(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
    committee: Organisation,
    committee_member: User,
    financier_f: Organisation,
    financier_member: User,
) -> dict[str, list[str]]:
    schedule_session(committee)
    set_grant_financier(financier_f)
    app = eligible_application(client, roubaix, mel_staff, incubator_x, incubator_x_member)
    Person.objects.filter(pk=app.holder_id).update(gender="woman", age_band="56_plus")
    instruct(app, mel_staff)
    scoring_task = open_task_of(scoring_of(app, committee_member))
    session = app.committee_session_id
    committee_pages = [
        reverse("workflows:task", args=[scoring_task.pk]),
        reverse("workflows:session_agenda", args=[session]),
    ]
    hold_session(app)
    deliberate(app, mel_staff, "favourable", amount=Decimal(9000))
    from funding.models import FundingLine

    line = FundingLine.objects.get(dossier=app, organisation=financier_f)
    dossier_pages = [
        reverse("workflows:application_detail", args=[app.pk]),
        reverse("applicants:project_detail", args=[app.project_id]),
    ]
    return {
        "incubator": [
            *dossier_pages,
            reverse("workflows:journey_detail", args=[app.source_journey_id]),
        ],
        "committee": committee_pages,
        "financier": [
            reverse("workflows:application_detail", args=[app.pk]),
            reverse("workflows:task", args=[open_task_of(line).pk]),
        ],
    }


def test_answers_are_never_shown_to_support_organisations_committee_or_financiers(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
    committee: Organisation,
    committee_member: User,
    financier_f: Organisation,
    financier_member: User,
) -> None:
    pages = _pages_that_show_the_person(
        client,
        roubaix,
        mel_staff,
        incubator_x,
        incubator_x_member,
        committee,
        committee_member,
        financier_f,
        financier_member,
    )
    readers: dict[str, Any] = {
        "incubator": incubator_x_member,
        "committee": committee_member,
        "financier": financier_member,
    }
    for who, urls in pages.items():
        client.force_login(readers[who])
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (who, url, response.status_code)
            page = response.content.decode()
            shown = [s for s in SECRETS if s in page]
            assert shown == [], (who, url, shown)
