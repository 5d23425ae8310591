"""Deleting a first contact that never became an application.

Nothing of it is needed once its period is over: no decision, no payment, no figure of the
plan beyond the counts already published. The journey goes with its project, history,
messages, orientations and support log; the person and their account go too when they
have nothing else here (no other project, no membership), else they stay.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models.deletion import ProtectedError

from accounts.exceptions import ApplicationError
from accounts.models import Membership, User
from applicants.models import Person, Project, Structure
from audit.services import audit_identities_erase
from documents.models import Document
from workflows.models import Application, Journey, PendingFirstContact

from .files import documents_erase
from .journal import journal
from .person import identity_scrub, person_anonymise, sign_in_records_delete
from .traces import (
    admin_log_scrub,
    dossier_refs,
    notifications_delete,
    object_permissions_delete,
)


def journey_delete(*, journey: Journey) -> bool:
    """Delete ``journey`` (never converted into an application) and what only it used.
    False when it no longer exists; ``ApplicationError`` when it has an application."""
    with transaction.atomic():
        locked = (
            Journey.objects.select_for_update()
            .select_related("project")
            .filter(pk=journey.pk)
            .first()
        )
        if locked is None:
            return False
        if Application.objects.filter(source_journey_id=locked.pk).exists():
            raise ApplicationError(
                "Ce parcours a donné lieu à une candidature : il s'anonymise, il ne se supprime pas."
            )
        project = locked.project
        person_id = locked.holder_id
        counts = {
            "notifications": notifications_delete(
                refs=dossier_refs(journey_pk=locked.pk, application_pk=None)
            ),
            "droits": object_permissions_delete([locked, project]),
            "historique de l'admin": admin_log_scrub([locked, project]),
        }
        locked.delete()
        structure_id = project.structure_id
        project.delete()
        counts["structure"] = _structure_delete_if_unused(structure_id)
        counts["personne"] = _person_delete_if_alone(person_id)
        journal(
            object_ref=f"workflows.journey:{journey.pk}",
            dossier_ref=f"workflows.journey:{journey.pk}",
            summary=f"Premier contact n° {journey.pk} supprimé (jamais devenu candidature).",
            after={"lignes supprimées": counts},
        )
    return True


def _structure_delete_if_unused(structure_id: int | None) -> int:
    if structure_id is None or Project.objects.filter(structure_id=structure_id).exists():
        return 0
    return Structure.objects.filter(pk=structure_id).delete()[0]


def _person_delete_if_alone(person_id: int) -> int:
    """Delete the person and their account when nothing else holds them: 2 (person and
    account), 1 when the account had to be anonymised instead, 0 when they stay."""
    user = User.objects.get(pk=person_id)
    alone = (
        not Project.objects.filter(holder_id=person_id).exists()
        and not Membership.objects.filter(user_id=person_id).exists()
        and not user.is_staff
        and not user.is_superuser
    )
    if not alone:
        return 0
    # Before the address changes: sign-ins typed with it are forgotten with the account,
    # and so are the public form's submissions made with it.
    audit_identities_erase(user_ids=[person_id])
    PendingFirstContact.objects.filter(email__iexact=user.email).delete()
    sign_in_records_delete(user.email)
    identity_scrub(user)  # revokes written to the trail by the cascade name nobody
    admin_log_scrub([user, *Person.objects.filter(pk=person_id)])
    documents_erase(Document.objects.filter(owner=user))
    try:
        with transaction.atomic():
            Document.objects.filter(owner=user).delete()
            Structure.objects.filter(holder_id=person_id).delete()
            Person.objects.filter(pk=person_id).delete()
            user.delete()
    except ProtectedError:
        # Still referenced elsewhere (an edit, a request they answered): kept, anonymised.
        person_anonymise(user=user)
        return 1
    audit_identities_erase(user_ids=[person_id])  # what the cascade's revokes named
    return 2
