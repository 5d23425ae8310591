"""The flows as a state machine: random sequences of the personas' real actions, through the
real services and ``workflows.engine.task_perform`` (no mocks), with the invariants checked
after every step.

The world (MEL staff, two incubators, a committee with its sessions, the programme's grant
financier with two signatories, a partner bank) is built once per test by the real services;
each Hypothesis example runs in a savepoint rolled back at its end, so every example starts
from that same world. An ``@initialize`` step may first bring one dossier to a later stage
by the same actions, so that short examples still reach the committee, the funding lines,
the tranches and the reports. Each action runs in a savepoint of its own, as a request
would run in a transaction of its own; a refused action must leave everything as it was.

Runs:

    # the small, reproducible run of ``make test`` (derandomized, 20 examples of up to 30 steps)
    .venv/bin/python -m pytest tests/workflows/test_state_machine.py -q

    # the full run: 2 000 examples of up to 40 steps (random seeds; about an hour)
    HYPOTHESIS_PROFILE=full .venv/bin/python -m pytest tests/workflows/test_state_machine.py -q

    # a quick look for new failures: random examples, the first failure shown unshrunk
    HYPOTHESIS_PROFILE=explore SM_EXAMPLES=200 .venv/bin/python -m pytest \
        tests/workflows/test_state_machine.py -q

    # on PostgreSQL
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mel_ess_sm .venv/bin/python -m pytest \
        tests/workflows/test_state_machine.py -q

A failure prints the shortest sequence of steps found (``state.<rule>(...)`` lines) and, in
the full profile, a ``@reproduce_failure`` blob to replay it.
"""

from __future__ import annotations

import datetime
import logging
import os
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Exists, Max, OuterRef, Q, Sum
from django.utils import timezone
from guardian.models import GroupObjectPermission, UserObjectPermission
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from stdnum import luhn
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import PROCESS, STATUS
from viewflow.workflow.timers import fire_due_timers

from accounts.exceptions import ApplicationError
from accounts.models import Organisation, OrganisationKind, User
from accounts.policy import PERSONA_OF_KIND, Persona, Scope, allows
from accounts.services import membership_add
from applicants.models import Commune, Project
from applicants.services import structure_save
from audit.models import AuditAction, AuditRecord
from audit.selectors import audit_chain_break
from funding.flows import FundingLineFlow
from funding.models import Convention, FollowUpReport, FundingLine, LineState, Programme, Tranche
from funding.selectors import scoring_grid
from reviewers.flows import ScoringFlow
from reviewers.models import (
    CommitteeSession,
    ConflictDeclaration,
    Deliberation,
    Outcome,
    Scoring,
    SessionStatus,
)
from reviewers.services.sessions import committee_session_create
from tests.factories.accounts import UserFactory, make_organisation
from tests.factories.applicants import commune as make_commune
from workflows.application.flows import ApplicationFlow
from workflows.application.services import FIELD_LABELS, checklist_documents, rule_version_for
from workflows.engine import OPEN_STATUSES, TaskNotOpen, task_can_act, task_perform
from workflows.journey.flows import JourneyFlow, first_contact_submit
from workflows.journey.services import FirstContact
from workflows.models import (
    Application,
    ApplicationStatus,
    Journey,
    JourneyStage,
    Mandate,
    Orientation,
    OrientationOutcome,
)

pytestmark = pytest.mark.django_db

# Profiles -----------------------------------------------------------------------------------

settings.register_profile(
    "state-machine",
    max_examples=20,
    stateful_step_count=30,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=False,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
settings.register_profile(
    "state-machine-full",
    max_examples=2000,
    stateful_step_count=40,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def profile() -> settings:
    """``HYPOTHESIS_PROFILE=full`` selects the long run; anything else the small one."""
    if os.environ.get("HYPOTHESIS_PROFILE") == "explore":  # random, no shrinking: quick
        from hypothesis import Phase

        return settings(
            settings.get_profile("state-machine-full"),
            phases=[Phase.explicit, Phase.generate],
            max_examples=int(os.environ.get("SM_EXAMPLES", "200")),
        )
    full = os.environ.get("HYPOTHESIS_PROFILE", "") in ("full", "state-machine-full")
    return settings.get_profile("state-machine-full" if full else "state-machine")


# The world ----------------------------------------------------------------------------------

OPEN = list(OPEN_STATUSES)
ALIVE = [STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED, STATUS.SCHEDULED]
IBAN = "FR7630006000011234567890189"
NOTE = "Projet solide, porté par une équipe expérimentée ; budget réaliste."
AMOUNTS = (Decimal(8000), Decimal(12000), Decimal(18000), Decimal(25000))


@dataclass(frozen=True)
class World:
    """Primary keys of the personas and organisations every example starts with."""

    commune: str  # INSEE code, the key of a commune
    staff: int
    incubators: tuple[int, ...]
    incubator_members: dict[int, tuple[int, ...]]
    committee: int
    committee_members: tuple[int, ...]
    grant_financier: int
    bank: int
    financier_members: dict[int, tuple[int, ...]]
    programme: int

    def staff_user(self) -> User:
        return User.objects.get(pk=self.staff)

    def persona_pks(self) -> list[int]:
        """Everyone with a role, MEL staff first (most steps are theirs)."""
        pks = [self.staff, *self.committee_members]
        for members in (*self.incubator_members.values(), *self.financier_members.values()):
            pks += members
        return pks


def _member(organisation: Organisation, email: str) -> int:
    user = UserFactory.create(email=email)
    membership_add(organisation=organisation, user=user)
    return user.pk


def build_world() -> World:
    """The organisations and their people, made by the real services."""
    call_command("load_programme_rules", verbosity=0)
    roubaix = make_commune("59512", "Roubaix")
    team = make_organisation("Équipe ESS de la MEL", OrganisationKind.MEL_TEAM)
    staff = UserFactory.create(email="chargee@mel.example.org")
    membership_add(organisation=team, user=staff, role="lead")
    incubators = [
        make_organisation(f"Incubateur {name}", OrganisationKind.SUPPORT) for name in "XY"
    ]
    committee = make_organisation("Comité Entreprendre Autrement", OrganisationKind.COMMITTEE)
    grant = make_organisation("Financeur solidaire F", OrganisationKind.FINANCIER)
    bank = make_organisation("Banque solidaire G", OrganisationKind.FINANCIER)
    programme = Programme.objects.get(slug="entreprendre-autrement")
    Programme.objects.filter(pk=programme.pk).update(grant_financier=grant)
    world = World(
        commune=roubaix.pk,
        staff=staff.pk,
        incubators=tuple(o.pk for o in incubators),
        incubator_members={
            o.pk: (_member(o, f"conseil@incubateur-{o.pk}.example.org"),) for o in incubators
        },
        committee=committee.pk,
        committee_members=(
            _member(committee, "membre1@comite.example.org"),
            _member(committee, "membre2@comite.example.org"),
        ),
        grant_financier=grant.pk,
        bank=bank.pk,
        financier_members={
            grant.pk: (
                _member(grant, "analyste@financeur-f.example.org"),
                _member(grant, "directrice@financeur-f.example.org"),
            ),
            bank.pk: (_member(bank, "analyste@banque-g.example.org"),),
        },
        programme=programme.pk,
    )
    for days in (20, 60):
        schedule_session(world, days_ahead=days)
    DossierMachine.world = world
    builder = DossierMachine(in_savepoint=False, prefix="dossier")
    for depth, amount, co_financing, outcome in WORLD_DOSSIERS:
        builder.a_dossier_already_under_way(
            depth=depth, amount=amount, co_financing=co_financing, outcome=outcome
        )
    for days in (20, 60):  # sessions to come, for the dossiers still on their way
        schedule_session(world, days_ahead=days)
    return world


def schedule_session(world: World, *, days_ahead: int) -> CommitteeSession:
    return committee_session_create(
        committee=Organisation.objects.get(pk=world.committee),
        programme=Programme.objects.get(pk=world.programme),
        starts_at=timezone.now() + datetime.timedelta(days=days_ahead),
        place="Hôtel de la Métropole, Lille",
    )


def valid_siret(n: int) -> str:
    """A SIRET that passes the checks (SIREN and SIRET Luhn keys), different for each ``n``."""
    siren = luhn.calc_check_digit(f"{n + 10_000_000:08d}")
    siren = f"{n + 10_000_000:08d}{siren}"
    nic = "0000"
    return f"{siren}{nic}{luhn.calc_check_digit(siren + nic)}"


# Reading the state --------------------------------------------------------------------------


def node_key(node: Any) -> str:
    return f"{node.flow_class.__name__}.{node.name}"


@dataclass
class Snapshot:
    """What the preconditions need, read in a few queries once per step."""

    open_steps: dict[str, list[tuple[int, int]]] = field(default_factory=dict)  # task, process
    closed_steps: list[int] = field(default_factory=list)
    journeys: list[tuple[int, str, int]] = field(default_factory=list)  # pk, stage, holder
    applications: list[tuple[int, str, int]] = field(default_factory=list)  # pk, stage, journey
    lines: list[tuple[int, str]] = field(default_factory=list)  # pk, state
    timed_processes: list[int] = field(default_factory=list)
    future_sessions: list[int] = field(default_factory=list)

    @classmethod
    def read(cls) -> Snapshot:
        snap = cls()
        human = Task.objects.filter(flow_task_type="HUMAN")
        for pk, process_pk, node in human.filter(status__in=OPEN).values_list(
            "pk", "process_id", "flow_task"
        ):
            snap.open_steps.setdefault(node_key(node), []).append((pk, process_pk))
        snap.closed_steps = list(
            human.filter(status__in=[STATUS.DONE, STATUS.CANCELED])
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        snap.journeys = list(Journey.objects.order_by("pk").values_list("pk", "stage", "holder"))
        snap.applications = list(
            Application.objects.order_by("pk").values_list("pk", "stage", "source_journey")
        )
        snap.lines = list(FundingLine.objects.order_by("pk").values_list("pk", "state"))
        snap.timed_processes = sorted(
            set(Task.objects.filter(status=STATUS.SCHEDULED).values_list("process_id", flat=True))
        )
        snap.future_sessions = list(
            CommitteeSession.objects.filter(
                status=SessionStatus.PLANNED, starts_at__gt=timezone.now()
            )
            .order_by("starts_at")
            .values_list("pk", flat=True)
        )
        return snap

    def steps(self, key: str) -> list[tuple[int, int]]:
        return sorted(self.open_steps.get(key, []))

    def apps_in(self, *stages: str) -> list[int]:
        return [pk for pk, stage, _ in self.applications if stage in stages]


def pick(items: list[Any], index: int) -> Any:
    return items[index % len(items)]


def fingerprint() -> tuple[Any, ...]:
    """Everything a refused action must leave as it was."""
    tasks = Task.objects.aggregate(
        n=Count("pk"),
        last=Max("pk"),
        done=Count("pk", filter=Q(status=STATUS.DONE)),
        open=Count("pk", filter=Q(status__in=OPEN)),
        owned=Count("pk", filter=Q(owner__isnull=False)),
    )
    return (
        tuple(tasks.values()),
        tuple(Process.objects.order_by("pk").values_list("pk", "status")),
        tuple(Journey.objects.order_by("pk").values_list("pk", "stage")),
        tuple(Application.objects.order_by("pk").values_list("pk", "stage", "committee_session")),
        tuple(FundingLine.objects.order_by("pk").values_list("pk", "state", "decided_amount")),
        Tranche.objects.filter(released_at__isnull=False).count(),
        AuditRecord.objects.aggregate(Max("seq"))["seq__max"],
        GroupObjectPermission.objects.count(),
    )


class TimerCrashed(AssertionError):
    pass


@contextmanager
def timer_errors() -> Iterator[list[logging.LogRecord]]:
    """Collect what viewflow's timer sweep logs and swallows (a timer that raised)."""
    records: list[logging.LogRecord] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Collect(level=logging.WARNING)
    logger = logging.getLogger("viewflow.workflow.timers")
    logger.addHandler(handler)
    try:
        yield records
    finally:
        logger.removeHandler(handler)


# The machine --------------------------------------------------------------------------------

J, A = "JourneyFlow", "ApplicationFlow"
SC, FL = "ScoringFlow", "FundingLineFlow"
REPORT_STEPS = (f"{A}.report", f"{A}.report_late", f"{A}.report_escalated")
COMPLEMENT_STEPS = (f"{A}.complements", f"{A}.complements_grace")
MAX_CONTACTS = 4  # first contacts per example (the world has its own dossiers)
# The dossiers of the world, under way at these stages when every example starts.
WORLD_DOSSIERS = (
    ("submitted", AMOUNTS[1], False, Outcome.FAVOURABLE),
    ("on_agenda", AMOUNTS[2], True, Outcome.FAVOURABLE),
    ("funding", AMOUNTS[2], True, Outcome.WITH_CONDITIONS),
    ("follow_up", AMOUNTS[1], False, Outcome.FAVOURABLE),
)
DEPTHS = ("none", "triage", "ready", "submitted", "on_agenda", "funding", "follow_up")


class DossierMachine(RuleBasedStateMachine):
    """Personas acting at random on the dossiers, each only through their real actions."""

    world: ClassVar[World]
    reached: ClassVar[Counter[str]] = Counter()  # open steps seen, over all examples

    def __init__(self, *, in_savepoint: bool = True, prefix: str = "porteur") -> None:
        super().__init__()
        self._atomic = transaction.atomic()
        if in_savepoint:  # each example; the world builder (below) acts for good instead
            self._atomic.__enter__()
        self._snap: Snapshot | None = None
        self._prefix = prefix
        self._contacts = 0
        self._seen: set[str] = set()
        self._someone_may_act: set[tuple[Any, ...]] = set()

    def teardown(self) -> None:
        self.reached.update(self._seen)
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    # Helpers ---------------------------------------------------------------------------

    @property
    def snap(self) -> Snapshot:
        if self._snap is None:
            self._snap = Snapshot.read()
        return self._snap

    def _has(self, key: str) -> bool:
        return bool(self.snap.open_steps.get(key))

    def _changed(self) -> None:
        self._snap = None

    def _attempt(self, action: Callable[[], Any]) -> bool:
        """Run an action as one request would (its own transaction); a refusal (business
        rule or permission) must change nothing at all. Returns whether it went through."""
        self._changed()
        before = fingerprint()
        refusal: Exception | None = None
        try:
            with transaction.atomic():
                action()
        except (ApplicationError, PermissionDenied) as error:
            refusal = error
        finally:
            self._changed()
        if refusal is not None:
            assert fingerprint() == before, f"refused ({refusal}) yet something changed"
        return refusal is None

    def _must(self, action: Callable[[], Any]) -> None:
        """An action the rules allow: refusing it would be a bug."""
        self._changed()
        try:
            with transaction.atomic():
                action()
        finally:
            self._changed()

    def _step(self, task_pk: int, user_pk: int, action: Callable[[Any, User], Any]) -> Any:
        """Complete a step through the engine, as ``user``."""
        task = Task.objects.get(pk=task_pk)
        user = User.objects.get(pk=user_pk)
        return task_perform(task=task, user=user, perform=lambda process: action(process, user))

    def _open_step(self, key: str, process_pk: int) -> int:
        return next(task for task, process in self.snap.steps(key) if process == process_pk)

    def _index(self, key: str, process_pk: int) -> int:
        """Where the open step of ``process_pk`` is in the list a rule picks from."""
        return [process for _, process in self.snap.steps(key)].index(process_pk)

    @staticmethod
    def _holder(process: Journey | Application) -> int:
        return int(process.holder_id)

    # Journey ---------------------------------------------------------------------------

    def _first_contact(self, *, email: str, with_structure: bool = True) -> Journey:
        self._contacts += 1
        n = self._contacts
        contact = FirstContact(
            email=email,
            first_name="Nadia",
            last_name=f"Porteuse {n}",
            phone="06 11 22 33 44",
            title=f"Cantine solidaire {n}",
            summary="Une cantine de quartier à prix libre.",
            sector="food",
            stage="emergence",
            needs="Trouver un local et construire mon budget.",
            commune=Commune.objects.get(pk=self.world.commune),
            structure_name=f"Cantine {n}" if with_structure else "",
            siret=valid_siret(n + 1000 * (self._prefix != "porteur")) if with_structure else "",
        )
        return first_contact_submit(contact=contact).journey

    @precondition(lambda self: self._contacts < MAX_CONTACTS)
    @rule(with_structure=st.booleans(), returning=st.integers(0, 6))
    def first_contact(self, with_structure: bool, returning: int) -> None:
        """A new person writes in; sometimes someone already known (same e-mail), whose
        journey under way must then take the contact instead of a second journey."""
        holders = [holder for _, _, holder in self.snap.journeys]
        known = returning < len(holders)
        email = (
            User.objects.get(pk=holders[returning]).email
            if known
            else f"{self._prefix}{self._contacts + 1}@example.org"
        )
        self._must(lambda: self._first_contact(email=email, with_structure=with_structure))

    def _triage(self, journey_pk: int, organisation_pk: int | None) -> None:
        from workflows.journey.services import journey_triage

        organisation = Organisation.objects.get(pk=organisation_pk) if organisation_pk else None
        self._step(
            self._open_step(f"{J}.triage", journey_pk),
            self.world.staff,
            lambda journey, user: journey_triage(
                journey=journey,
                actor=user,
                organisation=organisation,
                redirect_reason="" if organisation else "Projet hors du champ de l'ESS.",
                redirect_guidance="" if organisation else "La CCI de Lille.",
            ),
        )

    @precondition(lambda self: self._has(f"{J}.triage"))
    @rule(which=st.integers(0, 5), incubator=st.integers(0, 1))
    def staff_orients_to_an_incubator(self, which: int, incubator: int) -> None:
        _, journey = pick(self.snap.steps(f"{J}.triage"), which)
        self._must(lambda: self._triage(journey, self.world.incubators[incubator]))

    @precondition(lambda self: self._has(f"{J}.triage"))
    @rule(which=st.integers(0, 5))
    def staff_redirects_elsewhere(self, which: int) -> None:
        _, journey = pick(self.snap.steps(f"{J}.triage"), which)
        self._must(lambda: self._triage(journey, None))

    def _answer_orientation(self, journey_pk: int, accept: bool) -> None:
        from workflows.journey.services import journey_orientation_answer

        journey = Journey.objects.get(pk=journey_pk)
        assert journey.proposed_organisation_id is not None
        member = self.world.incubator_members[journey.proposed_organisation_id][0]
        self._step(
            self._open_step(f"{J}.orientation", journey_pk),
            member,
            lambda process, user: journey_orientation_answer(
                journey=process,
                actor=user,
                accept=accept,
                reason="" if accept else "Plus de place dans notre promotion.",
            ),
        )

    @precondition(lambda self: self._has(f"{J}.orientation"))
    @rule(which=st.integers(0, 5), accept=st.booleans())
    def incubator_answers_the_orientation(self, which: int, accept: bool) -> None:
        _, journey = pick(self.snap.steps(f"{J}.orientation"), which)
        self._must(lambda: self._answer_orientation(journey, accept))

    def _conclude_support(self, journey_pk: int, conclusion: str, amount: Decimal) -> None:
        from workflows.journey.services import journey_support_conclude

        journey = Journey.objects.get(pk=journey_pk)
        organisation = journey.project.support_organisation_id
        assert organisation is not None
        ready = conclusion == "ready"
        self._step(
            self._open_step(f"{J}.support", journey_pk),
            self.world.incubator_members[organisation][0],
            lambda process, user: journey_support_conclude(
                journey=process,
                actor=user,
                conclusion=conclusion,
                reason="" if ready else "Le projet s'arrête.",
                opinion="Projet solide, prêt à candidater." if ready else "",
                recommended_amount=amount if ready else None,
            ),
        )

    @precondition(lambda self: self._has(f"{J}.support"))
    @rule(
        which=st.integers(0, 5),
        conclusion=st.sampled_from(["ready", "ready", "abandoned", "not_ready"]),
        amount=st.sampled_from(AMOUNTS),
    )
    def incubator_concludes_the_support(self, which: int, conclusion: str, amount: Decimal) -> None:
        _, journey = pick(self.snap.steps(f"{J}.support"), which)
        self._must(lambda: self._conclude_support(journey, conclusion, amount))

    @precondition(lambda self: bool(self.snap.journeys))
    @rule(which=st.integers(0, 5))
    def applicant_withdraws_the_journey(self, which: int) -> None:
        """Allowed until the journey ends; refused (and harmless) afterwards."""
        from workflows.journey.services import CLOSED_STAGES, journey_withdraw

        pk, stage, holder = pick(self.snap.journeys, which)
        journey = Journey.objects.get(pk=pk)
        went = self._attempt(
            lambda: journey_withdraw(
                journey=journey, actor=User.objects.get(pk=holder), reason="Projet reporté."
            )
        )
        assert went == (stage not in CLOSED_STAGES), (stage, went)

    # Application: opening and filling ------------------------------------------------------

    def _ready_without_application(self) -> list[int]:
        opened = {journey for _, _, journey in self.snap.applications}
        return [
            pk
            for pk, stage, _ in self.snap.journeys
            if stage == JourneyStage.READY_TO_APPLY and pk not in opened
        ]

    def _open_application(self, journey_pk: int) -> Application:
        from workflows.application.flows import application_open

        journey = Journey.objects.get(pk=journey_pk)
        return application_open(journey=journey, actor=journey.holder.user)

    @precondition(lambda self: bool(self._ready_without_application()))
    @rule(which=st.integers(0, 5), twice=st.booleans())
    def applicant_opens_the_application(self, which: int, twice: bool) -> None:
        """Once per journey; a second opening (double click) is refused."""
        journey = pick(self._ready_without_application(), which)
        self._must(lambda: self._open_application(journey))
        if twice:
            assert not self._attempt(lambda: self._open_application(journey))

    def _values(
        self, application: Application, requested: Decimal, budget: Decimal, balanced: bool
    ) -> dict[str, Any]:
        values: dict[str, Any] = {
            "axis": "startup",
            "requested_amount": requested,
            "charges_total": budget,
            "produits_total": budget if balanced else budget - 1000,
            "jobs_planned_fte": Decimal(2),
            "social_utility": "Une cantine de quartier, avec des emplois d'insertion.",
        }
        return values

    def _upload_documents(self, application: Application) -> None:
        """The holder hands in a real file for each document still without one."""
        from django.core.files.uploadedfile import SimpleUploadedFile

        from documents.services import document_upload
        from tests.support import sample_files
        from workflows.application.services import editable_fields

        allowed = editable_fields(application=application)
        ticked = set(application.checklist_items.values_list("document__code", flat=True))
        for document in checklist_documents(application=application):
            if document.code in ticked or (
                allowed is not None and f"doc_{document.code}" not in allowed
            ):
                continue
            document_upload(
                application=application,
                actor=application.holder.user,
                code=document.code,
                uploaded_file=SimpleUploadedFile(f"{document.code}.pdf", sample_files.pdf()),
            )

    def _save_draft(
        self,
        application_pk: int,
        *,
        requested: Decimal | None = None,
        budget: Decimal = Decimal(100000),
        balanced: bool = True,
        only: set[str] | None = None,
    ) -> None:
        from workflows.application.drafts import application_save_draft

        application = Application.objects.get(pk=application_pk)
        amount = requested or application.requested_amount or AMOUNTS[0]
        values = self._values(application, amount, budget, balanced)
        if only is not None:
            values = {k: v for k, v in values.items() if k in only}
        application_save_draft(
            application=application, actor=application.holder.user, values=values
        )
        self._upload_documents(application)

    @precondition(lambda self: bool(self.snap.applications))
    @rule(
        which=st.integers(0, 5),
        requested=st.sampled_from((*AMOUNTS, Decimal(35000))),
        budget=st.sampled_from((Decimal(60000), Decimal(100000))),
        balanced=st.booleans(),
    )
    def applicant_saves_a_draft(
        self, which: int, requested: Decimal, budget: Decimal, balanced: bool
    ) -> None:
        """Editable while a draft, while adjourned, and (the asked items) while incomplete;
        refused at every other stage."""
        pk, stage, _ = pick(self.snap.applications, which)
        editable = stage in (
            ApplicationStatus.DRAFT,
            ApplicationStatus.ADJOURNED,
            ApplicationStatus.INCOMPLETE,
        )
        went = self._attempt(
            lambda: self._save_draft(pk, requested=requested, budget=budget, balanced=balanced)
        )
        if stage != ApplicationStatus.INCOMPLETE:  # asked items may be none of these
            assert went == editable, (stage, went)

    @precondition(lambda self: bool(self.snap.apps_in(ApplicationStatus.DRAFT)))
    @rule(which=st.integers(0, 5), amount=st.sampled_from(AMOUNTS))
    def applicant_adds_a_partner_co_financing(self, which: int, amount: Decimal) -> None:
        from workflows.application.services import financing_line_add

        application = Application.objects.get(
            pk=pick(self.snap.apps_in(ApplicationStatus.DRAFT), which)
        )
        bank = Organisation.objects.get(pk=self.world.bank)
        self._must(
            lambda: financing_line_add(
                application=application,
                actor=application.holder.user,
                financier_name="",
                instrument="PRET_SOLIDAIRE",
                amount=amount,
                organisation=bank,
            )
        )

    def _submit(self, task_pk: int) -> None:
        from workflows.application.services import application_submit

        task = Task.objects.get(pk=task_pk)
        application = Application.objects.get(pk=task.process_id)
        self._step(
            task_pk,
            self._holder(application),
            lambda process, user: application_submit(application=process, actor=user),
        )

    @precondition(lambda self: self._has(f"{A}.fill"))
    @rule(which=st.integers(0, 5))
    def applicant_submits(self, which: int) -> None:
        """Refused, with nothing changed, while something is missing or out of the caps."""
        from workflows.application.services import application_missing

        task, pk = pick(self.snap.steps(f"{A}.fill"), which)
        missing = application_missing(application=Application.objects.get(pk=pk))
        went = self._attempt(lambda: self._submit(task))
        assert went == (not missing), missing

    @precondition(lambda self: bool(self.snap.apps_in(ApplicationStatus.DRAFT)))
    @rule(which=st.integers(0, 5), revoke=st.booleans())
    def applicant_grants_or_revokes_a_mandate(self, which: int, revoke: bool) -> None:
        """The incubator may fill in for the holder while the mandate lasts."""
        from workflows.application.services import mandate_grant, mandate_revoke

        application = Application.objects.get(
            pk=pick(self.snap.apps_in(ApplicationStatus.DRAFT), which)
        )
        action = mandate_revoke if revoke else mandate_grant
        self._attempt(lambda: action(application=application, actor=application.holder.user))

    # Completeness, complements, eligibility ------------------------------------------------

    @precondition(lambda self: self._has(f"{A}.completeness"))
    @rule(
        which=st.integers(0, 5),
        complete=st.booleans(),
        items=st.lists(st.sampled_from(sorted(FIELD_LABELS)), min_size=1, max_size=3, unique=True),
    )
    def staff_checks_completeness(self, which: int, complete: bool, items: list[str]) -> None:
        from workflows.application.checks import application_completeness

        task, _ = pick(self.snap.steps(f"{A}.completeness"), which)
        self._must(
            lambda: self._step(
                task,
                self.world.staff,
                lambda process, user: application_completeness(
                    application=process,
                    actor=user,
                    complete=complete,
                    items=items,
                    message="Merci de préciser ces éléments.",
                ),
            )
        )

    @precondition(lambda self: any(self._has(key) for key in COMPLEMENT_STEPS))
    @rule(which=st.integers(0, 5))
    def applicant_sends_the_complements(self, which: int) -> None:
        steps = sorted(s for key in COMPLEMENT_STEPS for s in self.snap.steps(key))
        task, pk = pick(steps, which)
        self._must(lambda: self._save_draft(pk))
        from workflows.application.services import application_missing

        missing = application_missing(application=Application.objects.get(pk=pk))
        went = self._attempt(lambda: self._submit(task))
        assert went == (not missing), missing

    def _eligibility(self, task_pk: int, eligible: bool) -> None:
        from workflows.application.checks import application_eligibility_decide

        self._step(
            task_pk,
            self.world.staff,
            lambda process, user: application_eligibility_decide(
                application=process,
                actor=user,
                eligible=eligible,
                reasons="" if eligible else "Activité hors du champ du règlement.",
            ),
        )

    @precondition(lambda self: self._has(f"{A}.eligibility"))
    @rule(which=st.integers(0, 5), eligible=st.booleans())
    def staff_decides_eligibility(self, which: int, eligible: bool) -> None:
        """Declaring eligible is refused while a rule of the version fails."""
        from workflows.application.checks import application_eligibility_checks

        task, pk = pick(self.snap.steps(f"{A}.eligibility"), which)
        checks = application_eligibility_checks(Application.objects.get(pk=pk))
        went = self._attempt(lambda: self._eligibility(task, eligible))
        assert went == (not eligible or all(c.passed for c in checks)), checks

    # Committee -----------------------------------------------------------------------------

    def _instruct(self, task_pk: int, session_pk: int) -> None:
        from reviewers.services.selection import application_instruct

        session = CommitteeSession.objects.get(pk=session_pk)
        self._step(
            task_pk,
            self.world.staff,
            lambda process, user: application_instruct(
                application=process, actor=user, session=session, note=NOTE
            ),
        )

    @precondition(lambda self: self._has(f"{A}.instruction"))
    @rule(which=st.integers(0, 5), keep=st.booleans(), other=st.integers(0, 3))
    def staff_writes_the_instruction_note(self, which: int, keep: bool, other: int) -> None:
        """On the dossier's session if it still takes dossiers, or on another one to come."""
        task, pk = pick(self.snap.steps(f"{A}.instruction"), which)
        current = Application.objects.get(pk=pk).committee_session_id
        future = self.snap.future_sessions
        if keep and current in future:
            session = current
        elif future:
            session = pick(future, other)
        else:
            self.staff_schedules_a_session(days=30)
            session = Snapshot.read().future_sessions[0]
        self._must(lambda: self._instruct(task, session))

    @precondition(lambda self: len(self.snap.future_sessions) < 2)
    @rule(days=st.sampled_from((10, 45, 90)))
    def staff_schedules_a_session(self, days: int) -> None:
        self._must(lambda: schedule_session(self.world, days_ahead=days))

    @precondition(lambda self: bool(self.snap.future_sessions))
    @rule(which=st.integers(0, 3))
    def the_committee_meets(self, which: int) -> None:
        """Time passes: a session begins (deliberations are recorded from then on)."""
        session = pick(self.snap.future_sessions, which)
        self._changed()
        CommitteeSession.objects.filter(pk=session).update(
            starts_at=timezone.now() - datetime.timedelta(minutes=5)
        )

    @precondition(lambda self: self._has(f"{SC}.score"))
    @rule(which=st.integers(0, 5), level=st.integers(0, 4))
    def member_scores_the_dossier(self, which: int, level: int) -> None:
        from reviewers.services.selection import scoring_submit

        task, pk = pick(self.snap.steps(f"{SC}.score"), which)
        scoring = Scoring.objects.get(pk=pk)
        grid = scoring_grid(rule_version=rule_version_for(application=scoring.dossier))
        scores = {c.pk: c.max_score * level // 4 for c in grid}
        self._must(
            lambda: self._step(
                task,
                scoring.member_id,
                lambda process, user: scoring_submit(scoring=process, actor=user, scores=scores),
            )
        )

    @precondition(lambda self: bool(self.snap.apps_in(ApplicationStatus.ON_AGENDA)))
    @rule(which=st.integers(0, 5), member=st.integers(0, 1))
    def member_declares_a_conflict(self, which: int, member: int) -> None:
        """Allowed while the dossier is on the agenda of the member's committee and the
        member has not scored it yet (after that, only staff can take the note out)."""
        from reviewers.services.selection import conflict_declare

        application = Application.objects.get(
            pk=pick(self.snap.apps_in(ApplicationStatus.ON_AGENDA), which)
        )
        user = User.objects.get(pk=self.world.committee_members[member])
        on_a_session = application.committee_session_id is not None
        scored = Scoring.objects.filter(
            dossier=application,
            session_id=application.committee_session_id,
            member=user,
            submitted_at__isnull=False,
        ).exists()
        went = self._attempt(
            lambda: conflict_declare(application=application, member=user, reason="Je la connais.")
        )
        assert went == (on_a_session and not scored)

    @precondition(lambda self: self._has(f"{A}.deliberation"))
    @rule(
        which=st.integers(0, 5),
        outcome=st.sampled_from(list(Outcome)),
        share=st.sampled_from((Decimal(1), Decimal("0.75"), Decimal("1.1"))),
    )
    def staff_records_the_deliberation(self, which: int, outcome: str, share: Decimal) -> None:
        """Refused before the session begins, or above the requested amount or the caps."""
        from reviewers.services.selection import FAVOURABLE, application_deliberate

        task, pk = pick(self.snap.steps(f"{A}.deliberation"), which)
        application = Application.objects.get(pk=pk)
        requested = application.requested_amount or AMOUNTS[0]
        amount = (requested * share).quantize(Decimal(1))
        went = self._attempt(
            lambda: self._step(
                task,
                self.world.staff,
                lambda process, user: application_deliberate(
                    application=process,
                    actor=user,
                    outcome=outcome,
                    proposed_amount=amount,
                    conditions="Un local trouvé avant l'avance.",
                    reasons="Préciser le plan de financement.",
                ),
            )
        )
        session = application.committee_session
        started = session is not None and session.starts_at <= timezone.now()
        fits = outcome not in FAVOURABLE or amount <= requested
        assert went == (started and fits), (started, fits, outcome, amount, requested)

    @precondition(lambda self: self._has(f"{A}.improve"))
    @rule(which=st.integers(0, 5))
    def applicant_reworks_after_adjournment(self, which: int) -> None:
        from workflows.application.services import application_missing

        task, pk = pick(self.snap.steps(f"{A}.improve"), which)
        self._must(lambda: self._save_draft(pk))
        missing = application_missing(application=Application.objects.get(pk=pk))
        went = self._attempt(lambda: self._submit(task))
        assert went == (not missing), missing

    # Funding lines -------------------------------------------------------------------------

    def _signatories(self, line: FundingLine) -> tuple[int, ...]:
        return self.world.financier_members[line.organisation_id]

    @precondition(lambda self: self._has(f"{FL}.decide"))
    @rule(
        which=st.integers(0, 5),
        grant=st.booleans(),
        share=st.sampled_from((Decimal(1), Decimal("0.5"), Decimal("1.1"))),
        signer=st.integers(0, 1),
    )
    def financier_decides_its_line(
        self, which: int, grant: bool, share: Decimal, signer: int
    ) -> None:
        """Granted up to the proposed amount, or declined with a reason; a grant that nobody
        of the financier could countersign is refused (it would wait for ever)."""
        from funding.services.lines import funding_line_decide
        from funding.services.signatures import countersign_impossible

        task, pk = pick(self.snap.steps(f"{FL}.decide"), which)
        line = FundingLine.objects.get(pk=pk)
        amount = (line.proposed_amount * share).quantize(Decimal(1))
        signer_id = pick(list(self._signatories(line)), signer)
        alone = countersign_impossible(
            organisation=line.organisation,
            amount=amount,
            first_signer=User.objects.get(pk=signer_id),
        )
        went = self._attempt(
            lambda: self._step(
                task,
                signer_id,
                lambda process, user: funding_line_decide(
                    line=process,
                    actor=user,
                    grant=grant,
                    amount=amount,
                    reason="" if grant else "Risque trop élevé.",
                ),
            )
        )
        assert went == (not grant or (amount <= line.proposed_amount and not alone))

    @precondition(lambda self: self._has(f"{FL}.countersign"))
    @rule(which=st.integers(0, 5), confirm=st.booleans(), signer=st.integers(0, 1))
    def financier_countersigns_or_sends_back(self, which: int, confirm: bool, signer: int) -> None:
        """By a colleague of the first signatory only."""
        from funding.services.lines import funding_line_countersign

        task, pk = pick(self.snap.steps(f"{FL}.countersign"), which)
        line = FundingLine.objects.get(pk=pk)
        user = pick(list(self._signatories(line)), signer)
        went = self._attempt(
            lambda: self._step(
                task,
                user,
                lambda process, actor: funding_line_countersign(
                    line=process, actor=actor, confirm=confirm, reason="Montant à revoir."
                ),
            )
        )
        assert went == (user != line.first_signer_id)

    @precondition(lambda self: bool(self.snap.lines))
    @rule(which=st.integers(0, 5))
    def staff_cancels_a_line(self, which: int) -> None:
        """Only a line not yet settled (its financier never answers)."""
        from funding.services.lines import funding_line_cancel

        pk, state = pick(self.snap.lines, which)
        line = FundingLine.objects.get(pk=pk)
        went = self._attempt(
            lambda: funding_line_cancel(
                line=line, actor=self.world.staff_user(), reason="Le financeur ne répond pas."
            )
        )
        assert went == (state in (LineState.PENDING, LineState.AWAITING_SECOND)), state

    # Convention, tranches, reports, closure ---------------------------------------------------

    @precondition(lambda self: self._has(f"{A}.convention"))
    @rule(which=st.integers(0, 5), waived=st.booleans())
    def staff_records_the_convention(self, which: int, waived: bool) -> None:
        """Waived (a notification) only under the rule version's threshold."""
        from funding.services.payments import application_convention_record, convention_required

        task, pk = pick(self.snap.steps(f"{A}.convention"), which)
        required = convention_required(application=Application.objects.get(pk=pk))
        today = timezone.localdate()
        went = self._attempt(
            lambda: self._step(
                task,
                self.world.staff,
                lambda process, user: application_convention_record(
                    application=process,
                    actor=user,
                    waived=waived,
                    holder_signed_on=None if waived else today,
                    mel_signed_on=None if waived else today,
                ),
            )
        )
        assert went == (not (waived and required))

    def _funded(self) -> list[int]:
        return self.snap.apps_in(ApplicationStatus.CONVENTION, ApplicationStatus.FOLLOW_UP)

    @precondition(lambda self: bool(self._funded()))
    @rule(which=st.integers(0, 5))
    def applicant_gives_the_bank_details(self, which: int) -> None:
        application = Application.objects.get(pk=pick(self._funded(), which))
        structure = application.project.structure
        assert structure is not None
        structure.iban = IBAN
        self._must(lambda: structure_save(structure=structure))

    @precondition(lambda self: bool(self._funded()))
    @rule(which=st.integers(0, 5))
    def staff_records_the_committee_conditions_met(self, which: int) -> None:
        from funding.services.payments import application_conditions_met

        application = Application.objects.get(pk=pick(self._funded(), which))
        pending = application.conditions_met_at is None
        went = self._attempt(
            lambda: application_conditions_met(
                application=application, actor=self.world.staff_user(), note="Local trouvé."
            )
        )
        assert went == pending

    @precondition(lambda self: self._has(f"{A}.advance"))
    @rule(which=st.integers(0, 5))
    def staff_releases_the_advance(self, which: int) -> None:
        """Blocked, with nothing changed, while one of its conditions is unmet."""
        from funding.services.payments import tranche_blockers, tranche_release

        task, pk = pick(self.snap.steps(f"{A}.advance"), which)
        blockers = tranche_blockers(tranche=Tranche.objects.get(application=pk, position=1))
        went = self._attempt(
            lambda: self._step(
                task,
                self.world.staff,
                lambda process, user: tranche_release(application=process, position=1, actor=user),
            )
        )
        assert went == (not blockers), blockers

    @precondition(lambda self: any(self._has(key) for key in REPORT_STEPS))
    @rule(which=st.integers(0, 5), still_active=st.booleans())
    def applicant_sends_the_report(self, which: int, still_active: bool) -> None:
        from funding.services.payments import report_submit

        steps = sorted(s for key in REPORT_STEPS for s in self.snap.steps(key))
        task, pk = pick(steps, which)
        values = {"jobs_created_fte": Decimal(2), "still_active": still_active}
        self._must(
            lambda: self._step(
                task,
                self._holder(Application.objects.get(pk=pk)),
                lambda process, user: report_submit(application=process, actor=user, values=values),
            )
        )

    @precondition(lambda self: self._has(f"{A}.balance"))
    @rule(which=st.integers(0, 5), release=st.booleans())
    def staff_pays_the_balance_and_closes(self, which: int, release: bool) -> None:
        """With the balance (blocked while a condition is unmet), or without it (a note)."""
        from funding.services.payments import application_close, tranche_blockers, tranche_release

        task, pk = pick(self.snap.steps(f"{A}.balance"), which)
        blockers = tranche_blockers(tranche=Tranche.objects.get(application=pk, position=2))

        def close(process: Any, user: User) -> None:
            if release:
                tranche_release(application=process, position=2, actor=user)
            application_close(
                application=process, actor=user, note="" if release else "Activité arrêtée."
            )

        went = self._attempt(lambda: self._step(task, self.world.staff, close))
        assert went == (not (release and blockers)), blockers

    @precondition(lambda self: bool(self.snap.apps_in(ApplicationStatus.CONVENTION)))
    @rule(which=st.integers(0, 5))
    def staff_closes_unpaid(self, which: int) -> None:
        """A funded dossier abandoned before any payment."""
        from funding.services.payments import application_close_unpaid

        application = Application.objects.get(
            pk=pick(self.snap.apps_in(ApplicationStatus.CONVENTION), which)
        )
        self._must(
            lambda: application_close_unpaid(
                application=application, actor=self.world.staff_user(), reason="Projet abandonné."
            )
        )

    @precondition(lambda self: bool(self.snap.applications))
    @rule(which=st.integers(0, 5))
    def applicant_withdraws_the_application(self, which: int) -> None:
        """Allowed until the committee decides; refused (and harmless) afterwards."""
        from workflows.application.services import OPEN_STATUSES as UNDECIDED
        from workflows.application.services import application_withdraw

        pk, stage, _ = pick(self.snap.applications, which)
        application = Application.objects.get(pk=pk)
        undecided = stage in UNDECIDED and application.status == PROCESS.NEW
        went = self._attempt(
            lambda: application_withdraw(
                application=application, actor=application.holder.user, reason="Projet reporté."
            )
        )
        assert went == undecided, stage

    # Time, second clicks, outsiders -------------------------------------------------------------

    @precondition(lambda self: bool(self.snap.timed_processes))
    @rule(which=st.integers(0, 7))
    def time_passes_and_the_timers_fire(self, which: int) -> None:
        """A process's deadlines fall due and beat's sweep fires them (none may crash)."""
        process = pick(self.snap.timed_processes, which)
        self._changed()
        Task.objects.filter(process_id=process, status=STATUS.SCHEDULED).update(
            scheduled=timezone.now() - datetime.timedelta(seconds=1)
        )
        with timer_errors() as errors, transaction.atomic():
            fired = fire_due_timers()
        if errors:
            raise TimerCrashed("; ".join(r.getMessage() for r in errors))
        assert fired >= 1

    @precondition(lambda self: bool(self.snap.closed_steps))
    @rule(which=st.integers(0, 50))
    def someone_sends_a_finished_step_again(self, which: int) -> None:
        """A second click, a second tab: refused, nothing changes, the action never runs."""
        task = Task.objects.get(pk=pick(self.snap.closed_steps, which))
        user = task.owner or self.world.staff_user()
        ran: list[int] = []
        self._changed()
        before = fingerprint()
        with pytest.raises(TaskNotOpen):
            task_perform(task=task, user=user, perform=lambda process: ran.append(process.pk))
        assert not ran
        assert fingerprint() == before

    @precondition(lambda self: bool(self.snap.open_steps))
    @rule(which=st.integers(0, 20), who=st.integers(0, 20))
    def someone_else_tries_an_open_step(self, which: int, who: int) -> None:
        """Anyone the step is not for is refused, and nothing changes."""
        steps = sorted(s for key in self.snap.open_steps for s in self.snap.steps(key))
        task = Task.objects.get(pk=pick(steps, which)[0])
        users = list(User.objects.filter(is_active=True).order_by("pk"))
        outsiders = [u for u in users if not task_can_act(task=task, user=u)]
        if not outsiders:
            return
        user = pick(outsiders, who)
        ran: list[int] = []
        self._changed()
        before = fingerprint()
        with pytest.raises((PermissionDenied, TaskNotOpen)):
            task_perform(task=task, user=user, perform=lambda process: ran.append(process.pk))
        assert not ran
        assert fingerprint() == before

    # Fast-forward ---------------------------------------------------------------------------

    @initialize(
        depth=st.sampled_from(DEPTHS),
        amount=st.sampled_from(AMOUNTS),
        co_financing=st.booleans(),
        outcome=st.sampled_from((Outcome.FAVOURABLE, Outcome.WITH_CONDITIONS)),
    )
    def a_dossier_already_under_way(
        self, depth: str, amount: Decimal, co_financing: bool, outcome: str
    ) -> None:
        """Bring one dossier to ``depth`` by the same actions as the rules (all allowed)."""
        from workflows.application.checks import application_completeness

        if depth == "none":
            return
        journey = self._first_contact(email=f"{self._prefix}{self._contacts + 1}@example.org")
        self._changed()
        if depth == "triage":
            return
        self._triage(journey.pk, self.world.incubators[0])
        self._changed()
        self._answer_orientation(journey.pk, accept=True)
        self._changed()
        self._conclude_support(journey.pk, "ready", amount)
        self._changed()
        if depth == "ready":
            return
        application = self._open_application(journey.pk)
        self._save_draft(application.pk)
        app = application.pk
        if co_financing:
            self._changed()
            drafts = self.snap.apps_in(ApplicationStatus.DRAFT)
            self.applicant_adds_a_partner_co_financing(which=drafts.index(app), amount=AMOUNTS[1])
        self._changed()
        self._submit(self._open_step(f"{A}.fill", app))
        self._changed()
        if depth == "submitted":
            return
        self._step(
            self._open_step(f"{A}.completeness", app),
            self.world.staff,
            lambda process, user: application_completeness(
                application=process, actor=user, complete=True
            ),
        )
        self._changed()
        self._eligibility(self._open_step(f"{A}.eligibility", app), eligible=True)
        self._changed()
        if depth == "on_agenda":
            return
        application.refresh_from_db()
        session = application.committee_session_id
        if session is None:  # no session planned: staff plan one and choose it
            session = schedule_session(self.world, days_ahead=30).pk
        self._instruct(self._open_step(f"{A}.instruction", app), session)
        self._changed()
        self.the_committee_meets(which=self.snap.future_sessions.index(session))
        self._changed()
        from reviewers.services.selection import application_deliberate

        self._step(
            self._open_step(f"{A}.deliberation", app),
            self.world.staff,
            lambda process, user: application_deliberate(
                application=process,
                actor=user,
                outcome=outcome,
                proposed_amount=amount,
                conditions="Un local trouvé avant l'avance.",
            ),
        )
        self._changed()
        if depth == "funding":
            return
        for line in FundingLine.objects.filter(dossier=app).order_by("pk"):
            self.financier_decides_its_line(
                which=self._index(f"{FL}.decide", line.pk), grant=True, share=Decimal(1), signer=0
            )
            if line.pk in {p for _, p in self.snap.steps(f"{FL}.countersign")}:
                self.financier_countersigns_or_sends_back(
                    which=self._index(f"{FL}.countersign", line.pk), confirm=True, signer=1
                )
        self.staff_records_the_convention(which=self._index(f"{A}.convention", app), waived=False)
        self.applicant_gives_the_bank_details(which=self._funded().index(app))
        if outcome == Outcome.WITH_CONDITIONS:
            self.staff_records_the_committee_conditions_met(which=self._funded().index(app))
        self.staff_releases_the_advance(which=self._index(f"{A}.advance", app))
        application.refresh_from_db()
        assert application.stage == ApplicationStatus.FOLLOW_UP, application.stage

    # Invariants -----------------------------------------------------------------------------

    @invariant()
    def no_step_is_completed_twice(self) -> None:
        """At most one open human step per process (no flow has parallel human branches);
        single-shot steps and finishing ends done at most once per process; each business
        record matches exactly one completed step (deliberations, instruction notes,
        scorings, conventions, tranches paid, reports sent)."""
        crowded = (
            Task.objects.filter(flow_task_type="HUMAN", status__in=OPEN)
            .values("process_id")
            .annotate(n=Count("pk"))
            .filter(n__gt=1)
        )
        assert not crowded.exists(), list(crowded)
        done = done_counts()
        for (_process, key), n in done.items():
            final = key in ENDS and key not in SIDE_ENDS
            assert n == 1 or (key not in SINGLE_SHOT and not final), f"{key} done {n} times"
        deliberations = count_by("application", Deliberation.objects.all())
        conventions = count_by("application", Convention.objects.all())
        reports = count_by(
            "application",
            FollowUpReport.objects.filter(submitted_at__isnull=False),
        )
        paid = set(
            Tranche.objects.filter(released_at__isnull=False).values_list("application", "position")
        )
        for pk in Application.objects.values_list("pk", flat=True):
            decided = deliberations[pk]
            assert decided == done[(pk, f"{A}.deliberation")], pk
            assert done[(pk, f"{A}.instruction")] in (decided, decided + 1), pk
            assert conventions[pk] == done[(pk, f"{A}.convention")], pk
            assert ((pk, 1) in paid) == bool(done[(pk, f"{A}.advance")]), pk
            assert ((pk, 2) not in paid) or done[(pk, f"{A}.balance")], pk
            assert reports[pk] == sum(done[(pk, step)] for step in REPORT_STEPS), pk
        for pk, submitted in Scoring.objects.values_list("pk", "submitted_at"):
            assert (submitted is not None) == bool(done[(pk, f"{SC}.score")]), pk

    @invariant()
    def every_open_step_has_someone_to_act(self) -> None:
        """An open human step is held by an active owner who may act on it, or someone may
        take it; a scoring is never left with a member who withdrew from the dossier."""
        staff = self.world.staff_user()
        grants = GroupObjectPermission.objects.aggregate(n=Count("pk"), last=Max("pk"))
        for task in Task.objects.filter(flow_task_type="HUMAN", status__in=OPEN).select_related(
            "owner"
        ):
            if task.owner_id is not None:
                assert task.owner is not None, task.pk
                assert task.owner.is_active, task.pk
                assert task_can_act(task=task, user=task.owner), task.pk
                continue
            known = (task.pk, grants["n"], grants["last"])  # answered already, same grants
            if known in self._someone_may_act:
                continue
            self._someone_may_act.add(known)
            linked = User.objects.filter(
                is_active=True,
                groups__in=GroupObjectPermission.objects.filter(
                    object_pk=str(task.process_id)
                ).values("group"),
            ).distinct()
            candidates = [staff, *linked]
            if not any(task_can_act(task=task, user=u) for u in candidates):
                everyone = User.objects.filter(is_active=True)
                assert any(task_can_act(task=task, user=u) for u in everyone), (
                    f"nobody may act on {node_key(task.flow_task)} (task {task.pk})"
                )
        withdrawn = ConflictDeclaration.objects.filter(
            application=OuterRef("dossier"), member=OuterRef("member")
        )
        conflicted = Scoring.objects.filter(status=PROCESS.NEW).filter(Exists(withdrawn))
        assert not conflicted.exists(), list(conflicted.values_list("pk", flat=True))

    @invariant()
    def the_stage_agrees_with_the_open_steps(self) -> None:
        """Journey.stage, Application.stage, FundingLine.state and the scorings agree with
        their processes' status and open steps (the mapping below is read from the flows
        and the services); an ended process keeps nothing open or scheduled; one journey
        under way per person."""
        steps_of = open_steps_by_process()
        self._seen.update(key for keys in steps_of.values() for key in keys)
        for pk, stage, status in Journey.objects.values_list("pk", "stage", "status"):
            expected = JOURNEY_STEPS[stage]
            assert status == (PROCESS.NEW if expected else JOURNEY_END_STATUS[stage]), (pk, stage)
            steps = steps_of.get(pk, set())
            assert steps <= expected, (pk, stage, steps)
            assert bool(steps) == bool(expected), (pk, stage, steps)
        waiting = set(
            Task.objects.filter(
                flow_task=ApplicationFlow.await_funding, status=STATUS.NEW
            ).values_list("process_id", flat=True)
        )
        unsettled = set(
            FundingLine.objects.exclude(state__in=SETTLED).values_list("dossier", flat=True)
        )
        timed = set(
            Task.objects.filter(status=STATUS.SCHEDULED, flow_task_type="TIMER").values_list(
                "process_id", flat=True
            )
        )
        for pk, stage, status in Application.objects.values_list("pk", "stage", "status"):
            steps = steps_of.get(pk, set())
            assert steps <= APPLICATION_STEPS[stage], (pk, stage, steps)
            if stage in APPLICATION_END_STATUS:
                assert status in APPLICATION_END_STATUS[stage], (pk, stage, status)
                continue
            assert status == PROCESS.NEW, (pk, stage, status)
            assert (pk in waiting) == (stage == ApplicationStatus.FUNDING), (pk, stage)
            if stage == ApplicationStatus.FUNDING:
                assert pk in unsettled, pk  # the last settled line moves the dossier on
            elif stage == ApplicationStatus.FOLLOW_UP and not steps:
                assert pk in timed, pk  # waiting for the next report to open
            else:
                assert len(steps) == 1, (pk, stage, steps)
        for pk, state, status in FundingLine.objects.values_list("pk", "state", "status"):
            assert steps_of.get(pk, set()) == LINE_STEPS[state], (pk, state)
            assert status == LINE_STATUS[state], (pk, state, status)
        for pk, status, dossier, dossier_stage in Scoring.objects.values_list(
            "pk", "status", "dossier", "dossier__stage"
        ):
            steps = steps_of.get(pk, set())
            assert bool(steps) == (status == PROCESS.NEW), pk
            if steps:  # scorings close with the deliberation or the withdrawal
                assert dossier_stage == ApplicationStatus.ON_AGENDA, (pk, dossier_stage)
                assert steps_of.get(dossier) == {f"{A}.deliberation"}, pk
        leftovers = Task.objects.filter(status__in=ALIVE).exclude(process__status=PROCESS.NEW)
        assert not leftovers.exists(), [
            (t.process_id, node_key(t.flow_task), t.status) for t in leftovers
        ]
        under_way = (
            Journey.objects.exclude(stage__in=JOURNEY_CLOSED)
            .values("holder")
            .annotate(n=Count("pk"))
            .filter(n__gt=1)
        )
        assert not under_way.exists(), list(under_way)

    @invariant()
    def money_stays_within_what_was_decided(self) -> None:
        """Proposed amounts within the requested amount and the rule version's caps; a
        line's decided amount within its proposed amount, the grant's proposed amount the
        committee's; a grant above the threshold signed twice, by two people; the tranches
        add up to the grant, and only a granted amount is paid, never more."""
        from django.conf import settings as django_settings

        threshold = Decimal(django_settings.FUNDING_SECOND_SIGNATURE_ABOVE_EUR)
        proposed: dict[int, Decimal] = {}
        for deliberation in (
            Deliberation.objects.exclude(proposed_amount=None)
            .select_related("application__rule_version")
            .order_by("pk")
        ):
            application, amount = deliberation.application, deliberation.proposed_amount
            version = application.rule_version
            assert amount is not None, deliberation.pk
            assert version is not None, deliberation.pk
            assert amount <= (application.requested_amount or 0), deliberation.pk
            assert amount <= version.grant_cap, deliberation.pk
            budget = application.total_budget or Decimal(0)
            assert amount <= version.max_grant_for_budget(budget), deliberation.pk
            proposed[application.pk] = amount
        granted: dict[int, Decimal] = {}
        for line in FundingLine.objects.all():
            if line.decided_amount is not None:
                assert 0 < line.decided_amount <= line.proposed_amount, line.pk
            if line.state in (LineState.GRANTED, LineState.AWAITING_SECOND):
                assert line.decided_amount is not None, line.pk
                assert line.first_signer_id is not None, line.pk
            if line.state == LineState.AWAITING_SECOND:
                assert (line.decided_amount or 0) > threshold, line.pk
            if line.state == LineState.GRANTED and (line.decided_amount or 0) > threshold:
                assert line.second_signer_id not in (None, line.first_signer_id), line.pk
            if line.is_programme_grant:
                assert proposed.get(line.dossier_id) == line.proposed_amount, line.pk
                if line.state == LineState.GRANTED and line.decided_amount is not None:
                    granted[line.dossier_id] = line.decided_amount
        for pk, total, paid in (
            Tranche.objects.values_list("application")
            .annotate(total=Sum("amount"), paid=Sum("amount", filter=Q(released_at__isnull=False)))
            .values_list("application", "total", "paid")
        ):
            assert pk in granted, pk  # tranches only for a granted subsidy
            assert total == granted[pk], (pk, total, granted[pk])
            assert (paid or 0) <= granted[pk], pk

    @invariant()
    def nobody_holds_a_grant_the_policy_does_not_give(self) -> None:
        """Per-user object permissions only as the policy assigns them: ``consult`` of a
        dossier by a committee member who has a scoring of it and has not withdrawn. Each
        group permission is one the policy links to that organisation's persona, on an
        object the organisation is really linked to now (a pending orientation, the
        support, a mandate, its own line, its session)."""
        scorers = set(Scoring.objects.values_list("member", "dossier"))
        withdrawn = set(ConflictDeclaration.objects.values_list("member", "application"))
        for user, app_label, codename, object_pk in UserObjectPermission.objects.values_list(
            "user", "permission__content_type__app_label", "permission__codename", "object_pk"
        ):
            assert f"{app_label}.{codename}" == "workflows.consult_application", codename
            assert allows(Persona.COMMITTEE_MEMBER, "workflows.consult_application", Scope.ASSIGNED)
            assert (user, int(object_pk)) in scorers - withdrawn, (user, object_pk)
        organisations = {o.group_id: o for o in Organisation.objects.all()}
        links = current_links()
        for group, app_label, codename, object_pk in GroupObjectPermission.objects.values_list(
            "group", "permission__content_type__app_label", "permission__codename", "object_pk"
        ):
            organisation = organisations[group]
            perm = f"{app_label}.{codename}"
            persona = PERSONA_OF_KIND[organisation.kind]
            assert allows(persona, perm, Scope.LINKED), (organisation.name, perm)
            assert (organisation.pk, int(object_pk)) in links.get(perm, set()), (
                organisation.name,
                perm,
                object_pk,
            )

    @invariant()
    def the_audit_chain_verifies(self) -> None:
        """The hash chain that ``manage.py verify_audit_chain`` checks is intact, and every
        completed step is recorded in it."""
        report = audit_chain_break()
        assert report.broken_at is None, report
        done = set(
            Task.objects.filter(flow_task_type="HUMAN", status=STATUS.DONE).values_list(
                "pk", flat=True
            )
        )
        journaled = {
            int(ref.split(":")[1])
            for ref in AuditRecord.objects.filter(
                action=AuditAction.TRANSITION, object_ref__startswith="viewflow.task:"
            ).values_list("object_ref", flat=True)
        }
        assert done <= journaled, sorted(done - journaled)


# The mapping of stages to steps, read from the flows and the services -----------------------

JOURNEY_STEPS: dict[str, set[str]] = {
    JourneyStage.TRIAGE: {f"{J}.triage"},
    JourneyStage.ORIENTATION: {f"{J}.orientation"},
    JourneyStage.SUPPORT: {f"{J}.support"},
    JourneyStage.READY_TO_APPLY: set(),
    JourneyStage.REDIRECTED: set(),
    JourneyStage.SUPPORT_ENDED: set(),
    JourneyStage.WITHDRAWN: set(),
}
JOURNEY_END_STATUS = {
    JourneyStage.READY_TO_APPLY: PROCESS.DONE,
    JourneyStage.REDIRECTED: PROCESS.DONE,
    JourneyStage.SUPPORT_ENDED: PROCESS.DONE,
    JourneyStage.WITHDRAWN: PROCESS.CANCELED,
}
JOURNEY_CLOSED = list(JOURNEY_END_STATUS)
APPLICATION_STEPS: dict[str, set[str]] = {
    ApplicationStatus.DRAFT: {f"{A}.fill"},
    ApplicationStatus.SUBMITTED: {f"{A}.completeness"},
    ApplicationStatus.INCOMPLETE: set(COMPLEMENT_STEPS),
    ApplicationStatus.COMPLETE: {f"{A}.eligibility"},
    ApplicationStatus.ELIGIBLE: set(),  # never at rest: placed on a session at once
    ApplicationStatus.ON_AGENDA: {f"{A}.instruction", f"{A}.deliberation"},
    ApplicationStatus.ADJOURNED: {f"{A}.improve"},
    ApplicationStatus.FUNDING: set(),  # the lines' own steps; the dossier waits
    ApplicationStatus.CONVENTION: {f"{A}.convention", f"{A}.advance"},
    ApplicationStatus.FOLLOW_UP: {*REPORT_STEPS, f"{A}.balance"},
    ApplicationStatus.INELIGIBLE: set(),
    ApplicationStatus.REJECTED: set(),
    ApplicationStatus.NOT_FUNDED: set(),
    ApplicationStatus.CLOSED: set(),
    ApplicationStatus.CLOSED_NO_FOLLOW_UP: set(),
    ApplicationStatus.WITHDRAWN: set(),
}
APPLICATION_END_STATUS = {
    ApplicationStatus.INELIGIBLE: {PROCESS.DONE},
    ApplicationStatus.REJECTED: {PROCESS.DONE},
    ApplicationStatus.NOT_FUNDED: {PROCESS.DONE},
    ApplicationStatus.CLOSED: {PROCESS.DONE, PROCESS.CANCELED},  # balance, or unpaid
    ApplicationStatus.CLOSED_NO_FOLLOW_UP: {PROCESS.DONE},
    ApplicationStatus.WITHDRAWN: {PROCESS.CANCELED},
}
SETTLED = [LineState.GRANTED, LineState.DECLINED, LineState.CANCELLED]
LINE_STEPS: dict[str, set[str]] = {
    LineState.PENDING: {f"{FL}.decide"},
    LineState.AWAITING_SECOND: {f"{FL}.countersign"},
    LineState.GRANTED: set(),
    LineState.DECLINED: set(),
    LineState.CANCELLED: set(),
}
LINE_STATUS = {
    LineState.PENDING: PROCESS.NEW,
    LineState.AWAITING_SECOND: PROCESS.NEW,
    LineState.GRANTED: PROCESS.DONE,
    LineState.DECLINED: PROCESS.DONE,
    LineState.CANCELLED: PROCESS.CANCELED,
}
# Ends of a non-interrupting side branch, reached once per waiting step (each triage that
# waits too long alerts the lead); every other end finishes its process, once.
SIDE_ENDS = {f"{J}.escalated", f"{SC}.reminded"}
ENDS = {
    node_key(node)
    for flow_class in (JourneyFlow, ApplicationFlow, ScoringFlow, FundingLineFlow)
    for node in flow_class.instance.nodes()
    if node.task_type == "END"
}
SINGLE_SHOT = {
    f"{J}.support",
    f"{A}.fill",
    f"{A}.eligibility",
    f"{A}.convention",
    f"{A}.advance",
    f"{A}.balance",
    f"{A}.open_funding",
    f"{A}.await_funding",
    f"{SC}.score",
}


def open_steps_by_process() -> dict[int, set[str]]:
    steps: dict[int, set[str]] = {}
    for process, node in Task.objects.filter(flow_task_type="HUMAN", status__in=OPEN).values_list(
        "process_id", "flow_task"
    ):
        steps.setdefault(process, set()).add(node_key(node))
    return steps


class _Counts(dict[Any, int]):
    def __missing__(self, key: Any) -> int:
        return 0


def done_counts() -> _Counts:
    counts = _Counts()
    for process, node, n in (
        Task.objects.filter(status=STATUS.DONE)
        .values_list("process_id", "flow_task")
        .annotate(n=Count("pk"))
    ):
        counts[(process, node_key(node))] = n
    return counts


def count_by(column: str, queryset: Any) -> _Counts:
    counts = _Counts()
    for key, n in queryset.values_list(column).annotate(n=Count("pk")).values_list(column, "n"):
        counts[key] = n
    return counts


def current_links() -> dict[str, set[tuple[int, int]]]:
    """For each linked permission, the (organisation, object) pairs that are linked now."""
    pending = set(
        Orientation.objects.filter(outcome=OrientationOutcome.PENDING).values_list(
            "organisation", "journey"
        )
    )
    supporting = {
        (org, journey)
        for journey, org in Journey.objects.exclude(project__support_organisation=None).values_list(
            "pk", "project__support_organisation"
        )
    }
    journey_project = dict(Journey.objects.values_list("pk", "project"))
    supported_projects = set(
        Project.objects.exclude(support_organisation=None).values_list("support_organisation", "pk")
    )
    supported_structures = set(
        Project.objects.exclude(support_organisation=None)
        .exclude(structure=None)
        .values_list("support_organisation", "structure")
    )
    proposed_projects = {(org, journey_project[journey]) for org, journey in pending}
    applications = set(
        Application.objects.exclude(project__support_organisation=None).values_list(
            "project__support_organisation", "pk"
        )
    )
    lines = set(FundingLine.objects.values_list("organisation", "pk"))
    financed = set(FundingLine.objects.values_list("organisation", "dossier"))
    return {
        "workflows.orient_journey": pending,
        "workflows.support_journey": supporting,
        "workflows.view_journey": pending | supporting,
        "applicants.view_project": supported_projects | proposed_projects,
        "applicants.change_project": supported_projects,
        "applicants.view_structure": supported_structures,
        "workflows.fill_application": set(
            Mandate.objects.filter(revoked_at__isnull=True).values_list(
                "organisation", "application"
            )
        ),
        "workflows.view_application": applications | financed,
        "funding.view_fundingline": lines,
        "funding.sign_fundingline": lines,
        "reviewers.view_committeesession": set(
            CommitteeSession.objects.values_list("committee", "pk")
        ),
    }


# The test -----------------------------------------------------------------------------------


@pytest.fixture
def world(db: None) -> World:
    return build_world()


def test_random_sequences_of_real_actions_keep_every_invariant(world: World) -> None:
    DossierMachine.world = world
    DossierMachine.reached.clear()
    run_state_machine_as_test(DossierMachine, settings=profile())
    # With -s: in how many examples each step was open (what the run explored).
    for step, examples in sorted(DossierMachine.reached.items()):
        print(f"{examples:6d}  {step}")  # noqa: T201 - the run's coverage, read with -s
