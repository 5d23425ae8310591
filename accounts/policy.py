"""The permission policy: who may do what on which objects, in one readable table.

Each rule says that a *persona* may perform *actions* on a *model* within a *scope*:

- ``ALL``: every object of the model. Held as model-wide permissions by the group of the
  persona's organisations (only MEL staff, the steering reader and the lab for aggregates,
  and the lab for its pseudonymised extract).
- ``OWN``: objects the user owns through a foreign key (applicants and their person,
  structures and projects). Answered by ``accounts.backends.OwnershipBackend``; no rows.
- ``LINKED``: objects an organisation is linked to (an incubator's portfolio, a committee's
  sessions, the Comité métropolitain's meetings). Granted as guardian object permissions
  **to the organisation's group** by the services when the relationship starts, revoked
  when it ends.
- ``MEMBER``: the user's own organisations.

- ``ASSIGNED``: objects handed to one person, not to their organisation (a committee member
  and the dossier they score). Granted as guardian object permissions **to the user** by the
  services when the assignment starts, revoked when it ends: a member who declares a
  conflict loses it, which a group grant could not express.

Memberships are rights (a member holds the organisation's grants), so who may change
them is policy too. ``add``/``change``/``delete`` on ``accounts.membership`` cover the
organisations of the programme's partners; those of ``RESTRICTED_MEMBERSHIP_KINDS`` also
need ``manage_restricted`` (``membership_perms``), held by the MEL's habilitations service
alone (``ACCESS_ADMIN``), never by the programme staff who instruct the dossiers:

- financiers (decide and countersign the money) and the selection committee (scores):
  the four-eyes rule and the conflict rules protect them from the instructors, who must
  not be able to join them;
- the MEL team (instructs every dossier, sees everything), the DPO and the habilitations
  service itself: each holds power over the others' rights or data, so nobody of them
  co-opts a colleague.

Programme staff keep the support organisations (they choose and follow the incubators,
whose staff change often, and a support member only prepares a dossier, which the
instruction then examines: the committee's automatic conflict already keeps a support
member from scoring the projects of their structure), the Comité métropolitain (reads the
aggregates and the meetings staff prepare) and the lab (reads what staff already read,
pseudonymised). Nobody, whatever their rights, changes their own membership
(``accounts.services``); every change is audited and told to the organisation.

Committee members reach a dossier only through their own scoring: its task is assigned to
them, and ``consult`` lets them read the dossier's documents (never its page, never
``view``). Everything else is denied. Services refuse to grant anything the table does not allow, the
permission sync derives model-wide grants from it, and tests compare pages with it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from .models import OrganisationKind


class Persona(models.TextChoices):
    APPLICANT = "applicant", _("Porteur·se de projet")
    SUPPORT_MEMBER = "support_member", _("Structure d'accompagnement")
    COMMITTEE_MEMBER = "committee_member", _("Membre du comité de sélection")
    FINANCIER_MEMBER = "financier_member", _("Financeur")
    MEL_STAFF = "mel_staff", _("Chargé·e de mission MEL")
    STEERING_READER = "steering_reader", _("Pilotage du plan")
    LAB_MEMBER = "lab_member", _("Laboratoire d'évaluation")
    DPO = "dpo", _("Délégué·e à la protection des données")
    ACCESS_ADMIN = "access_admin", _("Gestionnaire des habilitations")
    ADMINISTRATOR = "administrator", _("Administrateur·rice")


class Scope(models.TextChoices):
    ALL = "all", _("tous les objets")
    OWN = "own", _("ses propres objets")
    LINKED = "linked", _("objets liés à son organisation")
    MEMBER = "member", _("ses organisations")
    ASSIGNED = "assigned", _("objets qui lui sont confiés personnellement")


PERSONA_OF_KIND: dict[str, Persona] = {
    OrganisationKind.MEL_TEAM: Persona.MEL_STAFF,
    OrganisationKind.SUPPORT: Persona.SUPPORT_MEMBER,
    OrganisationKind.FINANCIER: Persona.FINANCIER_MEMBER,
    OrganisationKind.COMMITTEE: Persona.COMMITTEE_MEMBER,
    OrganisationKind.STEERING: Persona.STEERING_READER,
    OrganisationKind.LAB: Persona.LAB_MEMBER,
    OrganisationKind.DPO: Persona.DPO,
    OrganisationKind.ACCESS: Persona.ACCESS_ADMIN,
}


# The organisations whose members are chosen by the habilitations service only.
RESTRICTED_MEMBERSHIP_KINDS: frozenset[str] = frozenset(
    {
        OrganisationKind.MEL_TEAM,
        OrganisationKind.DPO,
        OrganisationKind.ACCESS,
        OrganisationKind.FINANCIER,
        OrganisationKind.COMMITTEE,
    }
)


@dataclass(frozen=True)
class Rule:
    persona: Persona
    model: str  # "app_label.modelname"
    actions: tuple[str, ...]
    scope: Scope

    def codenames(self) -> list[str]:
        model_name = self.model.split(".")[1]
        return [f"{action}_{model_name}" for action in self.actions]

    def perms(self) -> list[str]:
        app_label = self.model.split(".")[0]
        return [f"{app_label}.{codename}" for codename in self.codenames()]


A, S, C, F = (
    Persona.APPLICANT,
    Persona.SUPPORT_MEMBER,
    Persona.COMMITTEE_MEMBER,
    Persona.FINANCIER_MEMBER,
)
M, R, L = Persona.MEL_STAFF, Persona.STEERING_READER, Persona.LAB_MEMBER
D, H = Persona.DPO, Persona.ACCESS_ADMIN

# fmt: off
POLICY: tuple[Rule, ...] = (
    # persona  model                           actions                          scope
    Rule(A, "applicants.person",              ("view", "change"),              Scope.OWN),
    Rule(A, "applicants.structure",           ("view", "change"),              Scope.OWN),
    Rule(A, "applicants.project",             ("view", "change"),              Scope.OWN),
    Rule(A, "workflows.journey",              ("view",),                       Scope.OWN),
    Rule(A, "workflows.application",          ("view",),                       Scope.OWN),

    Rule(S, "applicants.project",             ("view", "change"),              Scope.LINKED),
    Rule(S, "applicants.structure",           ("view",),                       Scope.LINKED),
    Rule(S, "workflows.journey",              ("view", "orient", "support"),   Scope.LINKED),
    Rule(S, "workflows.application",          ("view", "fill"),                Scope.LINKED),
    Rule(S, "accounts.organisation",          ("view",),                       Scope.MEMBER),

    Rule(C, "reviewers.committeesession",     ("view",),                       Scope.LINKED),
    Rule(C, "accounts.organisation",          ("view",),                       Scope.MEMBER),
    Rule(C, "workflows.application",          ("consult",),                    Scope.ASSIGNED),

    Rule(F, "workflows.application",          ("view",),                       Scope.LINKED),
    Rule(F, "funding.fundingline",            ("view", "sign"),                Scope.LINKED),
    Rule(F, "accounts.organisation",          ("view",),                       Scope.MEMBER),

    Rule(M, "applicants.person",              ("view",),                       Scope.ALL),
    Rule(M, "applicants.structure",           ("view", "change"),              Scope.ALL),
    Rule(M, "applicants.project",             ("view", "change", "aggregate", "extract"), Scope.ALL),
    Rule(M, "workflows.journey",              ("view", "triage"),              Scope.ALL),
    Rule(M, "workflows.application",          ("view", "instruct"),            Scope.ALL),
    Rule(M, "reviewers.scoring",              ("view",),                       Scope.ALL),
    Rule(M, "funding.fundingline",            ("view",),                       Scope.ALL),
    Rule(M, "notifications.notification",     ("view", "resend"),              Scope.ALL),
    Rule(M, "workflows.orientationrule",      ("view", "add", "change", "delete"), Scope.ALL),
    Rule(M, "applicants.qpvdetermination",    ("view", "add"),                 Scope.ALL),
    Rule(M, "applicants.commune",             ("view",),                       Scope.ALL),
    Rule(M, "applicants.qpvarea",             ("view",),                       Scope.ALL),
    Rule(M, "applicants.legalform",           ("view",),                       Scope.ALL),
    Rule(M, "accounts.organisation",          ("view", "add", "change"),       Scope.ALL),
    Rule(M, "accounts.membership",            ("view", "add", "change", "delete"), Scope.ALL),
    Rule(M, "funding.planaxis",               ("view", "add", "change"),       Scope.ALL),
    Rule(M, "funding.programme",              ("view", "add", "change"),       Scope.ALL),
    Rule(M, "funding.callruleversion",        ("view", "add", "change"),       Scope.ALL),
    Rule(M, "funding.requireddocument",       ("view", "add", "change", "delete"), Scope.ALL),
    Rule(M, "funding.scoringcriterion",       ("view", "add", "change", "delete"), Scope.ALL),
    Rule(M, "reviewers.committeesession",     ("view", "add", "change"),       Scope.ALL),
    Rule(M, "steering.comitemeeting",         ("view", "add", "change", "generate", "approve"), Scope.ALL),
    Rule(M, "steering.comitemember",          ("view", "add", "change", "delete"), Scope.ALL),
    Rule(M, "steering.agendaitem",            ("view", "add", "change", "delete"), Scope.ALL),
    Rule(M, "steering.semesterreport",        ("view",),                       Scope.ALL),
    Rule(M, "steering.indicatorsnapshot",     ("recompute",),                  Scope.ALL),
    Rule(M, "api.apiclient",                  ("view", "add", "change"),       Scope.ALL),
    Rule(M, "api.webhooksubscription",        ("view", "add", "change"),       Scope.ALL),
    Rule(M, "api.webhookdelivery",            ("view", "resend"),              Scope.ALL),

    Rule(R, "applicants.project",             ("aggregate",),                  Scope.ALL),
    # The Comité métropolitain's meetings and reports: those chosen for each meeting.
    Rule(R, "steering.comitemeeting",         ("view",),                       Scope.LINKED),
    Rule(R, "accounts.organisation",          ("view",),                       Scope.MEMBER),

    # The evaluation lab: the aggregates, and the row-level pseudonymised extract (only it
    # and MEL staff: the Comité's members and partners read aggregates).
    Rule(L, "applicants.project",             ("aggregate", "extract"),        Scope.ALL),
    Rule(L, "accounts.organisation",          ("view",),                       Scope.MEMBER),

    # The MEL's data-protection officer: the retention rules, what is due and what each
    # night's run did (privacy/retention), and a dry run on demand. No dossier.
    Rule(D, "privacy.retentionrun",           ("view", "simulate"),            Scope.ALL),
    # The DPO: any person's subject-access export, found by e-mail (each one audited).
    # Everyone exports their own data from « Mes données personnelles », with no rule.
    Rule(D, "accounts.user",                  ("export",),                     Scope.ALL),
    # The habilitations service: who belongs to which organisation, the sensitive ones
    # included (``manage_restricted``); it reads organisations, it does not edit them.
    Rule(H, "accounts.organisation",          ("view",),                       Scope.ALL),
    Rule(H, "accounts.membership",            ("view", "add", "change", "delete", "manage_restricted"), Scope.ALL),
)
# fmt: on


def rules_for(persona: Persona, scope: Scope | None = None) -> list[Rule]:
    return [r for r in POLICY if r.persona == persona and (scope is None or r.scope == scope)]


def model_wide_perms(persona: Persona) -> list[str]:
    """Permissions (``app.codename``) the persona's organisation group holds on whole models."""
    return [perm for rule in rules_for(persona, Scope.ALL) for perm in rule.perms()]


def linked_actions(persona: Persona, model_label: str) -> tuple[str, ...]:
    """Actions an organisation of this persona may be granted on one linked object."""
    for rule in rules_for(persona, Scope.LINKED):
        if rule.model == model_label:
            return rule.actions
    return ()


def assigned_actions(persona: Persona, model_label: str) -> tuple[str, ...]:
    """Actions a person of this persona may be granted, for themselves, on one object."""
    for rule in rules_for(persona, Scope.ASSIGNED):
        if rule.model == model_label:
            return rule.actions
    return ()


def allows(persona: Persona, perm: str, scope: Scope) -> bool:
    return any(perm in rule.perms() for rule in rules_for(persona, scope))


def personas_with(perm: str) -> dict[Persona, Scope]:
    """For one permission, which personas hold it and within which scope (for docs and tests)."""
    return {rule.persona: rule.scope for rule in POLICY if perm in rule.perms()}


def membership_perms(kind: str, action: str) -> tuple[str, ...]:
    """Every permission needed to ``action`` ("add", "change" or "delete") a membership of an
    organisation of ``kind`` (see the module docstring)."""
    needed: tuple[str, ...] = (f"accounts.{action}_membership",)
    if kind in RESTRICTED_MEMBERSHIP_KINDS:
        needed += ("accounts.manage_restricted_membership",)
    return needed
