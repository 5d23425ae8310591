"""Business actions of the selection (stage 8): placing the dossier on a committee session,
the instruction note, conflicts of interest, each member's scoring and the deliberation.

Typed, keyword-only, never given a request. Actions that complete a step run inside
``workflows.engine.task_perform`` (flow lock + one transaction).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Avg, Count, Exists, OuterRef, QuerySet
from django.utils import timezone

from accounts.exceptions import ApplicationError
from accounts.french import long_date, plural
from accounts.models import Membership, User
from accounts.services import access_assign, access_unassign
from funding.formatting import format_euros
from funding.selectors import scoring_grid
from funding.services.rules import requested_amount_check
from reviewers.models import (
    CommitteeSession,
    ConflictDeclaration,
    CriterionScore,
    Deliberation,
    Outcome,
    Scoring,
    SessionStatus,
)
from reviewers.selectors import (
    committee_members,
    counted_scorings,
    next_open_session,
    open_sessions,
)
from workflows import notify
from workflows.application.selectors import application_instructor_ids
from workflows.application.services import application_event, programme, rule_version_for
from workflows.engine import process_lock, processes_cancel_open
from workflows.models import Application, ApplicationStatus

# What a member scoring a dossier may do on it beyond their scoring: read its documents.
MEMBER_READS = ("consult",)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")


# Placing on a session --------------------------------------------------------------------


def application_place_on_session(*, application: Application) -> Application:
    """Put an eligible (or reworked) dossier on the next session still taking dossiers;
    when none is scheduled, staff choose one at the instruction step."""
    session = next_open_session(programme=programme(), on_date=timezone.localdate())
    application.committee_session = session
    application.stage = ApplicationStatus.ON_AGENDA
    application.save(update_fields=["committee_session", "stage"])
    application_event(
        application=application,
        message=f"Inscrite à l'ordre du jour de la séance du {long_date(session.starts_at, weekday=True)}."
        if session
        else "Aucune séance du comité n'est programmée : l'équipe de la MEL en choisira une.",
    )
    return application


def application_instruct(
    *, application: Application, actor: User, session: CommitteeSession, note: str
) -> Application:
    """MEL staff write the instruction note and confirm the session of the dossier."""
    if len(note.strip()) < 20:
        raise ApplicationError(
            "Rédigez la note d'instruction (au moins quelques phrases) : le comité la lit "
            "avant de noter.",
            field="note",
        )
    keeps_its_session = (
        session.pk == application.committee_session_id
        and session.status in (SessionStatus.PLANNED, SessionStatus.AGENDA_CLOSED)
        and session.starts_at > timezone.now()
    )
    if not keeps_its_session and not open_sessions().filter(pk=session.pk).exists():
        raise ApplicationError(
            "Cette séance ne prend plus de dossiers : choisissez une séance à venir.",
            field="session",
        )
    changed = session.pk != application.committee_session_id
    application.committee_session = session
    application.instruction_note = note.strip()
    application.save(update_fields=["committee_session", "instruction_note"])
    application_event(
        application=application,
        actor=actor,
        message="Note d'instruction rédigée"
        + (
            f" ; dossier inscrit à la séance du {long_date(session.starts_at, weekday=True)}."
            if changed
            else "."
        ),
        staff_only=True,  # the staff's own work: the holder reads the agenda line instead
    )
    notify.on_agenda(application=application)
    return application


def application_move_session(
    *, application: Application, actor: User, session: CommitteeSession
) -> Application:
    """Move a dossier waiting for its committee to another session (its session was
    cancelled or postponed). Scorings already opened are closed (the caller opens them again
    for the members of the new session: ``ApplicationFlow``); withdrawals stay."""
    with transaction.atomic(), process_lock(application):
        application.refresh_from_db()
        if application.stage != ApplicationStatus.ON_AGENDA:
            raise ApplicationError("Seul un dossier en attente du comité peut changer de séance.")
        if session.pk == application.committee_session_id:
            raise ApplicationError("Le dossier est déjà inscrit à cette séance.", field="session")
        if not open_sessions().filter(pk=session.pk).exists():
            raise ApplicationError(
                "Cette séance ne prend plus de dossiers : choisissez une séance à venir.",
                field="session",
            )
        _members_stop_reading(application)  # the new session's members get it when opened
        processes_cancel_open(application.scorings.all())
        application.committee_session = session
        application.save(update_fields=["committee_session"])
        application_event(
            application=application,
            actor=actor,
            message=f"Dossier reporté à la séance du {long_date(session.starts_at, weekday=True)}.",
        )
        notify.on_agenda(application=application)
    return application


# Conflicts of interest and scoring --------------------------------------------------------


INSTRUCTOR_CONFLICT = "A instruit le dossier."
INSTRUCTOR_REFUSAL = (
    "Vous avez instruit ce dossier : vous ne pouvez pas le noter. Déportez-vous ci-dessous ; "
    "les autres membres du comité le notent."
)
SCORER_REFUSAL = (
    "Vous avez noté ce dossier au comité : vous ne pouvez pas en enregistrer l'avis. Un·e "
    "autre membre de l'équipe de la MEL l'enregistre ; revenez au dossier."
)


def _automatic_conflicts(application: Application, session: CommitteeSession) -> None:
    """A member who also works for the organisation supporting the project withdraws, and
    so does one who instructed the dossier (separation of duties)."""
    members = committee_members(session=session)
    withdrawing: list[tuple[User, str]] = []
    support = application.project.support_organisation_id
    if support is not None:
        linked = members.filter(
            Exists(Membership.objects.filter(user=OuterRef("pk"), organisation_id=support))
        )
        withdrawing += [(m, "Membre de la structure qui accompagne le projet.") for m in linked]
    instructors = application_instructor_ids(application_id=application.pk)
    if instructors:
        withdrawing += [(m, INSTRUCTOR_CONFLICT) for m in members.filter(pk__in=instructors)]
    ConflictDeclaration.objects.bulk_create(
        [
            ConflictDeclaration(
                session=session,
                application=application,
                member=member,
                automatic=True,
                reason=reason,
            )
            for member, reason in withdrawing
        ],
        ignore_conflicts=True,
    )


def scoring_members_to_open(*, application: Application) -> tuple[CommitteeSession, QuerySet[User]]:
    """The session and the committee members who get a scoring of the dossier: every member
    who has not withdrawn (automatically when they work for the supporting organisation) and
    has none yet for this session."""
    session = application.committee_session
    if session is None:
        raise ApplicationError("Choisissez la séance du comité avant d'ouvrir la notation.")
    _automatic_conflicts(application, session)
    # A member who withdrew at an earlier session (adjourned dossier, or a change of
    # session) stays withdrawn: the conflict is with the dossier, not with one meeting.
    withdrawn = ConflictDeclaration.objects.filter(application=application).values("member_id")
    already = Scoring.objects.filter(dossier=application, session=session).values("member_id")
    members = committee_members(session=session).exclude(pk__in=withdrawn).exclude(pk__in=already)
    return session, members


def scorings_opened(*, application: Application, scorings: list[Scoring]) -> None:
    """Each member may now read the dossier's documents; history and notices."""
    for scoring in scorings:
        access_assign(user=scoring.member, obj=application, actions=MEMBER_READS)
    count = len(scorings)
    application_event(
        application=application,
        message=f"Notation ouverte pour {count} {plural(count, 'membre', 'membres')} du comité.",
        staff_only=True,  # the committee's inner work, not a step of the holder's dossier
    )
    notify.scoring_opened(application=application, member_ids=[s.member_id for s in scorings])


def scoring_prepare(
    *, scoring: Scoring, dossier: Application, session: CommitteeSession, member: User
) -> Scoring:
    """Fill a scoring that the flow's start node is about to save (no write here)."""
    scoring.dossier, scoring.session, scoring.member = dossier, session, member
    return scoring


# A conflict found after scoring: the note counts already, only staff can take it out.
SCORED_CONFLICT = (
    "Vous avez déjà rendu votre notation : vous ne pouvez plus vous déporter vous-même. "
    "Écrivez à l'équipe de la MEL, qui retirera votre note avant la délibération."
)


def conflict_declare(
    *, application: Application, member: User, reason: str = ""
) -> ConflictDeclaration:
    """A member withdraws from a dossier of their session: their scoring, open or not, is
    cancelled or left out, and no scoring is opened for them afterwards."""
    with transaction.atomic(), process_lock(application):
        # Decided on the dossier as it is now: the deliberation may have been recorded since.
        application.refresh_from_db()
        session = application.committee_session
        members = committee_members(session=session) if session else User.objects.none()
        if session is None or not members.filter(pk=member.pk).exists():
            raise ApplicationError("Ce dossier n'est pas à l'ordre du jour de votre comité.")
        if application.stage != ApplicationStatus.ON_AGENDA:
            raise ApplicationError("Le comité a déjà délibéré sur ce dossier.")
        if Scoring.objects.filter(
            dossier=application, session=session, member=member, submitted_at__isnull=False
        ).exists():
            raise ApplicationError(SCORED_CONFLICT)
        declaration, _created = ConflictDeclaration.objects.get_or_create(
            session=session,
            application=application,
            member=member,
            defaults={"reason": reason.strip()},
        )
        processes_cancel_open(
            Scoring.objects.filter(dossier=application, session=session, member=member)
        )
        access_unassign(user=member, obj=application, actions=MEMBER_READS)
        application_event(
            application=application,
            actor=member,
            message=f"{member} se déporte (conflit d'intérêts déclaré).",
            staff_only=True,
        )
    return declaration


def scoring_submit(
    *,
    scoring: Scoring,
    actor: User,
    scores: dict[int, int],
    comments: dict[int, str] | None = None,
    comment: str = "",
) -> Scoring:
    """Record a member's scores on every criterion of the grid and the weighted total."""
    if actor.pk != scoring.member_id:
        raise ApplicationError("Seul·e le membre à qui cette notation est confiée peut noter.")
    if ConflictDeclaration.objects.filter(application=scoring.dossier_id, member=actor).exists():
        raise ApplicationError("Vous vous êtes déporté·e de ce dossier : vous ne le notez pas.")
    if actor.pk in application_instructor_ids(application_id=scoring.dossier_id):
        raise ApplicationError(INSTRUCTOR_REFUSAL)
    grid = list(scoring_grid(rule_version=rule_version_for(application=scoring.dossier)))
    if not grid:
        raise ApplicationError("La grille de notation du règlement n'est pas paramétrée.")
    comments = comments or {}
    rows, total = [], Decimal(0)
    for criterion in grid:
        value = scores.get(criterion.pk)
        if value is None:
            raise ApplicationError(f"Notez le critère « {criterion.label} ».")
        if not 0 <= value <= criterion.max_score:
            raise ApplicationError(
                f"La note de « {criterion.label} » va de 0 à {criterion.max_score}."
            )
        rows.append(
            CriterionScore(
                scoring=scoring,
                criterion=criterion,
                score=value,
                comment=comments.get(criterion.pk, "")[:500],
            )
        )
        total += Decimal(value) / criterion.max_score * criterion.weight_percent
    weights = sum(c.weight_percent for c in grid)
    scoring.scores.all().delete()
    CriterionScore.objects.bulk_create(rows)
    scoring.weighted_score = (total * HUNDRED / weights).quantize(CENT, ROUND_HALF_UP)
    scoring.comment = comment.strip()
    scoring.submitted_at = timezone.now()
    scoring.save(update_fields=["weighted_score", "comment", "submitted_at"])
    return scoring


def scoring_remind(*, scoring: Scoring) -> None:
    """The session is near and this member has not scored: remind them."""
    scoring.reminded_at = timezone.now()
    scoring.save(update_fields=["reminded_at"])
    application_event(
        application=scoring.dossier,
        message=f"Relance de {scoring.member} : notation attendue avant la séance.",
        staff_only=True,
    )
    notify.scoring_reminder(
        application=scoring.dossier, member_id=scoring.member_id, session=scoring.session
    )


# Deliberation ------------------------------------------------------------------------------


def _check_outcome(
    application: Application,
    outcome: str,
    amount: Decimal | None,
    conditions: str,
    reasons: str,
) -> None:
    if outcome in FAVOURABLE:
        if amount is None or amount <= 0:
            raise ApplicationError("Indiquez le montant proposé par le comité.", field="amount")
        requested = application.requested_amount
        if requested is not None and amount > requested:
            raise ApplicationError(
                f"Le comité ne peut pas proposer plus que le montant demandé "
                f"({format_euros(requested)}).",
                field="amount",
            )
        problems = requested_amount_check(
            rule_version=rule_version_for(application=application),
            requested=amount,
            budget=application.total_budget or Decimal(0),
            label="Le montant proposé",
        )
        if problems:
            raise ApplicationError(" ".join(problems), field="amount")
        if programme().grant_financier_id is None:
            raise ApplicationError(
                "Le financeur qui signe la subvention n'est pas paramétré sur le programme "
                "(administration) : l'avis ne peut pas être transmis aux financeurs."
            )
    if outcome == Outcome.WITH_CONDITIONS and not conditions.strip():
        raise ApplicationError("Précisez les conditions posées par le comité.", field="conditions")
    if outcome in (Outcome.ADJOURNED, Outcome.UNFAVOURABLE) and not reasons.strip():
        raise ApplicationError(
            "Motivez l'avis : le porteur le reçoit dans son courrier.", field="reasons"
        )


FAVOURABLE = (Outcome.FAVOURABLE, Outcome.WITH_CONDITIONS)
NEXT_STAGE = {
    Outcome.FAVOURABLE: ApplicationStatus.FUNDING,
    Outcome.WITH_CONDITIONS: ApplicationStatus.FUNDING,
    Outcome.ADJOURNED: ApplicationStatus.ADJOURNED,
    Outcome.UNFAVOURABLE: ApplicationStatus.REJECTED,
}


def application_deliberate(
    *,
    application: Application,
    actor: User,
    outcome: str,
    proposed_amount: Decimal | None = None,
    conditions: str = "",
    reasons: str = "",
) -> Deliberation:
    """Record the committee's avis once the session has started; scorings still open are
    closed (the member did not score in time)."""
    session = application.committee_session
    if session is None:
        raise ApplicationError("Ce dossier n'est inscrit à aucune séance.")
    if session.status == SessionStatus.CANCELLED:
        raise ApplicationError(
            "Cette séance a été annulée : inscrivez d'abord le dossier à une autre séance."
        )
    if session.starts_at > timezone.now():
        raise ApplicationError(
            f"La séance n'a pas encore eu lieu (le "
            f"{timezone.localtime(session.starts_at):%d/%m/%Y à %H:%M}) : l'avis "
            "s'enregistre pendant ou après la séance."
        )
    if application.scorings.filter(member=actor, submitted_at__isnull=False).exists():
        # Separation of duties the other way round: a scorer does not then instruct.
        raise ApplicationError(SCORER_REFUSAL)
    _check_outcome(application, outcome, proposed_amount, conditions, reasons)
    processes_cancel_open(application.scorings.all())
    _members_stop_reading(application)  # the committee has given its avis
    figures = counted_scorings(application=application).aggregate(
        average=Avg("weighted_score"), count=Count("pk")
    )
    average = figures["average"]
    deliberation = Deliberation.objects.create(
        application=application,
        session=session,
        outcome=outcome,
        proposed_amount=proposed_amount if outcome in FAVOURABLE else None,
        conditions=conditions.strip(),
        reasons=reasons.strip(),
        average_score=Decimal(average).quantize(CENT) if average is not None else None,
        scorings_submitted=figures["count"],
        members_withdrawn=ConflictDeclaration.objects.filter(
            session=session, application=application
        ).count(),
        recorded_by=actor,
    )
    application.stage = NEXT_STAGE[Outcome(outcome)]
    if outcome == Outcome.ADJOURNED:
        application.committee_session = None
    else:
        application.decided_at = timezone.now()
    application.save(update_fields=["stage", "committee_session", "decided_at"])
    application_event(
        application=application,
        actor=actor,
        message=f"{deliberation.get_outcome_display()} du comité du "
        f"{long_date(session.starts_at, weekday=True)}."
        + (
            f" Montant proposé : {format_euros(deliberation.proposed_amount)}."
            if deliberation.proposed_amount
            else ""
        )
        + (f" Conditions : {conditions}" if conditions.strip() else "")
        + (f" Motifs : {reasons}" if reasons.strip() else ""),
    )
    notify.decision(application=application, deliberation=deliberation)
    return deliberation


def _members_stop_reading(application: Application) -> None:
    """The committee members who scored (or were to score) the dossier no longer read its
    documents: its session changed, or the committee gave its avis."""
    members = User.objects.filter(pk__in=application.scorings.values("member_id")).distinct()
    for member in members:
        access_unassign(user=member, obj=application, actions=MEMBER_READS)
