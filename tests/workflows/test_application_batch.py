"""Batch actions on the applications list: remind the holders whose step waits, place
dossiers waiting for a committee on a session; each dossier checked by itself."""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Organisation, User
from notifications.catalogue import Event
from notifications.models import Notification
from tests.workflows.list_helpers import draft_dossiers, rename
from tests.workflows.stage_helpers import schedule_session
from workflows.models import Application, ApplicationEvent, ApplicationStatus

pytestmark = pytest.mark.django_db

BATCH = "/candidatures/selection/"


def _post(client: Client, pks: list[int], action: str, **extra: Any) -> str:
    data = {"dossiers": [str(pk) for pk in pks], "action": action, "retour": "q=velo", **extra}
    response = client.post(reverse("workflows:application_batch"), data)
    assert response.status_code == 302
    assert response["Location"] == "/candidatures/?q=velo"  # back to the list as it was
    shown = list(client.get(response["Location"]).context["messages"])
    return html.unescape(str(shown[-1]))  # the batch's summary, after the fixtures' own


def _reminders(application: Application) -> int:
    return Notification.objects.filter(
        event=Event.DOSSIER_REMINDER, dossier_ref=f"workflows.application:{application.pk}"
    ).count()


def test_staff_remind_the_holders_of_waiting_dossiers_once_each(
    client: Client, mel_staff: User
) -> None:
    first, second = draft_dossiers(2)
    client.force_login(mel_staff)
    assert _post(client, [first.pk, second.pk], "relancer") == "2 dossiers relancés."
    assert _reminders(first) == _reminders(second) == 1
    notification = Notification.objects.get(dossier_ref=f"workflows.application:{first.pk}")
    assert notification.recipient_id == first.holder_id
    assert "compléter puis déposer votre candidature" in notification.body
    assert ApplicationEvent.objects.filter(
        application=first, actor=mel_staff, message__startswith="Relance envoyée"
    ).exists()


def test_a_second_submission_within_the_cooldown_reminds_nobody_again(
    client: Client, mel_staff: User, settings: Any
) -> None:
    settings.REMINDER_COOLDOWN_DAYS = 7
    (dossier,) = draft_dossiers(1)
    rename(dossier, title="Atelier vélo")
    client.force_login(mel_staff)
    _post(client, [dossier.pk], "relancer")
    summary = _post(client, [dossier.pk], "relancer")
    assert summary == (
        "0 dossier relancé, 1 refusé : « Atelier vélo » (déjà relancé il y a moins de 7 jours)."
    )
    assert _reminders(dossier) == 1


def test_reminding_a_dossier_nothing_waits_for_is_refused_with_its_reason(
    client: Client, mel_staff: User
) -> None:
    waiting, done = draft_dossiers(2)
    rename(done, title="Épicerie", stage=ApplicationStatus.FUNDING)
    client.force_login(mel_staff)
    summary = _post(client, [waiting.pk, done.pk], "relancer")
    assert summary == (
        "1 dossier relancé, 1 refusé : « Épicerie » "
        "(rien n'attend le porteur ou la porteuse à cette étape)."
    )
    assert _reminders(waiting) == 1
    assert _reminders(done) == 0


def test_an_incubator_cannot_remind_even_a_dossier_it_follows(
    client: Client, on_agenda: Application, incubator_x_member: User
) -> None:
    Application.objects.filter(pk=on_agenda.pk).update(stage=ApplicationStatus.INCOMPLETE)
    client.force_login(incubator_x_member)
    page = client.get(reverse("workflows:application_list")).content.decode()
    assert "Relancer les porteurs" not in page
    data = {"dossiers": [str(on_agenda.pk)], "action": "relancer"}
    response = client.post(reverse("workflows:application_batch"), data)
    assert response.status_code == 403
    assert _reminders(on_agenda) == 0


def test_a_selected_dossier_that_does_not_exist_is_refused_without_a_name(
    client: Client, mel_staff: User
) -> None:
    (dossier,) = draft_dossiers(1)
    client.force_login(mel_staff)
    summary = _post(client, [dossier.pk, dossier.pk + 999], "relancer")
    assert summary == ("1 dossier relancé, 1 refusé : un dossier que vous ne pouvez pas modifier.")


def test_staff_place_waiting_dossiers_on_a_session_and_the_others_are_refused(
    client: Client, on_agenda: Application, mel_staff: User, committee: Organisation
) -> None:
    later = schedule_session(committee, days_ahead=60)
    (draft,) = draft_dossiers(1)
    rename(draft, title="Atelier vélo")
    client.force_login(mel_staff)
    summary = _post(client, [on_agenda.pk, draft.pk], "placer", session=str(later.pk))
    assert summary == (
        "1 dossier placé, 1 refusé : « Atelier vélo » "
        "(seul un dossier en attente du comité peut changer de séance)."
    )
    on_agenda.refresh_from_db()
    assert on_agenda.committee_session_id == later.pk
    assert ApplicationEvent.objects.filter(
        application=on_agenda, actor=mel_staff, message__startswith="Dossier reporté"
    ).exists()
    again = _post(client, [on_agenda.pk], "placer", session=str(later.pk))
    assert again.endswith("(le dossier est déjà inscrit à cette séance).")
    assert (
        ApplicationEvent.objects.filter(
            application=on_agenda, message__startswith="Dossier reporté"
        ).count()
        == 1
    )


def test_placing_needs_a_session_and_a_selection_in_french(
    client: Client, on_agenda: Application, mel_staff: User
) -> None:
    client.force_login(mel_staff)
    assert _post(client, [on_agenda.pk], "placer") == (
        "Choisissez la séance sur laquelle placer les dossiers."
    )
    assert _post(client, [], "relancer") == "Cochez au moins un dossier."
    assert _post(client, [on_agenda.pk], "placer", session="abc").startswith(
        "Sélectionnez un choix valide"
    )


def test_the_selection_boxes_are_grouped_labelled_and_24_px(
    client: Client, mel_staff: User
) -> None:
    (dossier,) = draft_dossiers(1)
    rename(dossier, title="Atelier vélo")
    client.force_login(mel_staff)
    listing = reverse("workflows:application_list") + "?q=atelier"  # whatever else the base holds
    page = html.unescape(client.get(listing).content.decode())
    assert "<legend>Sélectionnez des dossiers pour agir sur tous à la fois</legend>" in page
    assert f'class="select-box" name="dossiers" value="{dossier.pk}"' in page
    assert "Sélectionner « Atelier vélo »" in page


def test_a_forged_id_beyond_any_key_is_refused_in_french(client: Client, mel_staff: User) -> None:
    client.force_login(mel_staff)
    assert (
        _post(client, [int("9" * 30)], "relancer") == "La sélection de dossiers n'est pas valide."
    )
