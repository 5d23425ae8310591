"""``dossiers.csv``: one row per project, with its journey and its application when they exist.

Two queries feed it, both reading forward joins only: the applications (each with its
project and journey), then the projects that have no application yet. A column says once
where its value is (``Paths``); a dossier-wide figure (money, first orientation) is a
correlated subquery, so the file costs the same few queries whatever the number of rows.
Another stage date is one more ``Column`` here.

What is coarsened, and why. The open-data file (SCDL) names every grant above the legal
threshold with its exact ``montant`` and ``dateConvention``, and the beneficiary's SIRET,
which the public SIRENE directory turns into a commune, a legal form and a sector. A lab row
that carried the same values would join that file and put a name on the holder's declared
gender and age band. So, in every file of the extract:
- every date is a month (``AAAA-MM``): a day is a join key, a month is shared;
- every sum of money is a 5 000 € band, and the sums a financier may publish (requested,
  proposed, granted, paid, co-financed) are top-coded: from the band holding the
  publication threshold on, one open band ("20 000 € ou plus"), so every published grant
  looks the same; budget and turnover keep their bands (budget ÷ grant is the SCDL's
  ``pourcentageSubvention``);
- the legal form is its family (association, coopérative/mutuelle/fondation, société
  commerciale, autre): a rare form in a small commune singles a structure out.
Kept on purpose: commune and QPV (the evaluation's first question, the issue asks for them)
and the sector (a short list). What remains is a residual risk for a rare commune, sector and
family combination; the lab's rules of use (LISEZMOI) forbid re-identification and cells
under the threshold.
"""

from __future__ import annotations

from typing import Any

from django.db.models import (
    Case,
    CharField,
    Exists,
    F,
    Min,
    OuterRef,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Greatest

from applicants.models import AgeBand, Gender, Project, ProjectStage, QpvOutcome, Sector
from funding.models import Convention, FundingLine, LineState, Tranche
from workflows.models import (
    Application,
    ApplicationAxis,
    ApplicationStatus,
    JourneyStage,
    Orientation,
    OrientationOutcome,
    SupportConclusion,
)
from workflows.status import stages as status_stages

from . import columns as c
from .columns import Column, LabFile, Paths

FROM_APPLICATION = Paths(project="project__", journey="source_journey__", application="")
FROM_PROJECT = Paths(project="", journey="journey__", application=None)
NOTHING = Value(None, output_field=CharField())


def project(path: str) -> c.Source:
    return lambda p: F(p.project + path)


def journey(path: str) -> c.Source:
    return lambda p: F(p.journey + path)


def application(path: str) -> c.Source:
    return lambda p: NOTHING if p.application is None else F(path)


def per_application(model: Any, fk: str, aggregate: Any, **filters: Any) -> c.Source:
    """One figure over the application's records (its funding lines, its tranches)."""

    def source(p: Paths) -> Any:
        if p.application is None:
            return NOTHING
        rows = model.objects.filter(**{fk: OuterRef("pk")}, **filters).order_by()
        return Subquery(rows.values(fk).annotate(figure=aggregate).values("figure")[:1])

    return source


def per_journey(aggregate: Any, **filters: Any) -> c.Source:
    def source(p: Paths) -> Any:
        outer = "source_journey_id" if p.application is not None else "journey__pk"
        rows = Orientation.objects.filter(journey_id=OuterRef(outer), **filters).order_by()
        return Subquery(rows.values("journey_id").annotate(figure=aggregate).values("figure")[:1])

    return source


def convention_signed(p: Paths) -> Any:
    if p.application is None:
        return NOTHING
    both = Convention.objects.filter(
        application_id=OuterRef("pk"), holder_signed_on__isnull=False, mel_signed_on__isnull=False
    )
    return Subquery(both.values(on=Greatest("holder_signed_on", "mel_signed_on"))[:1])


# The furthest step reached, in the words of the applicant's step list (the status page's).
NO_CONTACT = "Projet décrit, sans premier contact"
STEPS = (NO_CONTACT, *(str(step) for step in status_stages.STEPS))


def _by_step(index_of: dict[str, int]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for stage, index in index_of.items():
        grouped.setdefault(str(status_stages.STEPS[index]), []).append(stage)
    return grouped


def step_reached(p: Paths) -> Any:
    journey_steps, application_steps = status_stages.step_index_by_stage()
    whens = []
    if p.application is not None:
        whens += [
            When(stage__in=s, then=Value(step)) for step, s in _by_step(application_steps).items()
        ]
    stage = p.journey + "stage"
    whens += [
        When(**{f"{stage}__in": s}, then=Value(step)) for step, s in _by_step(journey_steps).items()
    ]
    return Case(*whens, default=Value(NO_CONTACT), output_field=CharField())


FAMILIES = (
    "Association",
    "Coopérative, mutuelle ou fondation",
    "Société commerciale",
    "Autre forme",
)


def legal_form_family(p: Paths) -> Any:
    """The family, not the exact form: a rare form (a SCIC…) in a small commune is a name."""
    form = p.project + "structure__legal_form__"
    return Case(
        When(**{f"{form}is_association": True}, then=Value(FAMILIES[0])),
        When(**{f"{form}ess_by_nature": True}, then=Value(FAMILIES[1])),
        When(**{f"{form}is_commercial_company": True}, then=Value(FAMILIES[2])),
        When(**{f"{form}code__isnull": False}, then=Value(FAMILIES[3])),
        default=NOTHING,
        output_field=CharField(),
    )


QPV = {QpvOutcome.INSIDE: "oui", QpvOutcome.OUTSIDE: "non"}
GRANTED = {"state": LineState.GRANTED}

COLUMNS: tuple[Column, ...] = (
    Column("dossier", "Pseudonyme du dossier (projet, parcours et candidature)", "pseudonyme",
           project("pk"), c.dossier),
    Column("personne", "Pseudonyme de la personne qui porte le projet", "pseudonyme",
           project("holder_id"), c.person),
    Column("commune_insee", "Code INSEE de la commune de l'activité", "texte",
           project("commune__insee_code"), c.text, allowed="5 caractères"),
    Column("commune", "Commune de l'activité", "texte", project("commune__name"), c.text),
    Column("qpv", "Activité située dans un quartier prioritaire de la politique de la ville",
           "texte", project("current_qpv__outcome"),
           lambda v, _: QPV.get(v, "inconnu"), allowed=c.YES_NO_UNKNOWN),
    Column("secteur", "Secteur d'activité du projet", "texte", project("sector"),
           c.label(Sector.choices), allowed=c.listed(Sector.choices)),
    Column("stade_projet", "Stade du projet déclaré par la personne", "texte",
           project("stage"), c.label(ProjectStage.choices),
           allowed=c.listed(ProjectStage.choices)),
    Column("forme_juridique", "Famille de forme juridique de la structure (vide : pas de "
           "structure)", "texte", legal_form_family, c.text, allowed=" | ".join(FAMILIES)),
    Column("axe_plan", "Axe du plan ESS dont relève le programme de la candidature", "texte",
           application("rule_version__programme__axis__name"), c.text),
    Column("programme", "Programme auquel la candidature est déposée", "texte",
           application("rule_version__programme__name"), c.text),
    Column("volet", "Volet de la candidature", "texte", application("axis"),
           c.label(ApplicationAxis.choices), allowed=c.listed(ApplicationAxis.choices)),
    Column("etape_atteinte", "Étape la plus avancée atteinte, déduite des statuts ci-après",
           "texte", step_reached, c.text, allowed=" | ".join(STEPS)),
    Column("statut_parcours", "Statut du parcours (premier contact, orientation, "
           "accompagnement)", "texte", journey("stage"), c.label(JourneyStage.choices),
           allowed=c.listed(JourneyStage.choices)),
    Column("statut_candidature", "Statut de la candidature (vide : pas de candidature)",
           "texte", application("stage"), c.label(ApplicationStatus.choices),
           allowed=c.listed(ApplicationStatus.choices)),
    Column("structure_accompagnement", "Structure d'accompagnement du projet (personne "
           "morale)", "texte", project("support_organisation__name"), c.text),
    Column("conclusion_accompagnement", "Comment l'accompagnement s'est terminé", "texte",
           journey("conclusion"), c.label(SupportConclusion.choices),
           allowed=c.listed(SupportConclusion.choices)),
    Column("date_premier_contact", "Date du premier contact", c.DATE, journey("created"), c.month),
    Column("date_orientation", "Date de la première orientation proposée", c.DATE,
           per_journey(Min("proposed_at")), c.month),
    Column("date_debut_accompagnement", "Date à laquelle une structure a accepté "
           "d'accompagner le projet", c.DATE,
           per_journey(Min("decided_at"), outcome=OrientationOutcome.ACCEPTED), c.month),
    Column("date_fin_parcours", "Date de fin du parcours (prêt à candidater, réorienté, "
           "accompagnement terminé ou retiré)", c.DATE, journey("finished"), c.month),
    Column("date_candidature_ouverte", "Date d'ouverture de la candidature", c.DATE,
           application("created"), c.month),
    Column("date_depot", "Date de dépôt de la candidature", c.DATE,
           application("submitted_at"), c.month),
    Column("date_comite", "Date de la séance du comité de sélection", c.DATE,
           application("committee_session__starts_at"), c.month),
    Column("date_decision", "Date de l'avis du comité de sélection", c.DATE,
           application("decided_at"), c.month),
    Column("date_convention", "Date de la convention signée par les deux parties", c.DATE,
           convention_signed, c.month),
    Column("date_premier_versement", "Date du premier versement ordonné", c.DATE,
           per_application(Tranche, "application", Min("released_at")), c.month),
    Column("date_cloture", "Date de fin de la candidature (clôture, refus, retrait)", c.DATE,
           application("finished"), c.month),
    Column("montant_demande", "Montant de subvention demandé", c.BAND,
           application("requested_amount"), c.grant_band, unit="euros", allowed=c.GRANT_BANDS),
    Column("budget_previsionnel", "Budget prévisionnel du projet", c.BAND,
           application("total_budget"), c.band, unit="euros", allowed=c.BANDS),
    Column("emplois_prevus", "Emplois prévus", "nombre", application("jobs_planned_fte"),
           c.number, unit="équivalents temps plein"),
    Column("subvention_proposee", "Subvention Entreprendre Autrement proposée au financeur",
           c.BAND, per_application(FundingLine, "dossier", Sum("proposed_amount"),
                                     is_programme_grant=True), c.grant_band, unit="euros", allowed=c.GRANT_BANDS),
    Column("subvention_accordee", "Subvention Entreprendre Autrement accordée", c.BAND,
           per_application(FundingLine, "dossier", Sum("decided_amount"),
                           is_programme_grant=True, **GRANTED), c.grant_band, unit="euros", allowed=c.GRANT_BANDS),
    Column("cofinancements_accordes", "Autres financements accordés (prêts, garanties, "
           "autres subventions…)", c.BAND,
           per_application(FundingLine, "dossier", Sum("decided_amount"),
                           is_programme_grant=False, **GRANTED), c.grant_band, unit="euros", allowed=c.GRANT_BANDS),
    Column("montant_verse", "Subvention dont le versement est ordonné", c.BAND,
           per_application(Tranche, "application", Sum("amount"), released_at__isnull=False),
           c.grant_band, unit="euros", allowed=c.GRANT_BANDS),
    Column("genre", "Genre déclaré par la personne (question facultative)", "texte",
           project("holder__gender"), c.label(Gender.choices, blank=str(Gender.NOT_ASKED.label)),
           allowed=c.listed(Gender.choices, str(Gender.NOT_ASKED.label))),
    Column("tranche_age", "Tranche d'âge déclarée par la personne (question facultative)",
           "texte", project("holder__age_band"),
           c.label(AgeBand.choices, blank=str(AgeBand.NOT_ASKED.label)),
           allowed=c.listed(AgeBand.choices, str(AgeBand.NOT_ASKED.label))),
)  # fmt: skip


def _select(queryset: Any, paths: Paths) -> Any:
    return queryset.values(**{f"lab_{i}": col.source(paths) for i, col in enumerate(COLUMNS)})


def applications() -> Any:
    return _select(Application.objects.order_by("pk"), FROM_APPLICATION)


def projects_without_application() -> Any:
    applied = Application.objects.filter(project_id=OuterRef("pk"))
    return _select(Project.objects.filter(~Exists(applied)).order_by("pk"), FROM_PROJECT)


DOSSIERS = LabFile(
    name="dossiers.csv",
    description="Une ligne par projet, avec son parcours et sa candidature s'ils existent.",
    columns=COLUMNS,
    queries=(applications, projects_without_application),
)
