"""``seed_demo --scale``: stamped copies of the demo's dossiers have the shape the engine gave
the originals, stay inside their territory, and the engine carries them on."""

from __future__ import annotations

import io
import re
from collections import Counter

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from guardian.models import GroupObjectPermission
from viewflow.workflow.models import Task

from accounts.models import Organisation, OrganisationKind, User
from demo.people import DEMO_DOMAIN
from demo.scale import seed_scale
from workflows.engine import task_perform
from workflows.inbox import open_tasks_for
from workflows.journey.flows import JourneyFlow
from workflows.journey.selectors import journey_list
from workflows.journey.services import journey_triage
from workflows.models import Journey, JourneyStage

COPY = re.compile(r"^[fht][0-9]+-[0-9]+\.")
TERRITORY_COPY = re.compile(r"^t[0-9]+-[0-9]+\.")


@pytest.mark.django_db
def test_scaled_copies_keep_the_engine_shape_stay_in_their_territory_and_carry_on() -> None:
    """One test for the three behaviours: seeding the demo through the engine is what costs
    (about 30 s), and its rows cannot be shared between tests."""
    call_command("seed_demo", stdout=io.StringIO())
    report = seed_scale(count=63, per_territory=40)
    assert report.territories == 2

    _every_copy_has_the_steps_and_grants_of_the_dossier_it_copies(report.dossiers)
    _a_copied_territory_sees_its_own_dossiers_only()
    _the_engine_carries_a_copied_dossier_on()


def _template_of(journey: Journey) -> Journey:
    email = COPY.sub("", journey.holder.user.email)
    while COPY.match(email):
        email = COPY.sub("", email)
    return Journey.objects.get(holder__user__email=email)


def _grants(journey: Journey) -> Counter[str]:
    """The journey's grants, by permission and kind of organisation holding it."""
    rows = GroupObjectPermission.objects.filter(
        content_type=ContentType.objects.get_for_model(Journey), object_pk=str(journey.pk)
    ).select_related("permission", "group__organisation")
    return Counter(f"{r.permission.codename} {r.group.organisation.kind}" for r in rows)


def _steps(journey: Journey) -> Counter[tuple[str, str]]:
    return Counter((str(t.flow_task), t.status) for t in Task.objects.filter(process_id=journey.pk))


def _every_copy_has_the_steps_and_grants_of_the_dossier_it_copies(scaled: int) -> None:
    copies = [
        j for j in Journey.objects.select_related("holder__user") if COPY.match(j.holder.user.email)
    ]
    assert len(copies) == scaled - 17  # the demo's 17, the rest copies
    stages = Counter(j.stage for j in copies)
    assert {JourneyStage.READY_TO_APPLY, JourneyStage.REDIRECTED, JourneyStage.TRIAGE} <= set(
        stages
    )
    for journey in copies:
        template = _template_of(journey)
        assert journey.project_id != template.project_id
        assert _steps(journey) == _steps(template)
        assert _grants(journey) == _grants(template)


def _a_copied_territory_sees_its_own_dossiers_only() -> None:
    base_member = User.objects.get(email=f"conseillere.cae@{DEMO_DOMAIN}")
    copy_member = User.objects.get(email__regex=r"^t[0-9]+-0\.conseillere\.cae@")
    base_seen = [j.holder.user.email for j in journey_list(user=base_member)]
    copy_seen = [j.holder.user.email for j in journey_list(user=copy_member)]
    assert base_seen
    assert len(copy_seen) == len(base_seen)
    assert all(TERRITORY_COPY.match(e) for e in copy_seen)
    assert not any(TERRITORY_COPY.match(e) for e in base_seen)


def _the_engine_carries_a_copied_dossier_on() -> None:
    staff = User.objects.get(email=f"charge.mission@{DEMO_DOMAIN}")
    journey = Journey.objects.filter(
        holder__user__email__regex=r"^t[0-9]+-0\.amina@", stage=JourneyStage.TRIAGE
    ).get()
    incubator = Organisation.objects.get(
        kind=OrganisationKind.SUPPORT, slug__regex=r"^demo-cae-lille-t[0-9]+-0$"
    )
    member = incubator.members.get(email__regex=r"^t[0-9]+-0\.conseillere\.cae@")
    task = Task.objects.get(process_id=journey.pk, flow_task=JourneyFlow.triage, status="NEW")

    task_perform(
        task=task,
        user=staff,
        perform=lambda j: journey_triage(journey=j, actor=staff, organisation=incubator),
    )

    journey.refresh_from_db()
    assert journey.stage == JourneyStage.ORIENTATION
    waiting = open_tasks_for(user=member).filter(process_id=journey.pk)
    assert [t.flow_task for t in waiting] == [JourneyFlow.orientation]


def test_scale_copies_a_dossiers_money_and_committee_records_not_the_programme_rules() -> None:
    from demo.stamping import copyable_models

    copied = {model._meta.label for model in copyable_models()}
    money = {
        "funding.FundingLine",
        "funding.Convention",
        "funding.Tranche",
        "funding.FollowUpReport",
    }
    committee = {"reviewers.Scoring", "reviewers.CriterionScore", "reviewers.Deliberation"}
    assert money | committee <= copied
    assert not {"funding.Programme", "funding.CallRuleVersion"} & copied
