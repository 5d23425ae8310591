"""Appending to the audit chain, and the records each audited event makes.

Every append runs in the caller's transaction (it is rolled back with the change it
describes) and is serialised with every other append (``audit.chain``), so two writers
never link to the same previous record. An append costs the same whatever the length of
the journal: one round trip after the first of a transaction, two for that first one.

Records name people only by identity key (``audit.identities``): the actor by
``actor_key``, whom the record is about by ``subject_key`` and by a ``⟦p:KEY⟧`` token in the
summary and states. Naming a person adds one query per transaction (its key's lookup). Free
text that may name people (a committee's reasons, a refusal's motive) is kept as its SHA-256
fingerprint: the dossier holds the text until it is anonymised, the journal proves what it
was. Erasing people is ``audit_identities_erase`` and ``audit_identifiers_erase`` below.
"""

from __future__ import annotations

import datetime
import decimal
import hashlib
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from funding.models import FundingLine, LineState
from reviewers.models import Deliberation, Scoring
from workflows.models import Application, ApplicationStatus, Journey

from . import chain, identities
from .context import current_actor
from .models import RECORD_VERSION, AuditAction, AuditIdentity, AuditRecord, person_token

Actor = AbstractBaseUser | AnonymousUser | None


def ref_of(obj: models.Model) -> str:
    """``"app_label.model:pk"``, the reference records use for any object."""
    return f"{obj._meta.label_lower}:{obj.pk}"


def dossier_ref_of(obj: models.Model) -> str:
    """The dossier (journey or application) an object belongs to, or ``""``."""
    return dossier_ref_for(obj._meta.label_lower, obj.pk, obj)


# Records that belong to one application, by model label: their present labels, and those
# they had before they moved from ``workflows`` (records already in the trail keep them).
DOSSIER_PARTS: dict[str, Any] = {
    "reviewers.scoring": Scoring,
    "funding.fundingline": FundingLine,
    "reviewers.deliberation": Deliberation,
    "workflows.scoring": Scoring,
    "workflows.fundingline": FundingLine,
    "workflows.deliberation": Deliberation,
}


def dossier_ref_for(label: str, pk: Any, obj: models.Model | None = None) -> str:
    """Same as ``dossier_ref_of`` from a model label and a primary key. At most one query:
    none for a journey or an application, nor when ``obj`` is given, except for a project
    (its journey)."""
    if label in ("workflows.journey", "workflows.application"):
        return f"{label}:{pk}"
    if label in DOSSIER_PARTS:
        model: Any = DOSSIER_PARTS[label]
        field = "application_id" if model is Deliberation else "dossier_id"
        if obj is not None:
            dossier_id = getattr(obj, field)
        else:
            dossier_id = model._default_manager.filter(pk=pk).values_list(field, flat=True).first()
        return f"workflows.application:{dossier_id}" if dossier_id else ""
    if label == "documents.document" and obj is not None:
        application_id = getattr(obj, "application_id", None)
        return f"workflows.application:{application_id}" if application_id else ""
    if label == "applicants.project":
        journey_id = Journey.objects.filter(project_id=pk).values_list("pk", flat=True).first()
        return f"workflows.journey:{journey_id}" if journey_id else ""
    return ""


def _canonical(value: Any) -> Any:
    """JSON whose values read back identically from PostgreSQL and SQLite: numbers other
    than integers (Decimal, float) become strings, as do dates and lazy strings."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float | decimal.Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(key): _canonical(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(item) for item in value]
    return str(DjangoJSONEncoder().default(value))


def fingerprint(text: str | None) -> str:
    """``"sha256:<hex>"`` of a free text that may name people, ``""`` when there is none."""
    if not text:
        return ""
    return "sha256:" + hashlib.sha256(str(text).encode()).hexdigest()


def audit_record(
    *,
    action: AuditAction | str,
    actor: Actor,
    obj: models.Model | None = None,
    object_ref: str = "",
    dossier_ref: str = "",
    summary: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    subject_key: str | None = None,
) -> AuditRecord:
    """Append one record to the chain, in the caller's transaction.

    ``obj`` fills ``object_ref`` and ``dossier_ref`` when they are not given. The summary
    and the states must not name anyone: a person is ``person_token(key)``, the key from
    ``audit.identities`` (passed as ``subject_key`` when the record is about them).
    """
    if obj is not None:
        object_ref = object_ref or ref_of(obj)
        dossier_ref = dossier_ref or dossier_ref_of(obj)
    if actor is not None and not actor.is_authenticated:
        actor = None
    with transaction.atomic(savepoint=False):  # the actor's key is remembered until it ends
        actor_key = identities.key_of_user(actor) if isinstance(actor, AbstractBaseUser) else None
        record = AuditRecord(
            version=RECORD_VERSION,
            actor_id=actor.pk if actor is not None else None,
            actor_identity_id=actor_key,
            subject_identity_id=subject_key,
            action=action,
            object_ref=object_ref[:120],
            dossier_ref=dossier_ref[:80],
            summary=summary,
            before=_canonical(before),
            after=_canonical(after),
        )
        chain.append(record)
    return record


# Flow transitions ------------------------------------------------------------------------


def _task_actor(task: Any) -> Actor:
    """The task's owner without a query when possible; for steps nobody owns (gateways,
    automatic steps), whoever's request set them off."""
    if task.owner_id is None:
        return current_actor()
    if task._meta.get_field("owner").is_cached(task):
        return task.owner
    actor = current_actor()
    if actor is not None and actor.pk == task.owner_id:
        return actor
    return task.owner


def _process_dossier(flow_class: Any, process: models.Model) -> str:
    # A process not coerced to its flow's class (viewflow's base row) is filed by that class.
    if isinstance(process, flow_class.process_class):
        return dossier_ref_of(process)
    return dossier_ref_for(flow_class.process_class._meta.label_lower, process.pk)


def audit_transition(*, flow_class: Any, process: models.Model, task: Any) -> AuditRecord:
    """A flow node finished (human step, gateway, automatic step or end)."""
    node = task.flow_task
    title = getattr(node, "task_title", "") or node.name
    flow_title = getattr(flow_class, "process_title", "") or flow_class.__name__
    return audit_record(
        action=AuditAction.TRANSITION,
        actor=_task_actor(task),
        object_ref=f"viewflow.task:{task.pk}",
        dossier_ref=_process_dossier(flow_class, process),
        summary=f"{flow_title} n° {process.pk} : étape « {title} » terminée.",
        after={"flux": flow_class.__name__, "étape": node.name, "processus": process.pk},
    )


# Object permissions ----------------------------------------------------------------------


def audit_object_permission(*, row: Any, granted: bool) -> AuditRecord:
    """A guardian object-permission row was created (grant) or deleted (revoke)."""
    content_type = ContentType.objects.get_for_id(row.content_type_id)
    label = f"{content_type.app_label}.{content_type.model}"
    field = row._meta.get_field("content_object")
    obj = field.get_cached_value(row, default=None)
    perm = row.permission.codename
    object_ref = f"{label}:{row.object_pk}"
    verb = "accordé au" if granted else "retiré au"
    with transaction.atomic(savepoint=False):  # the holder's key, with the record
        subject_key = None
        if hasattr(row, "group_id"):
            kind, holder = "groupe", row.group.name  # an organisation's group, nobody's name
        else:
            subject_key = identities.key_of_user(row.user)
            kind, holder = "utilisateur", person_token(subject_key)
        state = {kind: holder, "droit": perm, "objet": object_ref}
        return audit_record(
            action=AuditAction.GRANT if granted else AuditAction.REVOKE,
            actor=current_actor(),
            object_ref=object_ref,
            dossier_ref=dossier_ref_for(label, row.object_pk, obj),
            summary=f"Droit « {perm} » {verb} {kind} « {holder} » sur {object_ref}.",
            before=None if granted else state,
            after=state if granted else None,
            subject_key=subject_key,
        )


# Memberships -----------------------------------------------------------------------------

MEMBERSHIP_VERBS = {"added": "ajoutée", "role_changed": "rôle changé", "removed": "retirée"}


def audit_membership(
    *,
    organisation: models.Model,
    user: AbstractBaseUser,
    change: str,
    role: str,
    previous_role: str,
    by: Actor,
) -> AuditRecord:
    """A membership was added, its role changed, or it ended. The person is the record's
    subject and a ``⟦p:KEY⟧`` token in its text (version 2: erasing them blanks the label),
    never a name, an address or their account number."""
    kind = getattr(organisation, "get_kind_display", lambda: "")()
    before = (
        None if change == "added" else {"organisation": ref_of(organisation), "rôle": previous_role}
    )
    after = None if change == "removed" else {"organisation": ref_of(organisation), "rôle": role}
    with transaction.atomic(savepoint=False):  # the person's key, with the record
        subject_key = identities.key_of_user(user)
        return audit_record(
            action=AuditAction.MEMBERSHIP,
            actor=by if by is not None else current_actor(),
            object_ref=ref_of(user),  # as sign-ins: an account number, nobody's name
            summary=(
                f"Appartenance de {person_token(subject_key)} à « {organisation} » ({kind}) : "
                f"{MEMBERSHIP_VERBS.get(change, change)}."
            ),
            before=before,
            after=after,
            subject_key=subject_key,
        )


# Decisions -------------------------------------------------------------------------------

ELIGIBILITY_OUTCOMES = (ApplicationStatus.ELIGIBLE, ApplicationStatus.INELIGIBLE)


def _decider(user_id: int | None) -> Actor:
    """The user who decided, from the request when it is them (no query)."""
    actor = current_actor()
    if user_id is None or (actor is not None and actor.pk == user_id):
        return actor
    from django.contrib.auth import get_user_model

    return get_user_model()._default_manager.filter(pk=user_id).first()


def audit_eligibility(*, application: Application, before_stage: str) -> AuditRecord:
    """The application was found eligible or not."""
    before = ApplicationStatus(before_stage).label if before_stage else "—"
    return audit_record(
        action=AuditAction.DECISION,
        actor=current_actor(),
        obj=application,
        summary=f"Éligibilité : « {before} » → « {application.get_stage_display()} ».",
        before={"statut": before_stage},
        after={"statut": application.stage},
    )


def audit_deliberation(*, deliberation: Deliberation) -> AuditRecord:
    """The committee recorded its avis on a dossier."""
    return audit_record(
        action=AuditAction.DECISION,
        actor=_decider(deliberation.recorded_by_id),
        obj=deliberation,
        summary=f"Avis du comité : {deliberation.get_outcome_display()}.",
        after={
            "avis": deliberation.outcome,
            "montant_propose": deliberation.proposed_amount,
            "conditions": fingerprint(deliberation.conditions),
            "motivation": fingerprint(deliberation.reasons),
            "note_moyenne": deliberation.average_score,
            "seance": deliberation.session_id,
        },
    )


def audit_funding_line_decision(*, line: FundingLine, before_state: str) -> AuditRecord:
    """A financier's line changed state (decided, countersigned, cancelled)."""
    before = LineState(before_state).label if before_state else "—"
    return audit_record(
        action=AuditAction.DECISION,
        actor=current_actor(),
        obj=line,
        summary=(
            f"Ligne de financement n° {line.pk} ({line.get_instrument_display()}) : "
            f"« {before} » → « {line.get_state_display()} »."
        ),
        before={"decision": before_state},
        after={
            "decision": line.state,
            "montant_accorde": line.decided_amount,
            "motif": fingerprint(line.reason),
        },
    )


# Sign-in and documents -------------------------------------------------------------------


def audit_login(*, user: AbstractBaseUser) -> AuditRecord:
    """A user signed in."""
    return audit_record(
        action=AuditAction.LOGIN, actor=user, obj=user, summary="Connexion réussie."
    )


def audit_login_failed(*, username: str) -> AuditRecord:
    """A sign-in failed: the identifier typed is kept in an identity of its own (erased with
    the sign-in logs), never in the record; the password is never read."""
    username = username.strip()
    if not username:
        return audit_record(
            action=AuditAction.LOGIN_FAILED,
            actor=None,
            summary="Échec de connexion sans identifiant.",
            after={"identifiant": ""},
        )
    with transaction.atomic(savepoint=False):
        key = identities.key_of_identifier(username)
        return audit_record(
            action=AuditAction.LOGIN_FAILED,
            actor=None,
            summary=f"Échec de connexion pour « {person_token(key)} ».",
            after={"identifiant": person_token(key)},
            subject_key=key,
        )


def audit_logout(*, user: AbstractBaseUser) -> AuditRecord:
    """A user signed out."""
    return audit_record(action=AuditAction.LOGOUT, actor=user, obj=user, summary="Déconnexion.")


def audit_download(*, document: models.Model, user: Actor) -> AuditRecord:
    """A document was downloaded. Its file name, which may name people, is not kept."""
    code = getattr(document, "code", "")
    return audit_record(
        action=AuditAction.DOWNLOAD,
        actor=user,
        obj=document,
        summary=f"Document n° {document.pk} (pièce « {code} ») téléchargé.",
        after={"code": code},
    )


# Erasure ---------------------------------------------------------------------------------


def _erase(identities_: models.QuerySet[AuditIdentity]) -> int:
    erased = identities_.filter(erased_at=None).update(
        label="", erased_at=timezone.now(), user=None
    )
    identities.forget()  # a key remembered in this thread names nobody now
    return erased


def audit_identities_erase(*, user_ids: Iterable[int], identifiers: Iterable[str] = ()) -> int:
    """Erase these people from the audit trail: their identity's label is blanked, the link
    to their account dropped, and so are the identities of failed sign-ins typed with their
    account's identifier (e-mail) or with one of ``identifiers`` (an address the account had
    before it was anonymised). Every record and hash stays as it is; the pages then read
    « personne effacée ». Call it before deleting the accounts (their e-mails are read).
    Idempotent; returns how many identities were erased."""
    ids = list(user_ids)
    if not ids:
        return 0
    user_model = get_user_model()
    typed = list(
        user_model._default_manager.filter(pk__in=ids).values_list(
            user_model.USERNAME_FIELD, flat=True
        )
    )
    typed += [identifier for identifier in identifiers if identifier]
    same_identifier = Q()
    for identifier in typed:
        same_identifier |= Q(label__iexact=identifier)
    of_people = Q(user_id__in=ids)
    if typed:
        of_people |= Q(user=None) & same_identifier
    return _erase(AuditIdentity.objects.filter(of_people))


def audit_identifier_erase(*, identity: AuditIdentity) -> int:
    """Erase one identifier typed in a failed sign-in (an identity linked to no account);
    idempotent, 1 when it was erased now."""
    return _erase(AuditIdentity.objects.filter(pk=identity.pk, user=None))


def audit_identifiers_erase(*, before: datetime.datetime) -> int:
    """Erase the identifiers typed in failed sign-ins (identities linked to no account)
    recorded before ``before``: the retention of the sign-in logs. Idempotent; returns how
    many identities were erased."""
    return _erase(AuditIdentity.objects.filter(user=None, created_at__lt=before))
