"""The dossiers' retention rules, read at the edges of their periods (time machine), then
applied: due one day after the limit and not one day before, nothing due after a run."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from accounts.models import User
from applicants.models import Person
from privacy.models import AnonymisedDossier
from privacy.retention.dossier_rules import years_before
from privacy.retention.rules import RULES, RetentionRule
from tests.factories.applicants import ProjectFactory
from tests.steering.builders import Built, day, dossier
from workflows.journey.flows import JourneyFlow
from workflows.models import DossierMessage, Journey

pytestmark = pytest.mark.django_db
ONE_DAY = datetime.timedelta(days=1)
REFUSED_PATH = (("draft", day(20)), ("submitted", day(25)), ("rejected", day(50)))
FUNDED_PATH = (
    ("draft", day(20)), ("submitted", day(25)), ("complete", day(30)), ("eligible", day(35)),
    ("on_agenda", day(36)), ("funding", day(50)), ("convention", day(60)),
    ("follow_up", day(70)), ("closed", day(400)),
)  # fmt: skip


def rule(code: str) -> RetentionRule:
    return next(r for r in RULES if r.code == code)


def due_ids(code: str, now: datetime.datetime) -> list[int]:
    with time_machine.travel(now, tick=False):
        return list(rule(code).due(timezone.now()).values_list("pk", flat=True))


def run(code: str, now: datetime.datetime) -> int:
    with time_machine.travel(now, tick=False):
        due = list(rule(code).due(timezone.now()))
        for obj in due:
            rule(code).apply(obj)
    return len(due)


def test_the_three_dossier_rules_are_declared_with_their_settings() -> None:
    codes = {r.code: r.setting for r in RULES}
    dossier_codes = {"contacts_unconverted", "dossiers_refused", "dossiers_funded"}
    assert codes["contacts_unconverted"] == "RETENTION_UNCONVERTED_CONTACT_DAYS"
    assert codes["dossiers_refused"] == "RETENTION_REFUSED_DOSSIER_YEARS"
    assert codes["dossiers_funded"] == "RETENTION_FUNDED_DOSSIER_YEARS"
    assert all("[À CONFIRMER AVEC LE DPO]" in r.basis for r in RULES if r.code in dossier_codes)


# First contacts never converted ----------------------------------------------------------


def test_a_contact_is_due_three_years_after_its_last_activity() -> None:
    built = dossier(first=day(0), journey=(("redirected", day(10)),))
    limit = day(10) + datetime.timedelta(days=1095)
    assert due_ids("contacts_unconverted", limit - ONE_DAY) == []
    assert due_ids("contacts_unconverted", limit + ONE_DAY) == [built.journey.pk]


def test_a_message_moves_the_last_activity(settings: Any) -> None:
    built = dossier(first=day(0), journey=(("support", day(10)),))
    DossierMessage.objects.create(journey=built.journey, body="Toujours là.", sent_at=day(300))
    limit = day(300) + datetime.timedelta(days=1095)
    assert due_ids("contacts_unconverted", day(10) + datetime.timedelta(days=1096)) == []
    assert due_ids("contacts_unconverted", limit + ONE_DAY) == [built.journey.pk]


def test_due_soon_lists_what_becomes_due_in_the_window() -> None:
    built = dossier(first=day(0), journey=(("redirected", day(10)),))
    limit = day(10) + datetime.timedelta(days=1095)
    with time_machine.travel(limit - 10 * ONE_DAY, tick=False):
        now = timezone.now()
        soon = rule("contacts_unconverted").due_soon
        assert soon is not None
        assert list(soon(now, now + 30 * ONE_DAY).values_list("pk", flat=True)) == [
            built.journey.pk
        ]
        assert list(soon(now, now + 5 * ONE_DAY)) == []


def test_a_converted_contact_is_never_due_as_a_contact() -> None:
    dossier(first=day(0), journey=(("ready", day(10)),), application=REFUSED_PATH)
    assert due_ids("contacts_unconverted", day(10) + datetime.timedelta(days=5000)) == []


def test_running_the_contact_rule_deletes_then_finds_nothing() -> None:
    built = dossier(first=day(0), journey=(("redirected", day(10)),))
    user_id = built.journey.holder_id
    later = day(2000)
    assert run("contacts_unconverted", later) == 1
    assert not Journey.objects.filter(pk=built.journey.pk).exists()
    assert not User.objects.filter(pk=user_id).exists()
    assert run("contacts_unconverted", later) == 0


# Refused and funded dossiers -------------------------------------------------------------


def _refused() -> Built:
    return dossier(first=day(0), journey=(("ready", day(10)),), application=REFUSED_PATH)


def test_a_refused_dossier_is_due_five_years_after_the_decision() -> None:
    built = _refused()
    limit = years_before(day(50), -5)
    assert due_ids("dossiers_refused", limit - ONE_DAY) == []
    assert due_ids("dossiers_refused", limit + ONE_DAY) == [built.journey.pk]
    assert due_ids("dossiers_funded", limit + 20 * 365 * ONE_DAY) == []


def test_a_funded_dossier_is_due_ten_years_after_closure() -> None:
    built = dossier(first=day(0), journey=(("ready", day(10)),), application=FUNDED_PATH)
    limit = years_before(day(400), -10)
    assert due_ids("dossiers_funded", limit - ONE_DAY) == []
    assert due_ids("dossiers_funded", limit + ONE_DAY) == [built.journey.pk]
    assert due_ids("dossiers_refused", limit + ONE_DAY) == []


def test_a_funded_dossier_still_followed_up_is_never_due() -> None:
    dossier(first=day(0), journey=(("ready", day(10)),), application=FUNDED_PATH[:-1])
    assert due_ids("dossiers_funded", day(400) + 40 * 365 * ONE_DAY) == []


def test_running_the_refused_rule_anonymises_dossier_and_holder_once() -> None:
    built = _refused()
    later = years_before(day(50), -6)
    assert run("dossiers_refused", later) == 1
    assert AnonymisedDossier.objects.filter(journey=built.journey).exists()
    holder = User.objects.get(pk=built.journey.holder_id)
    assert holder.email.endswith("@anonyme.invalid")
    assert run("dossiers_refused", later) == 0


def test_a_holder_with_another_live_dossier_is_kept() -> None:
    built = _refused()
    person = Person.objects.get(pk=built.journey.holder_id)
    email = person.user.email
    other = ProjectFactory.create(holder=person)
    Journey.objects.create(flow_class=JourneyFlow, project=other, holder=person)
    assert run("dossiers_refused", years_before(day(50), -6)) == 1
    assert AnonymisedDossier.objects.filter(journey=built.journey).exists()
    person.user.refresh_from_db()
    assert person.user.email == email
    assert person.user.is_active


@pytest.mark.parametrize("code", ["contacts_unconverted", "dossiers_refused", "dossiers_funded"])
def test_due_is_one_query_whatever_the_number_of_dossiers(
    code: str, django_assert_num_queries: Any
) -> None:
    for _ in range(3):
        dossier(first=day(0), journey=(("redirected", day(10)),))
        _refused()
        dossier(first=day(0), journey=(("ready", day(10)),), application=FUNDED_PATH)
    with time_machine.travel(day(10) + 20 * 365 * ONE_DAY, tick=False):
        now = timezone.now()
        with django_assert_num_queries(1):
            assert len(list(rule(code).due(now))) == 3


def test_years_before_a_29_february_is_the_28th() -> None:
    leap = datetime.datetime(2028, 2, 29, 12, 0, tzinfo=datetime.UTC)
    assert years_before(leap, 5) == datetime.datetime(2023, 2, 28, 12, 0, tzinfo=datetime.UTC)


def test_due_soon_lists_the_refused_dossiers_of_the_window() -> None:
    built = _refused()
    limit = years_before(day(50), -5)
    with time_machine.travel(limit - 10 * ONE_DAY, tick=False):
        now = timezone.now()
        soon = rule("dossiers_refused").due_soon
        assert soon is not None
        assert [j.pk for j in soon(now, now + 30 * ONE_DAY)] == [built.journey.pk]
        assert list(soon(now, now + 5 * ONE_DAY)) == []


def test_a_structure_carrying_a_live_project_keeps_its_identity() -> None:
    from applicants.models import Structure
    from tests.factories.applicants import StructureFactory

    built = _refused()
    person = Person.objects.get(pk=built.journey.holder_id)
    structure = StructureFactory.create(holder=person, name="Les Jardins de Camille")
    built.journey.project.structure = structure
    built.journey.project.save()
    other = ProjectFactory.create(holder=person, structure=structure)
    Journey.objects.create(flow_class=JourneyFlow, project=other, holder=person)
    assert run("dossiers_refused", years_before(day(50), -6)) == 1
    assert Structure.objects.get(pk=structure.pk).name == "Les Jardins de Camille"


def test_a_holder_who_signed_in_lately_keeps_their_contact_and_account() -> None:
    # Signing in to one's space to follow the journey is activity: a contact whose holder
    # came back 1 000 days after its last event is not deleted with their account (without
    # the warning e-mail the inactive-account rule promises) 1 990 days after that event.
    built = dossier(first=day(0), journey=(("redirected", day(10)),))
    user_id = built.journey.holder_id
    User.objects.filter(pk=user_id).update(last_login=day(1000))
    assert due_ids("contacts_unconverted", day(2000)) == []
    assert run("contacts_unconverted", day(2000)) == 0
    assert User.objects.filter(pk=user_id).exists()
    assert due_ids("contacts_unconverted", day(1000) + datetime.timedelta(days=1096)) == [
        built.journey.pk
    ]
