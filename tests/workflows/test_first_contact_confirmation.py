"""The public first-contact form writes into no account before the address is proven: what
a visitor types waits, unlinked, until the link e-mailed to the address is followed; and the
page that answers is the same whoever owns the address."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from accounts.models import Membership, User
from applicants.models import Commune, Person, Project, Structure
from notifications.models import Notification
from tests.conftest import login
from tests.workflows.conftest import (
    confirmation_url,
    first_contact_data,
    submit_first_contact,
)
from workflows.journey import pending
from workflows.journey.confirmation import SUBJECT, confirmation_send, confirmations_relay
from workflows.models import Journey, JourneyEvent, PendingFirstContact

pytestmark = pytest.mark.django_db

FORM = reverse("workflows:first_contact")
NOON = datetime.datetime(2027, 3, 23, 12, 0, tzinfo=datetime.UTC)


def _snapshot(user: User) -> dict[str, Any]:
    """Everything a first contact could write into ``user``'s account, or tell them."""
    user.refresh_from_db()
    return {
        "projects": Project.objects.filter(holder__user=user).count(),
        "journeys": Journey.objects.filter(holder__user=user).count(),
        "events": JourneyEvent.objects.filter(journey__holder__user=user).count(),
        "person": Person.objects.filter(user=user).count(),
        "structures": Structure.objects.filter(holder__user=user).count(),
        "memberships": Membership.objects.filter(user=user).count(),
        "notifications": Notification.objects.filter(recipient=user).count(),
        "names": (user.first_name, user.last_name, user.has_usable_password()),
        "all_notifications": Notification.objects.count(),
        "all_journeys": Journey.objects.count(),
    }


def _link_in(message: Any) -> str:
    found = re.search(r"https?://[^/\s]+(/premier-contact/confirmer/\S+/)", str(message.body))
    assert found is not None, message.body
    return found.group(1)


@pytest.fixture
def existing(
    request: pytest.FixtureRequest, client: Client, roubaix: Commune
) -> Callable[[], User]:
    def make() -> User:
        kind = request.param
        if kind == "applicant_with_a_journey":
            return submit_first_contact(client, roubaix, email="alice@example.org").holder.user
        return request.getfixturevalue(kind)

    return make


@pytest.mark.parametrize(
    "existing",
    ["applicant_a", "applicant_with_a_journey", "committee_member", "mel_staff"],
    indirect=True,
)
def test_a_contact_typed_with_someone_s_address_changes_nothing_until_the_link_is_followed(
    client: Client,
    roubaix: Commune,
    existing: Callable[[], User],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    owner = existing()
    before = _snapshot(owner)
    mail.outbox.clear()
    stranger = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = stranger.post(
            FORM, first_contact_data(roubaix, email=owner.email.upper(), first_name="Intrus")
        )

    assert response.status_code == 200
    assert _snapshot(owner) == before
    [message] = mail.outbox  # the link, to the address only: the one thing sent
    assert message.to == [owner.email.upper()]
    assert message.subject == SUBJECT
    assert "déjà un compte" in message.body
    held = PendingFirstContact.objects.latest("pk")
    assert held.confirmed_at is None
    assert held.mail_sent_at is not None

    # The owner follows the link (a GET changes nothing: a mail scanner confirms nothing).
    link = _link_in(message)
    assert "Confirmer ma demande" in Client().get(link).content.decode()
    assert _snapshot(owner) == before
    with django_capture_on_commit_callbacks(execute=True):
        done = Client().post(link)
    assert done.status_code == 200
    after = _snapshot(owner)
    if before["journeys"]:  # a journey under way: the words are added to it
        assert after["journeys"] == before["journeys"]
        assert after["events"] == before["events"] + 1
        assert "ajouté à votre dossier en cours" in done.content.decode()
    else:
        assert after["journeys"] == before["journeys"] + 1
        assert after["projects"] == before["projects"] + 1
    assert after["names"] == before["names"]  # the typed name never renames the account
    held.refresh_from_db()
    assert held.confirmed_at is not None
    assert held.data == {}


def _normalised(body: str, address: str) -> str:
    body = body.replace(address, "ADDRESS")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", body)


def test_the_answer_is_the_same_for_a_known_and_an_unknown_address(
    roubaix: Commune, committee_member: User
) -> None:
    answers = {}
    with time_machine.travel(NOON, tick=False):
        for address in (committee_member.email, "inconnue@example.org"):
            response = Client().post(FORM, first_contact_data(roubaix, email=address))
            answers[address] = (
                response.status_code,
                _normalised(response.content.decode(), address),
            )
    known, unknown = answers.values()
    assert known == unknown
    assert known[0] == 200
    page = known[1]
    assert "Vérifiez votre boîte aux lettres électronique" in page
    assert "ADDRESS" in page
    assert "48 heures" in page
    assert "connaissons" not in page
    assert Journey.objects.count() == 0


def test_following_the_link_records_a_new_person_with_a_journey_and_its_deadline(
    client: Client, roubaix: Commune, mel_staff: User
) -> None:
    client.post(FORM, first_contact_data(roubaix, gender="woman", age_band="under_26"))
    assert not Person.objects.filter(user__email="nadia@example.org").exists()
    page = client.post(confirmation_url("nadia@example.org")).content.decode()

    journey = Journey.objects.get()
    person = journey.holder
    assert person.user.email == "nadia@example.org"
    assert (person.gender, person.age_band) == ("woman", "under_26")  # created by this contact
    assert "sous 5 jours ouvrés" in page
    assert reverse("accounts:password_reset") in page  # how to choose a password


def test_an_expired_link_is_refused_with_the_way_to_send_again(
    client: Client, roubaix: Commune
) -> None:
    with time_machine.travel(NOON, tick=False):
        client.post(FORM, first_contact_data(roubaix))
    link = confirmation_url("nadia@example.org")
    with time_machine.travel(NOON + datetime.timedelta(hours=48, seconds=1), tick=False):
        page = client.get(link)
        posted = client.post(link)
    assert page.status_code == posted.status_code == 410
    assert "Ce lien a expiré" in page.content.decode()
    assert FORM in page.content.decode()
    assert not Journey.objects.exists()
    assert not Person.objects.exists()
    with time_machine.travel(NOON + datetime.timedelta(hours=47, minutes=59), tick=False):
        assert client.get(link).status_code == 200  # still valid just before


def test_a_used_link_records_nothing_more(client: Client, roubaix: Commune) -> None:
    submit_first_contact(client, roubaix)
    link = confirmation_url("nadia@example.org")
    page = client.get(link)
    again = client.post(link)
    assert page.status_code == again.status_code == 200
    assert "déjà confirmée" in again.content.decode()
    assert Journey.objects.count() == 1
    assert JourneyEvent.objects.count() == 1


def test_two_clicks_at_once_record_one_journey(client: Client, roubaix: Commune) -> None:
    """Both requests read the row before either claims it (the race): one wins."""
    client.post(FORM, first_contact_data(roubaix))
    first = PendingFirstContact.objects.get()
    second = PendingFirstContact.objects.get()
    pending.first_contact_confirm(pending=first)
    with pytest.raises(pending.LinkRefused) as refused:
        pending.first_contact_confirm(pending=second)
    assert refused.value.state is pending.LinkState.USED
    assert Journey.objects.count() == 1
    assert Project.objects.count() == 1


@pytest.mark.parametrize("token", ["bad-token", "0" * 64, "x" * 500, "é"])
def test_an_unknown_link_gets_a_french_page_not_an_error(client: Client, token: str) -> None:
    url = reverse("workflows:first_contact_confirm", args=[token])
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 404
        assert "Ce lien n'est pas valable" in response.content.decode().replace("&#x27;", "'")


def test_a_signed_in_person_writing_from_their_own_address_is_recorded_at_once(
    client: Client, roubaix: Commune, applicant_a: User
) -> None:
    login(client, applicant_a)
    form = client.get(FORM).content.decode()
    assert 'value="alice@example.org"' in form
    response = client.post(FORM, first_contact_data(roubaix, email="Alice@Example.org"))
    assert response.status_code == 200
    assert Journey.objects.filter(holder__user=applicant_a).count() == 1
    assert not PendingFirstContact.objects.exists()
    assert "Voir mon parcours" in response.content.decode()


def test_a_signed_in_person_typing_another_address_must_prove_it(
    client: Client, roubaix: Commune, applicant_a: User, applicant_b: User
) -> None:
    login(client, applicant_a)
    client.post(FORM, first_contact_data(roubaix, email=applicant_b.email))
    assert not Journey.objects.exists()
    assert PendingFirstContact.objects.get().email == applicant_b.email


def test_an_unknown_address_is_not_told_of_an_account(
    roubaix: Commune, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(FORM, first_contact_data(roubaix))
    [message] = mail.outbox
    assert "déjà un compte" not in message.body
    assert "48" not in message.subject
    assert getattr(message, "alternatives", None)  # an HTML part with the same button


def test_a_link_whose_request_was_lost_is_sent_by_the_relay_once(
    client: Client, roubaix: Commune, settings: Any
) -> None:
    settings.NOTIFICATIONS_RELAY_AFTER_SECONDS = 60
    client.post(FORM, first_contact_data(roubaix))  # no commit hook runs: the request is lost
    assert confirmations_relay() == 0  # not yet: the worker may still be on it
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=2)):
        assert confirmations_relay() == 1
        assert confirmations_relay() == 0
    assert len(mail.outbox) == 1
    assert confirmation_send(pk=PendingFirstContact.objects.get().pk) is False


def test_a_failed_send_is_recorded_and_tried_again_later(
    client: Client, roubaix: Commune, settings: Any
) -> None:
    settings.EMAIL_BACKEND = "tests.workflows.test_first_contact_confirmation.BrokenBackend"
    client.post(FORM, first_contact_data(roubaix))
    held = PendingFirstContact.objects.get()
    assert confirmation_send(pk=held.pk) is False
    held.refresh_from_db()
    assert (held.mail_attempts, held.mail_sent_at) == (1, None)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=5)):
        assert confirmations_relay() == 1


class BrokenBackend:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def open(self) -> None:
        raise OSError("mail server down")

    def close(self) -> None:
        pass

    def send_messages(self, messages: Any) -> int:
        raise OSError("mail server down")


def test_a_too_long_field_is_refused_in_french_and_nothing_is_kept(
    client: Client, roubaix: Commune
) -> None:
    body = client.post(
        FORM, first_contact_data(roubaix, structure_name="S" * 201, last_name="N" * 151)
    ).content.decode()
    assert "au plus 200 caractères" in body.replace("\u202f", " ")
    assert "au plus 150 caractères" in body.replace("\u202f", " ")
    assert "Cantine solidaire" in body  # what was typed is shown again
    assert not PendingFirstContact.objects.exists()


FIELDS = list(first_contact_data(Commune(pk=1)).keys())


@hypothesis_settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.dictionaries(
        st.sampled_from(FIELDS), st.text(max_size=300) | st.just("x" * 6000), max_size=6
    )
)
def test_no_input_to_the_form_is_a_server_error(roubaix: Commune, typed: dict[str, str]) -> None:
    data = first_contact_data(roubaix, **typed)
    response = Client().post(FORM, data)
    assert response.status_code == 200


def test_the_form_cannot_flood_a_mailbox_and_answers_the_same_after_the_limit(
    roubaix: Commune, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    answers = []
    with time_machine.travel(NOON, tick=False):
        for _ in range(pending.WAITING_PER_ADDRESS + 2):
            with django_capture_on_commit_callbacks(execute=True):
                response = Client().post(FORM, first_contact_data(roubaix))
            answers.append(
                (response.status_code, _normalised(response.content.decode(), "nadia@example.org"))
            )
    assert len(set(answers)) == 1
    assert len(mail.outbox) == PendingFirstContact.objects.count() == pending.WAITING_PER_ADDRESS
    with time_machine.travel(NOON + datetime.timedelta(hours=49), tick=False):
        Client().post(FORM, first_contact_data(roubaix))  # the earlier links have expired
    assert PendingFirstContact.objects.count() == pending.WAITING_PER_ADDRESS + 1


def test_the_consent_names_the_notice_shown_on_the_form_not_the_one_in_force_at_the_click(
    client: Client, roubaix: Commune, mel_staff: User, settings: Any
) -> None:
    """The notice changed while the link waited: the person agreed to the one they read."""
    from applicants.models import ConsentPurpose, ConsentRecord

    settings.PRIVACY_NOTICE_VERSION = "2026-11"
    client.post(FORM, first_contact_data(roubaix))
    settings.PRIVACY_NOTICE_VERSION = "2026-12"
    client.post(confirmation_url("nadia@example.org"))
    consent = ConsentRecord.objects.get(purpose=ConsentPurpose.PRIVACY_NOTICE)
    assert consent.text_version == "2026-11"
