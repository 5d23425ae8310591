"""Who is told of a change in an organisation's members: its other members and the person
concerned, in plain French (« … a été ajouté·e au financeur « … » par … le … »)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from accounts.french import long_date
from accounts.models import MembershipRole, Organisation, OrganisationKind, User
from accounts.policy import RESTRICTED_MEMBERSHIP_KINDS
from accounts.signals import ADDED, REMOVED
from notifications.catalogue import Event
from notifications.services import Message, notify
from workflows.recipients import member_ids

# "ajouté·e au financeur « … »", "retiré·e du financeur « … »": each kind with its articles.
KIND_WORDS: dict[str, tuple[str, str]] = {
    OrganisationKind.MEL_TEAM: ("à l'équipe programme", "de l'équipe programme"),
    OrganisationKind.SUPPORT: (
        "à la structure d'accompagnement",
        "de la structure d'accompagnement",
    ),
    OrganisationKind.FINANCIER: ("au financeur", "du financeur"),
    OrganisationKind.COMMITTEE: ("au comité de sélection", "du comité de sélection"),
    OrganisationKind.STEERING: ("au Comité métropolitain", "du Comité métropolitain"),
    OrganisationKind.LAB: ("au laboratoire d'évaluation", "du laboratoire d'évaluation"),
    OrganisationKind.DPO: ("au service", "du service"),
    OrganisationKind.ACCESS: ("au service", "du service"),
}


def membership_sentence(
    *, organisation: Organisation, person: str, change: str, role: str, previous_role: str, by: str
) -> tuple[str, str]:
    """The headline and the sentence of a change of members, in plain French: « Paul Leroy
    a été ajouté·e au financeur « Fonds Nord » par Olivier Vasseur le 3 décembre 2026 à
    17 h 40, comme membre. »"""
    to, of = KIND_WORDS.get(organisation.kind, ("à", "de"))
    now = timezone.localtime()
    when = f"le {long_date(now)} à {now:%H} h {now:%M}"
    label = dict(MembershipRole.choices)
    if change == ADDED:
        sentence = f"{person} a été ajouté·e {to} « {organisation} » par {by} {when}"
        return f"{person} en devient membre", f"{sentence}, comme {label[role].lower()}."
    if change == REMOVED:
        headline = f"{person} n'en est plus membre"
        return headline, f"{person} a été retiré·e {of} « {organisation} » par {by} {when}."
    sentence = (
        f"{person} est désormais {label[role].lower()} {of} « {organisation} » (auparavant "
        f"{label.get(previous_role, previous_role).lower()}) : changement fait par {by} {when}."
    )
    return f"{person} change de rôle", sentence


def membership_changed(
    *,
    organisation: Organisation,
    user: User,
    change: str,
    role: str,
    previous_role: str,
    by: User,
) -> None:
    """A person changed the members of an organisation: its other members, and the person
    concerned, are told (a removed person without the organisation's page, closed to them)."""
    headline, sentence = membership_sentence(
        organisation=organisation,
        person=str(user),
        change=change,
        role=role,
        previous_role=previous_role,
        by=str(by),
    )
    restricted = organisation.kind in RESTRICTED_MEMBERSHIP_KINDS
    context = {
        "organisation": str(organisation),
        "headline": headline,
        "sentence": sentence,
        "contact": "au service des habilitations de la MEL"
        if restricted
        else "à l'équipe de la MEL",
    }
    occurrence = f"{organisation.pk}:{user.pk}:{change}:{timezone.now():%Y%m%d%H%M%S%f}"
    page = reverse("accounts:organisation_detail", args=[organisation.slug])
    members = [pk for pk in member_ids(organisation) if pk not in (by.pk, user.pk)]
    told_there = members if change == REMOVED else [*members, user.pk]
    notify(
        message=Message(Event.MEMBERSHIP_CHANGED, page, "", occurrence, context),
        recipient_ids=told_there,
    )
    if change == REMOVED:
        notify(
            message=Message(Event.MEMBERSHIP_CHANGED, "", "", f"{occurrence}:left", context),
            recipient_ids=[user.pk],
        )
