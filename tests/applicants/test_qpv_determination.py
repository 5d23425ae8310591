"""QPV determination: the computed path, the declared path and staff verification.

Every perimeter here is a SMALL SYNTHETIC square drawn by the test around an arbitrary point
in Roubaix; none of it is real QPV geometry (the official perimeters are loaded by operators).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from accounts.exceptions import ApplicationError
from accounts.models import User
from applicants.models import Commune, Project, QpvArea, QpvDetermination, QpvOutcome, QpvSource
from applicants.selectors.territory import projects_awaiting_qpv_verification
from applicants.services.territory import qpv_declare, qpv_determine, qpv_verify
from tests.factories.applicants import commune
from tests.support.geocoder import FakeAddressApi
from tests.support.geometry import synthetic_square

# Centre of the synthetic square and its half-width in degrees (~140 m east-west at 50.7° N,
# ~220 m north-south): far more than the 15 m border tolerance from the centre.
CENTRE_LON, CENTRE_LAT, HALF = 3.1700, 50.6900, 0.002
EAST_EDGE = CENTRE_LON + HALF
ONE_DEGREE_LON_M = 70_600  # metres per degree of longitude at this latitude, roughly
ADDRESS = "12 rue du Test"


@pytest.fixture
def roubaix(db: None) -> Commune:
    return commune("59512", "Roubaix")


@pytest.fixture
def tourcoing(db: None) -> Commune:
    return commune("59599", "Tourcoing")


@pytest.fixture
def qpv_roubaix(roubaix: Commune) -> QpvArea:
    area = QpvArea.objects.create(
        code="QN05981M",
        name="Nouveau Roubaix",
        generation=2024,
        perimeter=synthetic_square(CENTRE_LON, CENTRE_LAT, HALF),
    )
    area.communes.add(roubaix)
    return area


@pytest.fixture
def qpv_tourcoing_without_perimeter(tourcoing: Commune) -> QpvArea:
    area = QpvArea.objects.create(code="QN05986M", name="Pont Rompu", generation=2024)
    area.communes.add(tourcoing)
    return area


@pytest.fixture
def project(project_a: Project, roubaix: Commune) -> Project:
    project_a.address = ADDRESS
    project_a.postal_code = "59100"
    project_a.commune = roubaix
    project_a.save()
    return project_a


def refreshed(project: Project) -> Project:
    return Project.objects.select_related("current_qpv").get(pk=project.pk)


# Computed path ---------------------------------------------------------------------------


def test_address_inside_a_perimeter_is_inside_with_code_name_and_generation(
    geocoder: FakeAddressApi, project: Project, qpv_roubaix: QpvArea
) -> None:
    geocoder.answer(
        ADDRESS, CENTRE_LON, CENTRE_LAT, score=0.93, label="12 Rue du Test 59100 Roubaix"
    )

    result = qpv_determine(project=project)

    assert (result.outcome, result.source) == (QpvOutcome.INSIDE, QpvSource.COMPUTED)
    assert (result.qpv, result.qpv_code, result.qpv_name, result.generation) == (
        qpv_roubaix,
        "QN05981M",
        "Nouveau Roubaix",
        2024,
    )
    assert (result.address_label, result.geocoder_score) == ("12 Rue du Test 59100 Roubaix", 0.93)
    assert (result.longitude, result.latitude) == (CENTRE_LON, CENTRE_LAT)
    assert "Nouveau Roubaix" in result.message
    assert refreshed(project).current_qpv == result


def test_geocoder_is_asked_for_the_full_address_within_the_commune(
    geocoder: FakeAddressApi, project: Project, qpv_roubaix: QpvArea
) -> None:
    qpv_determine(project=project)

    (request,) = geocoder.requests
    assert request["q"] == "12 rue du Test 59100 Roubaix"
    assert (request["postcode"], request["citycode"]) == ("59100", "59512")


def test_address_outside_every_perimeter_is_outside(
    geocoder: FakeAddressApi, project: Project, qpv_roubaix: QpvArea
) -> None:
    geocoder.answer(ADDRESS, CENTRE_LON + 0.01, CENTRE_LAT)

    result = qpv_determine(project=project)

    assert (result.outcome, result.source, result.qpv) == (
        QpvOutcome.OUTSIDE,
        QpvSource.COMPUTED,
        None,
    )
    assert result.generation == 2024
    assert result.longitude == CENTRE_LON + 0.01


@pytest.mark.parametrize(
    "metres_from_edge", [-7, 0, 7], ids=["just-inside", "on-edge", "just-outside"]
)
def test_address_within_the_border_tolerance_is_to_verify(
    geocoder: FakeAddressApi, project: Project, qpv_roubaix: QpvArea, metres_from_edge: int
) -> None:
    geocoder.answer(ADDRESS, EAST_EDGE + metres_from_edge / ONE_DEGREE_LON_M, CENTRE_LAT)

    result = qpv_determine(project=project)

    assert result.outcome == QpvOutcome.TO_VERIFY
    assert result.message.startswith("Adresse en limite de quartier prioritaire")
    # The neighbouring QPV is named so staff know what to check.
    assert (result.qpv, result.qpv_code) == (qpv_roubaix, "QN05981M")


def test_address_beyond_the_border_tolerance_is_decided(
    geocoder: FakeAddressApi, project: Project, qpv_roubaix: QpvArea, settings: Any
) -> None:
    settings.QPV_BORDER_TOLERANCE_M = 5
    geocoder.answer(ADDRESS, EAST_EDGE - 7 / ONE_DEGREE_LON_M, CENTRE_LAT)

    assert qpv_determine(project=project).outcome == QpvOutcome.INSIDE


def test_geocoder_down_gives_to_verify_and_keeps_the_form_data(
    geocoder: FakeAddressApi, project: Project, qpv_roubaix: QpvArea
) -> None:
    geocoder.down()

    result = qpv_determine(project=project)

    assert (result.outcome, result.source) == (QpvOutcome.TO_VERIFY, QpvSource.COMPUTED)
    assert result.message.startswith("Le service d'adresses ne répond pas")
    saved = refreshed(project)
    assert (saved.address, saved.postal_code, saved.commune_id) == (ADDRESS, "59100", "59512")
    assert saved.current_qpv == result


def test_geocoder_timeout_gives_to_verify(
    geocoder: FakeAddressApi, project: Project, qpv_roubaix: QpvArea, settings: Any
) -> None:
    settings.GEOCODER_TIMEOUT = 0.2
    geocoder.slow(2.0)

    result = qpv_determine(project=project)

    assert result.outcome == QpvOutcome.TO_VERIFY
    assert result.message.startswith("Le service d'adresses ne répond pas")


def test_geocoder_server_error_gives_to_verify(
    geocoder: FakeAddressApi, project: Project, qpv_roubaix: QpvArea
) -> None:
    geocoder.fail(500)

    assert qpv_determine(project=project).outcome == QpvOutcome.TO_VERIFY


def test_address_not_found_gives_to_verify(
    geocoder: FakeAddressApi, project: Project, qpv_roubaix: QpvArea
) -> None:
    result = qpv_determine(project=project)

    assert result.outcome == QpvOutcome.TO_VERIFY
    assert "introuvable" in result.message
    assert result.longitude is None


def test_low_score_gives_to_verify_and_keeps_the_evidence(
    geocoder: FakeAddressApi, project: Project, qpv_roubaix: QpvArea
) -> None:
    # Inside the square, but the geocoder is unsure: the point must not decide.
    geocoder.answer(ADDRESS, CENTRE_LON, CENTRE_LAT, score=0.41, label="Rue du Test 59100 Roubaix")

    result = qpv_determine(project=project)

    assert result.outcome == QpvOutcome.TO_VERIFY
    assert "fiabilité insuffisante" in result.message
    assert "41 %" in result.message
    assert (result.geocoder_score, result.address_label) == (0.41, "Rue du Test 59100 Roubaix")
    assert result.qpv is None


def test_address_found_in_another_commune_gives_to_verify(
    geocoder: FakeAddressApi, project: Project, qpv_roubaix: QpvArea
) -> None:
    geocoder.answer(
        ADDRESS, CENTRE_LON, CENTRE_LAT, citycode="59599", label="12 Rue du Test Tourcoing"
    )

    result = qpv_determine(project=project)

    assert result.outcome == QpvOutcome.TO_VERIFY
    assert "n'est pas à Roubaix" in result.message


def test_address_found_only_at_street_level_gives_to_verify(
    geocoder: FakeAddressApi, project: Project, qpv_roubaix: QpvArea
) -> None:
    geocoder.answer(ADDRESS, CENTRE_LON, CENTRE_LAT, result_type="street")

    result = qpv_determine(project=project)

    assert result.outcome == QpvOutcome.TO_VERIFY
    assert "numéro" in result.message


def test_without_perimeters_the_person_is_asked_to_declare(
    geocoder: FakeAddressApi, project: Project, qpv_tourcoing_without_perimeter: QpvArea
) -> None:
    result = qpv_determine(project=project)

    assert (result.outcome, result.source) == (QpvOutcome.TO_VERIFY, QpvSource.COMPUTED)
    assert "indiquez si l'adresse" in result.message
    assert geocoder.requests == []  # nothing to compare a point with: no call at all


def test_missing_address_gives_to_verify_without_calling_the_geocoder(
    geocoder: FakeAddressApi, project: Project, qpv_roubaix: QpvArea
) -> None:
    project.address = ""

    result = qpv_determine(project=project)

    assert result.outcome == QpvOutcome.TO_VERIFY
    assert geocoder.requests == []


def test_each_determination_is_kept_and_the_latest_is_current(
    geocoder: FakeAddressApi, project: Project, qpv_roubaix: QpvArea, applicant_a: User
) -> None:
    first = qpv_determine(project=project)  # not found yet: to verify
    geocoder.answer(ADDRESS, CENTRE_LON, CENTRE_LAT)
    second = qpv_determine(project=project, actor=applicant_a)

    assert list(project.qpv_determinations.all()) == [second, first]
    assert (first.outcome, second.outcome) == (QpvOutcome.TO_VERIFY, QpvOutcome.INSIDE)
    assert refreshed(project).current_qpv == second
    assert (first.decided_by, second.decided_by) == (None, applicant_a)


def test_the_index_follows_a_changed_perimeter(
    geocoder: FakeAddressApi, project: Project, qpv_roubaix: QpvArea
) -> None:
    geocoder.answer(ADDRESS, CENTRE_LON, CENTRE_LAT)
    assert qpv_determine(project=project).outcome == QpvOutcome.INSIDE

    qpv_roubaix.perimeter = synthetic_square(CENTRE_LON + 0.05, CENTRE_LAT, HALF)
    qpv_roubaix.save()

    assert qpv_determine(project=project).outcome == QpvOutcome.OUTSIDE


def test_a_perimeter_given_as_a_feature_is_understood(
    geocoder: FakeAddressApi, project: Project, qpv_roubaix: QpvArea
) -> None:
    qpv_roubaix.perimeter = {
        "type": "Feature",
        "properties": {},
        "geometry": synthetic_square(CENTRE_LON, CENTRE_LAT, HALF),
    }
    qpv_roubaix.save()
    geocoder.answer(ADDRESS, CENTRE_LON, CENTRE_LAT)

    assert qpv_determine(project=project).outcome == QpvOutcome.INSIDE


# Declared path ---------------------------------------------------------------------------


def test_declaring_one_qpv_of_the_commune_is_inside_but_awaits_verification(
    project: Project, qpv_roubaix: QpvArea, applicant_a: User, mel_staff: User
) -> None:
    result = qpv_declare(project=project, qpv=qpv_roubaix, none_of_these=False, actor=applicant_a)

    assert (result.outcome, result.source) == (QpvOutcome.INSIDE, QpvSource.DECLARED)
    assert (result.qpv_code, result.generation, result.decided_by) == (
        "QN05981M",
        2024,
        applicant_a,
    )
    assert "à vérifier par l'équipe MEL" in result.message
    assert list(projects_awaiting_qpv_verification(user=mel_staff)) == [project]


def test_declaring_none_of_these_quarters_is_outside(
    project: Project, qpv_roubaix: QpvArea, applicant_a: User
) -> None:
    result = qpv_declare(project=project, qpv=None, none_of_these=True, actor=applicant_a)

    assert (result.outcome, result.source, result.qpv) == (
        QpvOutcome.OUTSIDE,
        QpvSource.DECLARED,
        None,
    )
    assert refreshed(project).current_qpv == result


def test_declaring_i_do_not_know_is_to_verify(
    project: Project, qpv_roubaix: QpvArea, applicant_a: User
) -> None:
    result = qpv_declare(project=project, qpv=None, none_of_these=False, actor=applicant_a)

    assert (result.outcome, result.source) == (QpvOutcome.TO_VERIFY, QpvSource.DECLARED)


def test_declaring_a_qpv_of_another_commune_is_refused(
    project: Project, qpv_tourcoing_without_perimeter: QpvArea, applicant_a: User
) -> None:
    with pytest.raises(ApplicationError, match="ne se trouve pas à Roubaix") as refused:
        qpv_declare(
            project=project,
            qpv=qpv_tourcoing_without_perimeter,
            none_of_these=False,
            actor=applicant_a,
        )

    assert refused.value.field == "qpv"
    assert not QpvDetermination.objects.exists()


def test_declaring_a_qpv_of_another_generation_is_refused(
    project: Project, roubaix: Commune, applicant_a: User
) -> None:
    old = QpvArea.objects.create(code="QP059001", name="Ancien quartier", generation=2015)
    old.communes.add(roubaix)

    with pytest.raises(ApplicationError, match="2015"):
        qpv_declare(project=project, qpv=old, none_of_these=False, actor=applicant_a)


def test_declaring_a_qpv_and_none_of_these_together_is_refused(
    project: Project, qpv_roubaix: QpvArea, applicant_a: User
) -> None:
    with pytest.raises(ApplicationError):
        qpv_declare(project=project, qpv=qpv_roubaix, none_of_these=True, actor=applicant_a)


def test_someone_else_cannot_declare_for_a_project(
    project: Project, qpv_roubaix: QpvArea, applicant_b: User
) -> None:
    with pytest.raises(PermissionDenied):
        qpv_declare(project=project, qpv=qpv_roubaix, none_of_these=False, actor=applicant_b)


# Staff verification ----------------------------------------------------------------------


def test_staff_confirming_a_declaration_verifies_it_without_a_reason(
    project: Project, qpv_roubaix: QpvArea, applicant_a: User, mel_staff: User
) -> None:
    qpv_declare(project=project, qpv=qpv_roubaix, none_of_these=False, actor=applicant_a)

    result = qpv_verify(
        project=project, actor=mel_staff, outcome=QpvOutcome.INSIDE, qpv=qpv_roubaix, reason=""
    )

    assert (result.outcome, result.source, result.qpv) == (
        QpvOutcome.INSIDE,
        QpvSource.VERIFIED,
        qpv_roubaix,
    )
    assert result.decided_by == mel_staff
    assert list(projects_awaiting_qpv_verification(user=mel_staff)) == []


def test_staff_settling_a_pending_check_verifies_it(
    geocoder: FakeAddressApi, project: Project, qpv_roubaix: QpvArea, mel_staff: User
) -> None:
    geocoder.answer(ADDRESS, EAST_EDGE, CENTRE_LAT, label="12 Rue du Test 59100 Roubaix")
    qpv_determine(project=project)  # on the border: to verify

    result = qpv_verify(
        project=project, actor=mel_staff, outcome=QpvOutcome.OUTSIDE, qpv=None, reason=""
    )

    assert (result.outcome, result.source) == (QpvOutcome.OUTSIDE, QpvSource.VERIFIED)
    assert result.address_label == "12 Rue du Test 59100 Roubaix"  # evidence carried along


def test_staff_changing_a_finding_without_a_reason_is_refused(
    project: Project, qpv_roubaix: QpvArea, applicant_a: User, mel_staff: User
) -> None:
    qpv_declare(project=project, qpv=None, none_of_these=True, actor=applicant_a)

    with pytest.raises(ApplicationError) as refused:
        qpv_verify(
            project=project,
            actor=mel_staff,
            outcome=QpvOutcome.INSIDE,
            qpv=qpv_roubaix,
            reason="  ",
        )

    assert refused.value.field == "reason"
    assert refreshed(project).current_qpv.source == QpvSource.DECLARED  # type: ignore[union-attr]


def test_staff_changing_a_finding_with_a_reason_overrides_it(
    project: Project, qpv_roubaix: QpvArea, applicant_a: User, mel_staff: User
) -> None:
    qpv_declare(project=project, qpv=None, none_of_these=True, actor=applicant_a)

    result = qpv_verify(
        project=project,
        actor=mel_staff,
        outcome=QpvOutcome.INSIDE,
        qpv=qpv_roubaix,
        reason="Vérifié sur sig.ville.gouv.fr",
    )

    assert (result.outcome, result.source, result.qpv_code) == (
        QpvOutcome.INSIDE,
        QpvSource.OVERRIDDEN,
        "QN05981M",
    )
    assert result.reason == "Vérifié sur sig.ville.gouv.fr"
    assert refreshed(project).current_qpv == result


def test_staff_saying_inside_must_name_the_qpv(project: Project, mel_staff: User) -> None:
    with pytest.raises(ApplicationError) as refused:
        qpv_verify(
            project=project, actor=mel_staff, outcome=QpvOutcome.INSIDE, qpv=None, reason="x"
        )

    assert refused.value.field == "qpv"


@pytest.mark.parametrize("who", ["applicant_a", "incubator_x_member", "committee_member"])
def test_only_mel_staff_can_verify(
    project_a_supported_by_x: Project,
    qpv_roubaix: QpvArea,
    who: str,
    request: pytest.FixtureRequest,
) -> None:
    actor = request.getfixturevalue(who)

    with pytest.raises(PermissionDenied):
        qpv_verify(
            project=project_a_supported_by_x,
            actor=actor,
            outcome=QpvOutcome.INSIDE,
            qpv=qpv_roubaix,
            reason="",
        )


def test_awaiting_list_only_shows_projects_the_user_may_see(
    project_a_supported_by_x: Project,
    project_b: Project,
    applicant_a: User,
    applicant_b: User,
    incubator_x_member: User,
    incubator_y_member: User,
    mel_staff: User,
) -> None:
    qpv_declare(project=project_a_supported_by_x, qpv=None, none_of_these=False, actor=applicant_a)
    qpv_declare(project=project_b, qpv=None, none_of_these=True, actor=applicant_b)

    assert set(projects_awaiting_qpv_verification(user=mel_staff)) == {
        project_a_supported_by_x,
        project_b,
    }
    assert list(projects_awaiting_qpv_verification(user=incubator_x_member)) == [
        project_a_supported_by_x
    ]
    assert list(projects_awaiting_qpv_verification(user=incubator_y_member)) == []


def test_awaiting_list_fetches_its_rows_in_one_query(
    project: Project,
    applicant_a: User,
    mel_staff: User,
    django_assert_num_queries: Any,
) -> None:
    qpv_declare(project=project, qpv=None, none_of_these=False, actor=applicant_a)
    mel_staff.has_perm("applicants.view_project")  # warm the permission cache like a request

    with django_assert_num_queries(1):
        rows = list(projects_awaiting_qpv_verification(user=mel_staff))
        assert [(r.holder.user.email, r.commune.name, r.current_qpv.outcome) for r in rows] == [  # type: ignore[union-attr]
            ("alice@example.org", "Roubaix", QpvOutcome.TO_VERIFY)
        ]


# Review findings: partial data, stale findings, settled findings ------------------------


def test_outside_is_not_claimed_when_a_qpv_of_the_commune_has_no_perimeter(
    geocoder: FakeAddressApi,
    project: Project,
    qpv_roubaix: QpvArea,
    tourcoing: Commune,
    qpv_tourcoing_without_perimeter: QpvArea,
) -> None:
    project.commune = tourcoing
    project.postal_code = "59200"
    project.save()
    geocoder.answer(ADDRESS, CENTRE_LON + 0.05, CENTRE_LAT, citycode="59599")

    result = qpv_determine(project=project)

    assert result.outcome == QpvOutcome.TO_VERIFY
    assert "n'est pas chargé" in result.message


def test_clearing_the_address_replaces_a_stale_finding(
    project: Project, applicant_a: User, mel_staff: User, qpv_roubaix: QpvArea
) -> None:
    from applicants.services import project_update

    qpv_verify(
        project=project, actor=mel_staff, outcome=QpvOutcome.INSIDE, qpv=qpv_roubaix, reason=""
    )
    project_update(
        project=refreshed(project), actor=applicant_a, commune=None, address="", postal_code=""
    )

    assert refreshed(project).current_qpv.outcome == QpvOutcome.TO_VERIFY  # type: ignore[union-attr]


def test_an_applicant_cannot_redeclare_once_staff_have_verified(
    project: Project, applicant_a: User, mel_staff: User, qpv_roubaix: QpvArea
) -> None:
    qpv_verify(project=project, actor=mel_staff, outcome=QpvOutcome.OUTSIDE, qpv=None, reason="")

    with pytest.raises(ApplicationError, match="déjà été vérifiée"):
        qpv_declare(
            project=refreshed(project), qpv=qpv_roubaix, none_of_these=False, actor=applicant_a
        )
    assert refreshed(project).current_qpv.source == QpvSource.VERIFIED  # type: ignore[union-attr]


def test_only_the_holder_declares_even_staff_or_the_incubator_cannot(
    project: Project, mel_staff: User, incubator_x_member: User, incubator_x: Any
) -> None:
    from applicants.services import project_assign_support_organisation

    project_assign_support_organisation(project=project, organisation=incubator_x)
    for user in (mel_staff, incubator_x_member):
        with pytest.raises(PermissionDenied):
            qpv_declare(project=project, qpv=None, none_of_these=True, actor=user)
