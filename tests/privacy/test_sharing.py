"""Withdrawing consent to partner sharing takes effect: the incubator and the financier no
longer see the dossier, the MEL still does; a renewed consent gives it back as it was."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from guardian.models import GroupObjectPermission

from accounts.models import Organisation, User
from applicants.models import ConsentPurpose, ConsentRecord
from applicants.services import project_release_support_organisation
from privacy.models import SuspendedGrant
from privacy.services import partner_sharing_set
from tests.conftest import login
from tests.privacy.conftest import TITLE_A, TITLE_B, Dossiers

pytestmark = pytest.mark.django_db


def _pages(d: Dossiers) -> list[str]:
    a = d.a
    return [
        reverse("applicants:project_detail", args=[a.project_id]),
        reverse("workflows:journey_detail", args=[a.source_journey_id]),
        reverse("workflows:application_detail", args=[a.pk]),
    ]


LISTS = ("workflows:application_list", "workflows:journey_list", "applicants:project_list")


def _sees(client: Client, user: User, url: str) -> bool:
    login(client, user)
    return client.get(url).status_code == 200


def _listed(client: Client, user: User, title: str) -> list[str]:
    login(client, user)
    return [name for name in LISTS if title in client.get(reverse(name)).content.decode()]


def test_withdrawal_hides_the_dossier_from_the_incubator_and_renewal_gives_it_back(
    client: Client, dossiers: Dossiers, incubator_x_member: User, mel_staff: User
) -> None:
    person = dossiers.a.holder
    assert all(_sees(client, incubator_x_member, url) for url in _pages(dossiers))
    before = set(
        GroupObjectPermission.objects.values_list("group_id", "permission_id", "object_pk")
    )
    listed_before = _listed(client, incubator_x_member, TITLE_A)
    assert listed_before

    partner_sharing_set(person=person, granted=False)

    assert not any(_sees(client, incubator_x_member, url) for url in _pages(dossiers))
    assert _listed(client, incubator_x_member, TITLE_A) == []
    # The other holder's dossier on the same incubator is untouched; the MEL still instructs.
    assert _listed(client, incubator_x_member, TITLE_B)
    assert all(_sees(client, mel_staff, url) for url in _pages(dossiers))

    partner_sharing_set(person=person, granted=True)

    assert all(_sees(client, incubator_x_member, url) for url in _pages(dossiers))
    assert _listed(client, incubator_x_member, TITLE_A) == listed_before
    after = set(GroupObjectPermission.objects.values_list("group_id", "permission_id", "object_pk"))
    assert after == before
    assert not SuspendedGrant.objects.exists()


def test_the_financier_loses_the_application_while_consent_is_withdrawn(
    client: Client, dossiers: Dossiers, financier_member: User
) -> None:
    url = reverse("workflows:application_detail", args=[dossiers.a.pk])
    assert _sees(client, financier_member, url)
    partner_sharing_set(person=dossiers.a.holder, granted=False)
    assert not _sees(client, financier_member, url)
    partner_sharing_set(person=dossiers.a.holder, granted=True)
    assert _sees(client, financier_member, url)


def test_each_change_is_a_new_consent_record_with_the_notice_version(
    dossiers: Dossiers, settings: object
) -> None:
    person = dossiers.a.holder
    partner_sharing_set(person=person, granted=False)
    partner_sharing_set(person=person, granted=True)
    records = ConsentRecord.objects.filter(
        person=person, purpose=ConsentPurpose.SHARE_WITH_PARTNERS
    ).order_by("pk")
    assert [r.granted for r in records] == [False, True]
    assert {r.text_version for r in records} == {"2026-12"}


def test_a_grant_made_while_consent_is_withdrawn_is_set_aside_at_once(
    dossiers: Dossiers, incubator_y: Organisation, incubator_y_member: User, client: Client
) -> None:
    from applicants.services import project_assign_support_organisation

    partner_sharing_set(person=dossiers.a.holder, granted=False)
    project = dossiers.a.project
    project_assign_support_organisation(project=project, organisation=incubator_y)
    url = reverse("applicants:project_detail", args=[project.pk])
    assert not _sees(client, incubator_y_member, url)
    partner_sharing_set(person=dossiers.a.holder, granted=True)
    assert _sees(client, incubator_y_member, url)


def test_a_relationship_ended_during_the_withdrawal_does_not_come_back(
    dossiers: Dossiers, incubator_x_member: User, client: Client
) -> None:
    project = dossiers.a.project
    partner_sharing_set(person=dossiers.a.holder, granted=False)
    project_release_support_organisation(project=project)
    partner_sharing_set(person=dossiers.a.holder, granted=True)
    assert not _sees(
        client, incubator_x_member, reverse("applicants:project_detail", args=[project.pk])
    )


def test_under_public_task_the_page_explains_the_right_to_object(
    client: Client, dossiers: Dossiers, settings: object
) -> None:
    settings.PARTNER_SHARING_LEGAL_BASIS = "public_task"  # type: ignore[attr-defined]
    login(client, dossiers.holder_a)
    page = client.get(reverse("privacy:my_data")).content.decode()
    assert "article 21" in page
    assert "ne dépend pas d" in page
    assert client.get(reverse("privacy:sharing")).status_code == 403
    assert client.post(reverse("privacy:sharing"), {"granted": "0"}).status_code == 403
    assert not ConsentRecord.objects.filter(purpose=ConsentPurpose.SHARE_WITH_PARTNERS).exists()


def test_the_applicant_withdraws_from_the_page_after_reading_what_it_means(
    client: Client, dossiers: Dossiers, incubator_x_member: User
) -> None:
    login(client, dossiers.holder_a)
    page = client.get(reverse("privacy:sharing")).content.decode()
    assert "ne verra plus votre dossier" in page
    assert "continue d'instruire" in page
    response = client.post(reverse("privacy:sharing"), {"granted": "0"})
    assert response.status_code == 302
    url = reverse("applicants:project_detail", args=[dossiers.a.project_id])
    assert not _sees(client, incubator_x_member, url)
    login(client, dossiers.holder_a)
    assert "Partager de nouveau" in client.get(reverse("privacy:my_data")).content.decode()
    client.post(reverse("privacy:sharing"), {"granted": "1"})
    assert _sees(client, incubator_x_member, url)


def test_after_a_withdrawal_the_incubator_is_not_told_the_committee_s_decision(
    dossiers: Dossiers, incubator_x_member: User
) -> None:
    """The incubator no longer sees the dossier: its members must not receive by e-mail
    what they can no longer read (the decision, its amount and reasons)."""
    from notifications.models import Notification
    from reviewers.models import Deliberation
    from workflows import notify

    application = dossiers.a
    partner_sharing_set(person=application.holder, granted=False)
    Notification.objects.all().delete()
    deliberation = Deliberation.objects.filter(application=application).latest("pk")

    notify.decision(application=application, deliberation=deliberation)

    assert Notification.objects.filter(recipient=application.holder.user).exists()
    assert not Notification.objects.filter(recipient=incubator_x_member).exists()


def test_after_a_withdrawal_the_incubator_gets_no_excerpt_of_the_holder_s_messages(
    dossiers: Dossiers, incubator_x_member: User
) -> None:
    from notifications.models import Notification
    from workflows.journey.messaging import message_send, messaging_closed_reason

    journey = dossiers.a.source_journey
    if messaging_closed_reason(journey=journey):
        pytest.skip("the conversation is closed at this stage")
    holder = dossiers.holder_a
    message_send(journey=journey, author=holder, body="Avant le retrait.")
    assert Notification.objects.filter(recipient=incubator_x_member).exists()
    partner_sharing_set(person=dossiers.a.holder, granted=False)
    Notification.objects.all().delete()

    message_send(journey=journey, author=holder, body="Après le retrait : confidentiel.")

    assert not Notification.objects.filter(recipient=incubator_x_member).exists()


def test_an_orientation_proposed_during_a_withdrawal_does_not_e_mail_the_holder_s_contact(
    town: Any, mel_staff: User, incubator_x: Organisation, incubator_x_member: User
) -> None:
    """The MEL still orients the project; the incubator's access is set aside at once, and
    its members are not sent the holder's name, address and phone meanwhile."""
    from django.core.management import call_command

    from notifications.models import Notification
    from workflows.journey.flows import first_contact_submit
    from workflows.journey.services import FirstContact, journey_triage

    call_command("load_programme_rules", verbosity=0)
    contact = FirstContact(
        email="retrait@example.org",
        first_name="Rita",
        last_name="Retrait",
        phone="06 00 00 00 00",
        title="Atelier vélo",
        summary="Réparer ensemble.",
        sector="food",
        stage="emergence",
        needs="Un local.",
        commune=town,
    )
    journey = first_contact_submit(contact=contact).journey
    partner_sharing_set(person=journey.holder, granted=False)

    journey_triage(journey=journey, actor=mel_staff, organisation=incubator_x)

    assert not Notification.objects.filter(recipient=incubator_x_member).exists()
    assert SuspendedGrant.objects.filter(person=journey.holder).exists()
