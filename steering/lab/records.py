"""``financements.csv`` (one row per financier's funding line) and ``suivis.csv`` (one row per
follow-up report), each tied to its dossier by the dossier's pseudonym.

Financiers are organisations (legal persons): their name is kept. The reasons, comments and
signatories of a line or a report are not.
"""

from __future__ import annotations

from typing import Any

from django.db.models import F

from funding.models import FollowUpReport, FundingInstrument, FundingLine, LineState

from . import columns as c
from .columns import Column, LabFile, Paths


def field(path: str) -> c.Source:
    return lambda _: F(path)


FUNDING_COLUMNS: tuple[Column, ...] = (
    Column("dossier", "Pseudonyme du dossier (le même que dans dossiers.csv)", "pseudonyme",
           field("dossier__project_id"), c.dossier),
    Column("financeur", "Organisation qui finance (personne morale)", "texte",
           field("organisation__name"), c.text),
    Column("subvention_programme", "Ligne de la subvention Entreprendre Autrement", "texte",
           field("is_programme_grant"), c.yes_no, allowed="oui | non"),
    Column("instrument", "Nature du financement", "texte", field("instrument"),
           c.label(FundingInstrument.choices), allowed=c.listed(FundingInstrument.choices)),
    Column("montant_propose", "Montant proposé au financeur", c.BAND,
           field("proposed_amount"), c.grant_band, unit="euros", allowed=c.GRANT_BANDS),
    Column("montant_accorde", "Montant accordé (vide : pas encore décidé ou refusé)", c.BAND,
           field("decided_amount"), c.grant_band, unit="euros", allowed=c.GRANT_BANDS),
    Column("decision", "Décision du financeur", "texte", field("state"),
           c.label(LineState.choices), allowed=c.listed(LineState.choices)),
    Column("date_proposition", "Date à laquelle la ligne a été proposée au financeur", c.DATE,
           field("created"), c.month),
    Column("date_decision", "Date de la décision du financeur (première signature)", c.DATE,
           field("first_signed_at"), c.month),
    Column("date_seconde_signature", "Date de la seconde signature, quand elle est exigée",
           c.DATE, field("second_signed_at"), c.month),
)  # fmt: skip

REPORT_COLUMNS: tuple[Column, ...] = (
    Column("dossier", "Pseudonyme du dossier (le même que dans dossiers.csv)", "pseudonyme",
           field("application__project_id"), c.dossier),
    Column("echeance_mois", "Échéance du rapport, en mois après la décision", "entier",
           field("months"), c.integer, unit="mois"),
    Column("rapport_final", "Rapport final du suivi", "texte", field("is_final"), c.yes_no,
           allowed="oui | non"),
    Column("date_echeance", "Date à laquelle le rapport est attendu", c.DATE,
           field("due_on"), c.month),
    Column("date_rendu", "Date à laquelle le rapport a été rendu (vide : pas encore rendu)",
           c.DATE, field("submitted_at"), c.month),
    Column("emplois_crees", "Emplois créés", "nombre", field("jobs_created_fte"), c.number,
           unit="équivalents temps plein"),
    Column("emplois_maintenus", "Emplois maintenus", "nombre", field("jobs_kept_fte"),
           c.number, unit="équivalents temps plein"),
    Column("embauches_qpv", "Personnes embauchées habitant un quartier prioritaire", "entier",
           field("qpv_residents_hired"), c.integer, unit="personnes"),
    Column("beneficiaires", "Bénéficiaires de l'activité", "entier", field("beneficiaries"),
           c.integer, unit="personnes"),
    Column("chiffre_affaires", "Chiffre d'affaires déclaré", c.BAND, field("turnover"),
           c.band, unit="euros", allowed=c.BANDS),
    Column("activite_en_cours", "L'activité se poursuit à la date du rapport", "texte",
           field("still_active"), c.yes_no, allowed=c.YES_NO_UNKNOWN),
)  # fmt: skip


def _select(queryset: Any, columns: tuple[Column, ...]) -> Any:
    paths = Paths()  # one model per file: its columns name their own paths
    return queryset.values(**{f"lab_{i}": col.source(paths) for i, col in enumerate(columns)})


def funding_lines() -> Any:
    return _select(FundingLine.objects.order_by("pk"), FUNDING_COLUMNS)


def reports() -> Any:
    return _select(FollowUpReport.objects.order_by("pk"), REPORT_COLUMNS)


FUNDING = LabFile(
    name="financements.csv",
    description="Une ligne par financeur sollicité pour un dossier, avec sa décision.",
    columns=FUNDING_COLUMNS,
    queries=(funding_lines,),
)
REPORTS = LabFile(
    name="suivis.csv",
    description="Une ligne par rapport de suivi attendu ou rendu après le financement.",
    columns=REPORT_COLUMNS,
    queries=(reports,),
)
