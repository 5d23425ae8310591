"""The application form's background draft save (static/js/autosave.js), posted here as the
script posts it: the form's fields, the draft button's name and value, the CSRF token, and
the X-Autosave header."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation, User
from applicants.models import Commune
from tests.workflows.application_helpers import (
    app_task,
    full_data,
    open_application,
    ready_journey,
    submitted_application,
)
from workflows.models import Application

pytestmark = pytest.mark.django_db


def _draft_messages(response: Any) -> list[str]:
    """Messages the autosave would leave for the next page the person opens (none)."""
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    return [t for t in texts if "Brouillon" in t or "rien n" in t]


def autosave(client: Client, application: Application, data: dict[str, Any]) -> Any:
    return client.post(
        reverse("workflows:application_edit", args=[application.pk]),
        {**data, "action": "save"},
        headers={"X-Autosave": "1"},
    )


@pytest.fixture
def draft(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
) -> Application:
    journey = ready_journey(client, roubaix, mel_staff, incubator_x, incubator_x_member)
    return open_application(client, journey)


def test_the_page_offers_the_script_a_draft_button_and_a_live_region(
    client: Client, draft: Application
) -> None:
    client.force_login(draft.holder.user)
    html = client.get(reverse("workflows:application_edit", args=[draft.pk])).content.decode()
    assert "data-autosave" in html
    assert 'role="status" data-autosave-status' in html
    assert 'name="action" value="save" class="button" data-autosave-button' in html
    assert '<script src="/static/js/autosave.js" defer></script>' in html


def test_an_autosave_keeps_the_draft_and_says_when_without_submitting(
    client: Client, draft: Application
) -> None:
    client.force_login(draft.holder.user)
    response = autosave(client, draft, {"requested_amount": "9500", "social_utility": "Une"})
    assert response.status_code == 200
    answer = response.json()
    assert answer["saved"] is True
    assert answer["message"].startswith("Brouillon enregistré à ")
    assert "\u00a0h\u00a0" in answer["message"]
    draft.refresh_from_db()
    assert draft.requested_amount == Decimal("9500")
    assert draft.stage == "draft"
    assert app_task(draft, "fill")  # the applicant's step is still open
    assert not _draft_messages(response)


def test_an_autosave_never_submits_even_when_told_to(client: Client, draft: Application) -> None:
    client.force_login(draft.holder.user)
    response = client.post(
        reverse("workflows:application_edit", args=[draft.pk]),
        {**full_data(draft), "action": "submit"},
        headers={"X-Autosave": "1"},
    )
    assert response.json()["saved"] is True
    draft.refresh_from_db()
    assert draft.stage == "draft"
    assert app_task(draft, "fill")


def test_an_autosave_with_a_value_to_correct_saves_nothing_and_says_so(
    client: Client, draft: Application
) -> None:
    client.force_login(draft.holder.user)
    before = draft.requested_amount
    response = autosave(client, draft, {"requested_amount": "beaucoup"})
    assert response.status_code == 400
    assert response.json()["saved"] is False
    assert "corriger" in response.json()["message"]
    draft.refresh_from_db()
    assert draft.requested_amount == before
    assert not draft.edits.exists()


def test_an_autosave_goes_through_the_same_permission_checks(
    client: Client, draft: Application, incubator_x_member: User, applicant_b: User
) -> None:
    before = draft.requested_amount
    client.force_login(applicant_b)
    assert autosave(client, draft, {"requested_amount": "1"}).status_code == 404
    client.force_login(incubator_x_member)  # the incubator, without the holder's mandate
    assert autosave(client, draft, {"requested_amount": "1"}).status_code == 403
    draft.refresh_from_db()
    assert draft.requested_amount == before
    assert not draft.edits.exists()


def test_an_autosave_after_submission_is_refused_without_a_message_for_later(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
) -> None:
    application = submitted_application(client, roubaix, mel_staff, incubator_x, incubator_x_member)
    client.force_login(application.holder.user)
    response = autosave(client, application, {"requested_amount": "1"})
    assert response.status_code == 409
    assert response.json()["saved"] is False
    assert not _draft_messages(response)
    application.refresh_from_db()
    assert application.requested_amount == Decimal("12000")


def test_saves_of_one_sitting_make_one_history_line_per_field(
    client: Client, draft: Application, settings: Any
) -> None:
    """The script saves after each pause in typing: the history keeps one line per field
    and sitting (first old value, last new value), and a new line once the sitting is over
    or someone else edits."""
    settings.APPLICATION_EDIT_SESSION_MINUTES = 30
    client.force_login(draft.holder.user)
    for text in ("Des", "Des emplois", "Des emplois durables dans le quartier"):
        assert autosave(client, draft, {"social_utility": text}).status_code == 200
    lines = list(draft.edits.filter(field="social_utility"))
    assert len(lines) == 1
    assert lines[0].new_value == "Des emplois durables dans le quartier"
    first_old = lines[0].old_value
    assert "Des" not in first_old

    draft.edits.update(edited_at=timezone.now() - datetime.timedelta(minutes=31))
    assert autosave(client, draft, {"social_utility": "Une autre idée"}).status_code == 200
    lines = list(draft.edits.filter(field="social_utility").order_by("edited_at"))
    assert [line.new_value for line in lines] == [
        "Des emplois durables dans le quartier",
        "Une autre idée",
    ]
    assert lines[1].old_value == "Des emplois durables dans le quartier"
