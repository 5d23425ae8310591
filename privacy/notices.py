"""The information notice of art. 13 RGPD, versioned.

Each published version keeps its text here for good: a consent record names the version the
person read (``ConsentRecord.text_version``), so that text must stay readable at
``/donnees-personnelles/version/<id>/``. Publishing a new notice is adding a ``Notice`` at
the end of ``NOTICES`` and setting ``PRIVACY_NOTICE_VERSION`` to its id (a system check,
``privacy.checks``, refuses a setting naming no notice).

Texts are in plain French. ``{dpo}`` is replaced by the ``DPO_CONTACT`` setting; the
durations come from the retention rules where they are declared (``privacy.retention``),
else from the proposals of ``docs/personal-data.md`` [À CONFIRMER AVEC LE DPO].
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings

from privacy.retention.rules import RULES
from privacy.retention.selectors import rule_duration

CNIL_COMPLAINT_URL = "https://www.cnil.fr/fr/adresser-une-plainte"


@dataclass(frozen=True)
class Section:
    title: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Notice:
    id: str  # e.g. "2026-12", stored on the consent records
    published: datetime.date
    sections: tuple[Section, ...]

    def rendered(self) -> tuple[Section, ...]:
        """The sections with the DPO's contact filled in."""
        dpo = settings.DPO_CONTACT
        return tuple(
            Section(s.title, tuple(p.replace("{dpo}", dpo) for p in s.paragraphs))
            for s in self.sections
        )


_CONTROLLER = Section(
    "Qui est responsable de vos données",
    (
        "La Métropole Européenne de Lille (MEL) est responsable du traitement des données "
        "recueillies par cette plateforme, pour le programme « Entreprendre Autrement ».",
        "Pour toute question sur vos données, écrivez à notre délégué·e à la protection des "
        "données : {dpo}.",
    ),
)
_PURPOSES = Section(
    "Pourquoi nous utilisons vos données",
    (
        "Pour vous répondre après votre premier contact, vous orienter vers une structure "
        "d'accompagnement, instruire votre candidature, la présenter au comité de sélection, "
        "verser la subvention accordée et suivre votre projet ensuite.",
        "Ces usages relèvent de la mission d'intérêt public de la MEL (article 6-1-e du RGPD). "
        "La comptabilité publique et les archives relèvent d'obligations légales "
        "(article 6-1-c).",
        "Vos réponses facultatives sur votre genre et votre tranche d'âge servent seulement à "
        "mesurer l'égalité d'accès au programme, en chiffres globaux : personne d'autre que "
        "vous ne les voit une à une. Les informations sur les événements de l'ESS ne vous sont "
        "envoyées qu'avec votre accord (article 6-1-a).",
    ),
)
_RECIPIENTS = Section(
    "Qui voit vos données",
    (
        "L'équipe du programme à la MEL ; la structure d'accompagnement qui suit votre projet ; "
        "les financeurs qui étudient votre candidature ; les membres du comité de sélection, "
        "seulement pour les dossiers qu'ils notent.",
        "Votre adresse d'activité est envoyée au service national des adresses "
        "(api-adresse.data.gouv.fr) pour savoir si elle est dans un quartier prioritaire. "
        "Aucune donnée n'est envoyée hors de l'Union européenne.",
        "Les subventions de plus de 23 000 € accordées à une structure sont publiées en "
        "données ouvertes, sans votre nom ni vos coordonnées.",
    ),
)
_DURATIONS = Section(
    "Combien de temps nous les gardons",
    (
        "Un premier contact qui n'a pas donné lieu à une candidature : 3 ans après le dernier "
        "échange.",
        "Une candidature refusée, retirée ou non éligible : 5 ans après la décision.",
        "Un dossier financé : 10 ans après sa clôture, puis les archives publiques décident "
        "de ce qui est conservé.",
        "Un compte sans connexion depuis longtemps : supprimé après un e-mail de prévenance. "
        "Les notifications : 1 an.",
    ),
)
_RIGHTS = Section(
    "Vos droits",
    (
        "Vous pouvez obtenir une copie de toutes vos données, faire corriger ce qui est "
        "inexact, retirer à tout moment un accord que vous avez donné et vous opposer à "
        "certains usages. L'effacement est limité pour les dossiers de subvention, que la loi "
        "oblige à conserver (article 17-3 du RGPD).",
        "Connecté·e, la page « Mes données personnelles » vous permet de télécharger vos "
        "données, de corriger vos informations et d'écrire à notre délégué·e à la protection "
        "des données. Vous pouvez aussi lui écrire : {dpo}.",
        "Si vous estimez que vos droits ne sont pas respectés, vous pouvez adresser une "
        "réclamation à la CNIL (Commission nationale de l'informatique et des libertés) : "
        f"{CNIL_COMPLAINT_URL}.",
    ),
)

NOTICES: tuple[Notice, ...] = (
    Notice(
        id="2026-11",
        published=datetime.date(2026, 11, 2),
        sections=(
            _CONTROLLER,
            Section(
                "Pourquoi nous utilisons vos données",
                (
                    "Pour instruire votre demande d'accompagnement et de subvention dans le "
                    "cadre du programme « Entreprendre Autrement » (mission d'intérêt public).",
                ),
            ),
            Section(
                "Vos droits",
                (
                    "Vous pouvez accéder à vos données et les faire corriger en écrivant à "
                    "notre délégué·e à la protection des données : {dpo}.",
                ),
            ),
        ),
    ),
    Notice(
        id="2026-12",
        published=datetime.date(2026, 12, 3),
        sections=(_CONTROLLER, _PURPOSES, _RECIPIENTS, _DURATIONS, _RIGHTS),
    ),
)


def notice_by_id(notice_id: str) -> Notice | None:
    return next((n for n in NOTICES if n.id == notice_id), None)


def current_notice() -> Notice:
    """The notice in force (``PRIVACY_NOTICE_VERSION``)."""
    notice = notice_by_id(settings.PRIVACY_NOTICE_VERSION)
    if notice is None:  # refused at start-up by privacy.checks; never silently another text
        raise LookupError(f"Aucune notice « {settings.PRIVACY_NOTICE_VERSION} ».")
    return notice


def previous_notices() -> list[Notice]:
    current = current_notice()
    return [n for n in reversed(NOTICES) if n.id != current.id]


def retention_lines() -> list[str]:
    """The durations declared by the retention rules in force, in words ("3 ans après la
    dernière activité"), shown under the notice's own summary; empty while no rule is
    declared."""
    return [f"{rule.label} : {rule_duration(rule)}" for rule in RULES]
