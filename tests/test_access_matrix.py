"""The access-control matrix: every URL pattern of the project, for every persona, against
their own and foreign objects, compared with who may see what (accounts/policy.py and the
links between people, organisations and dossiers).

It fails on any 2xx where the persona may not see the object, on a POST endpoint that does
not refuse a persona who may not see its object, on foreign dossiers appearing in list
pages, and on any URL nobody has classified below — so a new view cannot slip in
unchecked. It prints the number of cells tried.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any, cast

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import QueryDict
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.models import Organisation, OrganisationKind, User
from applicants.models import Commune
from documents.models import Document, ScanStatus
from exports.models import ExportJob, ExportState
from exports.registry import ListExport, list_export
from exports.selectors import export_access_of
from funding.models import FundingLine
from notifications.models import Notification
from reviewers.models import Deliberation
from reviewers.services.selection import (
    application_instruct,
    conflict_declare,
)
from steering.comite.services import comite_meeting_plan, semester_report_generate
from tests.factories.accounts import make_organisation
from tests.factories.applicants import commune
from tests.workflows.stage_helpers import (
    add_member,
    deliberate,
    eligible_application,
    hold_session,
    open_task_of,
    perform,
    schedule_session,
    scoring_of,
    set_grant_financier,
)
from workflows.models import Application

pytestmark = pytest.mark.django_db

TITLE_A, TITLE_B = "Cantine solidaire", "Atelier vélo de Bruno"
NOTE = "Une note d'instruction complète pour le comité de sélection."
EVERYONE = frozenset(
    {"anonymous", "holder_a", "holder_b", "incubator_x", "incubator_y", "committee",
     "committee_conflicted", "financier_f", "financier_g", "staff", "reader", "lab",
     "dpo", "admin"}
)  # fmt: skip
SIGNED_IN = EVERYONE - {"anonymous"}
TEAMS = SIGNED_IN - {"holder_a", "holder_b"}  # everyone with an organisation (exports)
STAFF = frozenset({"staff", "admin"})
DPO = frozenset({"dpo", "admin"})  # the MEL's data-protection officer: retention, no dossier


@dataclass
class World:
    personas: dict[str, User | None]
    a: Application  # holder A, incubator X, favourable: financier F's line is open
    b: Application  # holder B, incubator Y, on the agenda: the committee scores it
    cells: int = 0
    failures: list[str] = field(default_factory=list)


def _walk(patterns: list[Any], ns: str = "") -> list[tuple[str, URLPattern]]:
    found: list[tuple[str, URLPattern]] = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or ""
            found += _walk(pattern.url_patterns, f"{ns}:{inner}".strip(":") if inner else ns)
        elif pattern.name:
            found.append((f"{ns}:{pattern.name}" if ns else pattern.name, pattern))
    return found


@pytest.fixture
def town(db: None) -> Commune:
    place = commune("59512", "Roubaix")
    place.postal_codes = "59100"
    place.save()
    return place


@pytest.fixture
def world(
    client: Client,
    town: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
    incubator_y: Organisation,
    incubator_y_member: User,
    committee: Organisation,
    committee_member: User,
    financier_f: Organisation,
    financier_member: User,
    steering_reader: User,
    lab_member: User,
    admin_user: User,
) -> World:
    dpo = add_member(
        make_organisation("DPO de la MEL", OrganisationKind.DPO), "dpo@mel.example.org"
    )
    schedule_session(committee)
    set_grant_financier(financier_f)
    conflicted = add_member(committee, "deporte@comite.example.org")
    financier_g = add_member(
        make_organisation("Financeur G", OrganisationKind.FINANCIER), "g@financeur.example.org"
    )
    a = eligible_application(client, town, mel_staff, incubator_x, incubator_x_member)
    b = eligible_application(
        client,
        town,
        mel_staff,
        incubator_y,
        incubator_y_member,
        email="bruno@example.org",
        title=TITLE_B,
    )
    for dossier in (a, b):
        session = dossier.committee_session
        assert session is not None

        def instruct(process: Any, session: Any = session) -> Any:
            return application_instruct(
                application=process, actor=mel_staff, session=session, note=NOTE
            )

        perform(dossier, "instruction", mel_staff, instruct)
    conflict_declare(application=b, member=conflicted)
    hold_session(a)
    deliberate(a, mel_staff, "favourable", amount=Decimal(9000))
    b.refresh_from_db()
    client.logout()
    personas: dict[str, User | None] = {
        "anonymous": None,
        "holder_a": a.holder.user,
        "holder_b": b.holder.user,
        "incubator_x": incubator_x_member,
        "incubator_y": incubator_y_member,
        "committee": committee_member,
        "committee_conflicted": conflicted,
        "financier_f": financier_member,
        "financier_g": financier_g,
        "staff": mel_staff,
        "reader": steering_reader,
        "lab": lab_member,
        "dpo": dpo,
        "admin": admin_user,
    }
    return World(personas, a, b)


# Who may see what, per target. ------------------------------------------------------------


def dossier_viewers(w: World, side: str) -> frozenset[str]:
    """Journey, project, structure, application of dossier "a" or "b"."""
    return STAFF | ({"holder_a", "incubator_x"} if side == "a" else {"holder_b", "incubator_y"})


def application_viewers(w: World, side: str) -> frozenset[str]:
    return dossier_viewers(w, side) | ({"financier_f"} if side == "a" else set())


Target = tuple[Callable[[World], list[Any]], frozenset[str]]


def stored_document(application: Application) -> Document:
    """A document of the dossier with its bytes on disk (uploads are closed at this stage)."""
    data = b"%PDF-1.4\n%%EOF\n"
    name = default_storage.save(f"documents/matrix/{application.pk}", ContentFile(data))
    return Document.objects.create(
        owner=application.holder.user,
        application=application,
        code="statuts",
        original_name="statuts.pdf",
        content_type="application/pdf",
        size=len(data),
        sha256="0" * 64,
        storage_name=name,
        scan_status=ScanStatus.NOT_SCANNED,
    )


def stored_export(owner: User) -> ExportJob:
    """A prepared export of the owner's, its file on disk and still kept."""
    name = default_storage.save(
        "exports/matrix/projets.csv", ContentFile(b"\xef\xbb\xbfProjet\r\n")
    )
    return ExportJob.objects.create(
        owner=owner,
        list_name="projets",
        list_title="Projets",
        format="csv",
        state=ExportState.DONE,
        storage_name=name,
        expires_at=timezone.now() + timedelta(hours=1),
        # Filtered for the owner's access as it is (a changed access refuses the file).
        owner_access=export_access_of(
            user=owner, export=cast(ListExport, list_export("projets")), query=QueryDict()
        ),
    )


def targets(w: World) -> dict[str, list[tuple[list[Any], frozenset[str]]]]:
    """For each URL name: the arguments to try and who may see the object behind them."""
    a, b = w.a, w.b
    line = FundingLine.objects.get(dossier=a)
    decide = open_task_of(line)
    scoring = scoring_of(b, w.personas["committee"])  # type: ignore[arg-type]
    scoring_task = open_task_of(scoring)
    instruction_b = b.task_set.filter(flow_task_type="HUMAN", status="NEW").first()
    journey_task = a.source_journey.task_set.filter(flow_task_type="HUMAN").first()
    note = Notification.objects.filter(recipient=a.holder.user).first()
    assert note is not None
    assert instruction_b is not None
    assert journey_task is not None
    session = a.committee_session_id or b.committee_session_id
    export_job = stored_export(cast(User, w.personas["staff"]))
    x = a.project.support_organisation
    assert x is not None

    def both(kind: Callable[[World, str], frozenset[str]], pk_a: int, pk_b: int) -> list[Any]:
        return [([pk_a], kind(w, "a")), ([pk_b], kind(w, "b"))]

    app = both(application_viewers, a.pk, b.pk)
    journey = both(dossier_viewers, a.source_journey_id, b.source_journey_id)
    project = both(dossier_viewers, a.project_id, b.project_id)
    structure_a, structure_b = a.project.structure_id, b.project.structure_id
    structure = both(dossier_viewers, structure_a or 0, structure_b or 0)
    committee_session = [([session], STAFF | {"committee", "committee_conflicted"})]
    staff_only_app = [([a.pk], STAFF), ([b.pk], STAFF)]
    doc_a, doc_b = stored_document(a), stored_document(b)
    # Members who score a dossier read its documents (never its page); the member who
    # withdrew from B reads A's, which they scored, and not B's.
    document = [
        ([doc_a.public_id], application_viewers(w, "a") | {"committee", "committee_conflicted"}),
        ([doc_b.public_id], application_viewers(w, "b") | {"committee"}),
    ]
    # The Comité métropolitain: MEL staff and the steering organisations (the lab here).
    comite = comite_meeting_plan(
        starts_at=timezone.now() + datetime.timedelta(days=10),
        place="Hôtel de la Métropole",
        actor=w.personas["staff"],  # type: ignore[arg-type]
    )
    semester_report_generate(meeting=comite, actor=w.personas["staff"])  # type: ignore[arg-type]
    comite_readers = [([comite.pk], STAFF | {"reader"})]
    return {
        "steering:comite_meeting": comite_readers,
        "steering:comite_report": comite_readers,
        "steering:comite_report_pdf": comite_readers,
        "steering:comite_report_generate": comite_readers,
        "steering:comite_report_approve": comite_readers,
        # Applicants' side
        "applicants:structure_detail": structure,
        "applicants:structure_update": structure,
        "applicants:project_detail": project,
        "applicants:project_update": project,
        "applicants:qpv_declaration": project,
        "applicants:qpv_verification": [([a.project_id], STAFF), ([b.project_id], STAFF)],
        # Journeys
        "workflows:journey_detail": journey,
        "workflows:dossier_status": journey,
        "workflows:journey_chart": [([a.source_journey_id], STAFF), ([b.source_journey_id], STAFF)],
        "workflows:support_session_add": journey,
        "workflows:support_plan_update": journey,
        "workflows:withdraw": journey,
        "workflows:message_post": journey,
        "workflows:note_post": journey,
        "workflows:application_open": journey,
        # One route for every step, each checked on its own dossier.
        "workflows:task": [
            ([journey_task.pk], dossier_viewers(w, "a")),
            ([instruction_b.pk], STAFF),
            ([scoring_task.pk], STAFF | {"committee"}),
            ([decide.pk], STAFF | {"financier_f"}),
        ],
        # Applications
        "workflows:application_detail": app,
        "workflows:application_chart": staff_only_app,
        "workflows:application_edit": app,
        "workflows:application_mandate": app,
        "workflows:application_withdraw": app,
        "workflows:application_letter": app,
        "workflows:application_financing_add": app,
        "workflows:decision_letter": app,
        "workflows:convention_pdf": app,
        "workflows:application_conditions_met": staff_only_app,
        "workflows:application_close_unpaid": staff_only_app,
        # Bank details: the holder and staff only, never the organisations that see the dossier.
        "workflows:bank_details": [([a.pk], STAFF | {"holder_a"}), ([b.pk], STAFF | {"holder_b"})],
        "workflows:bank_details_request": staff_only_app,
        "workflows:application_move_session": staff_only_app,
        "workflows:funding_line_cancel": [([a.pk, line.pk], STAFF)],
        "workflows:conflict_declare": [([b.pk], STAFF | {"committee", "committee_conflicted"})],
        "workflows:session_agenda": committee_session,
        "workflows:session_minutes": committee_session,
        # Documents
        "documents:application": app,
        "documents:download": document,
        "documents:delete": document,
        # Accounts and notifications
        "accounts:organisation_detail": [([x.slug], STAFF | {"incubator_x"})],
        "accounts:password_reset_confirm": [(["AA", "bad-token"], EVERYONE)],
        # Public: the link e-mailed after a first contact (its token is the only key).
        "workflows:first_contact_confirm": [(["bad-token"], EVERYONE)],
        "notifications:open": [([note.pk], frozenset({"holder_a"}))],
        "notifications:resend": [([note.pk], STAFF)],
        "workflows:flow_bpmn": [(["candidature"], STAFF)],
        # Open data: public files, the same for everyone (no dossier behind a year).
        "opendata:csv": [([2025], EVERYONE)],
        "opendata:json": [([2025], EVERYONE)],
        # Exports: each list for the teams, its rows checked as on its page
        # (tests/exports); the QPV queue for MEL staff; a job's file for its owner only.
        "exports:export": [
            ([name], TEAMS)
            for name in (
                "candidatures",
                "parcours",
                "projets",
                "seances",
                "organisations",
                "mes-taches",
            )
        ]
        + [(["qpv-a-verifier"], STAFF)],
        "exports:download": [([export_job.pk], frozenset({"staff"}))],
        # The partners' API (signed-in people read it through their session, same policy).
        "api:v1:dossier-detail": app,
        "api:v1:decision-detail": [([Deliberation.objects.get(application=a).pk], app[0][1])],
        "api:v1:funding-line-detail": [([line.pk], STAFF | {"financier_f"})],
        "api:v1:tranche-detail": [([999999], frozenset())],  # no tranche yet: 404 for all
        # The information notice: every published version is public.
        "privacy:notice_version": [(["2026-11"], EVERYONE), (["2026-12"], EVERYONE)],
    }


# Pages without arguments: who may open them, and which dossiers they may show. -----------

LIST_PAGES = {
    "home": EVERYONE,
    "workflows:first_contact": EVERYONE,
    "accessibility": EVERYONE,
    "workflows:inbox": SIGNED_IN,
    "workflows:journey_list": SIGNED_IN,
    "workflows:application_list": SIGNED_IN,
    "workflows:application_batch": STAFF,  # POST only; each dossier checked again
    # The row-level extract is the lab's, not the Comité's (POST downloads: tests/steering).
    "steering:lab_dataset": STAFF | {"lab"},
    "steering:indicators": STAFF | {"reader", "lab"},
    "steering:indicators_recompute": STAFF,  # POST only
    "applicants:space": SIGNED_IN,
    "applicants:person_details": SIGNED_IN,  # one's own details only (applicants get in)
    "applicants:structure_create": SIGNED_IN,
    "applicants:project_list": SIGNED_IN,
    "applicants:project_create": SIGNED_IN,
    "applicants:qpv_queue": STAFF,
    "reviewers:session_list": SIGNED_IN,
    "notifications:list": SIGNED_IN,
    "notifications:read_all": SIGNED_IN,
    "notifications:preferences": SIGNED_IN,
    "accounts:login": EVERYONE,
    "accounts:login_code": EVERYONE,
    "accounts:security": SIGNED_IN,
    "accounts:logout": EVERYONE,
    "accounts:password_change": SIGNED_IN,
    "accounts:password_reset": EVERYONE,
    "accounts:password_reset_done": EVERYONE,
    "accounts:organisation_list": SIGNED_IN,
    "steering:comite_list": STAFF | {"reader"},
    "opendata:index": EVERYONE,
    "exports:jobs": TEAMS,
    "api:schema": EVERYONE,
    "api:docs": EVERYONE,
    "api:v1:dossier-list": SIGNED_IN,  # filtered per object, like the pages' lists
    "api:v1:decision-list": SIGNED_IN,
    "api:v1:funding-line-list": SIGNED_IN,
    "api:v1:tranche-list": SIGNED_IN,
    "api:v1:indicators": STAFF | {"reader", "lab"},
    # Personal data: the retention rules and runs, and the dry run (POST only).
    "privacy:retention": DPO,
    "privacy:retention_simulate": DPO,
    # Personal data: the notice is public; « Mes données personnelles » is about the
    # signed-in person only (tests/privacy); the export of anyone by e-mail is the DPO's
    # (``accounts.export_user``: the DPO and the administrator).
    "privacy:notice": EVERYONE,
    "privacy:my_data": SIGNED_IN,
    "privacy:my_data_export": SIGNED_IN,  # POST only: one's own export
    "privacy:sharing": frozenset({"holder_a", "holder_b"}),
    "privacy:newsletter": SIGNED_IN,  # POST only; refused to non-applicants
    "privacy:dpo_request": SIGNED_IN,
    "privacy:dpo_search": DPO,
    "privacy:dpo_export": DPO,  # POST only
}


def _sees(w: World, persona: str, side: str) -> bool:
    # Both dossiers were on the committee's agenda: its members know their titles (the
    # agenda, their scoring tasks, the notices); nothing more (checked on the pages above).
    committee = persona in ("committee", "committee_conflicted")
    return persona in application_viewers(w, side) or committee


def _client(w: World, persona: str) -> Client:
    client = Client()
    user = w.personas[persona]
    if user is not None:
        client.force_login(user)
    return client


def _refused(status: int, location: str) -> bool:
    # 401: the API's answer to a request with neither key nor session.
    return status in (401, 403, 404, 405) or (status == 302 and "/compte/connexion/" in location)


def test_every_url_for_every_persona_against_own_and_foreign_objects(world: World) -> None:
    w = world
    all_urls = _walk(get_resolver().url_patterns)
    ours = [(name, p) for name, p in all_urls if not name.startswith("admin:")]
    table = targets(w)
    unclassified = sorted(name for name, _ in ours if name not in table and name not in LIST_PAGES)
    assert unclassified == [], f"URLs nobody has classified: {unclassified}"

    for persona in sorted(EVERYONE):
        client = _client(w, persona)
        for name, cases in table.items():
            for args, viewers in cases:
                url = reverse(name, args=args)
                response = client.get(url)
                if response.streaming:  # a served file: read to the end, which closes it
                    b"".join(cast(Any, response).streaming_content)
                w.cells += 1
                if persona not in viewers and 200 <= response.status_code < 300:
                    w.failures.append(f"GET {name} {args} as {persona}: {response.status_code}")
        for name, allowed in LIST_PAGES.items():
            if name in ("accounts:logout", "notifications:read_all"):
                continue  # POST-only actions on one's own session or notifications
            response = client.get(reverse(name))
            w.cells += 1
            status = response.status_code
            if persona not in allowed and 200 <= status < 300:
                w.failures.append(f"GET {name} as {persona}: {status}")
            if 200 <= status < 300:
                page = response.content.decode()
                for side, title in (("a", TITLE_A), ("b", TITLE_B)):
                    if title in page and not _sees(w, persona, side):
                        w.failures.append(f"{name} shows dossier {side} to {persona}")

    # POST endpoints must refuse whoever may not see their object (nothing done).
    for persona in sorted(EVERYONE):
        client = _client(w, persona)
        for name, cases in table.items():
            for args, viewers in cases:
                if persona in viewers:
                    continue
                response = client.post(reverse(name, args=args), {})
                w.cells += 1
                if not _refused(response.status_code, response.get("Location", "")):
                    w.failures.append(
                        f"POST {name} {args} as {persona}: {response.status_code} "
                        f"{response.get('Location', '')}"
                    )

    # The admin: only MEL staff (with model permissions) and administrators get in.
    admin_urls = [
        name for name, p in all_urls if name.startswith("admin:") and not p.pattern.regex.groups
    ]
    for persona in sorted(EVERYONE - STAFF):
        client = _client(w, persona)
        for name in admin_urls:
            if name in ("admin:logout", "admin:login", "admin:jsi18n"):
                continue
            response = client.get(reverse(name))
            w.cells += 1
            if 200 <= response.status_code < 300:
                w.failures.append(f"GET {name} as {persona}: {response.status_code}")

    # The figures are the point of this test: shown with pytest -s and in CI logs.
    print(f"access matrix: {w.cells} cells tried, {len(w.failures)} unauthorised")  # noqa: T201
    print("\n".join(w.failures))  # noqa: T201
    assert w.failures == []
