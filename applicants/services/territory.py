"""Territory rules: the MEL-commune check and the QPV determination.

A project's QPV situation is found on one of two honest paths, then settled by staff:

- **computed** (:func:`qpv_determine`): the address is geocoded by the Base Adresse Nationale
  and placed against the loaded perimeters. Anything that cannot be decided safely (service
  down, address not found or uncertain, other commune, point near a border, no perimeters)
  becomes "à vérifier" with a message saying why; nothing is guessed.
- **declared** (:func:`qpv_declare`): the applicant picks a QPV of their commune, "aucun de ces
  quartiers" or "je ne sais pas". A declaration always waits for staff verification.
- **verified / overridden** (:func:`qpv_verify`): MEL staff confirm or correct the finding.

Every finding is a new ``QpvDetermination`` row with its evidence (history, never updated);
``project.current_qpv`` points at the latest one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction

from accounts.exceptions import ApplicationError
from accounts.models import User
from applicants.geocoding import GeocodedAddress, GeocoderUnavailable, geocode
from applicants.models import Commune, Project, QpvArea, QpvDetermination, QpvOutcome, QpvSource
from applicants.qpv_index import indexed_area_ids, locate
from applicants.selectors.territory import perimeters_loaded

VERIFY_PERM = "applicants.add_qpvdetermination"
# BAN result types that do not pin a building: the point may be hundreds of metres away.
IMPRECISE_RESULT_TYPES = frozenset({"street", "locality", "municipality"})
_MAX_CHARS = 255  # QpvDetermination.message and address_label

MSG_NO_PERIMETERS = (
    "Le calcul automatique n'est pas encore disponible : indiquez si l'adresse de l'activité "
    "se trouve dans l'un des quartiers prioritaires de votre commune, ou « je ne sais pas »."
)
MSG_NO_ADDRESS = (
    "Adresse ou commune de l'activité manquante : complétez-la, ou indiquez vous-même si "
    "l'activité est en quartier prioritaire."
)
MSG_GEOCODER_DOWN = (
    "Le service d'adresses ne répond pas pour le moment : votre saisie est conservée et "
    "l'équipe MEL vérifiera la situation QPV. Vous pouvez aussi l'indiquer vous-même."
)
MSG_NOT_FOUND = (
    "Adresse introuvable dans la Base Adresse Nationale : vérifiez-la, ou indiquez vous-même "
    "si l'activité est en quartier prioritaire. L'équipe MEL vérifiera."
)


def outside_mel_message(commune: Commune | None = None) -> str:
    """Why a commune outside the MEL is refused, and where to turn instead.

    Without a commune (the form's "une autre commune" choice) the message speaks of "cette
    commune"."""
    name = commune.name if commune is not None else "Cette commune"
    message = (
        f"{name} ne fait pas partie de la Métropole Européenne de Lille (MEL) : "
        "l'appel à projets « Entreprendre Autrement » est réservé aux activités situées dans "
        "l'une des communes de la MEL."
    )
    help_text = str(getattr(settings, "OUTSIDE_MEL_HELP", "")).strip()
    return f"{message} {help_text}" if help_text else message


@dataclass(frozen=True)
class HelpLink:
    label: str
    url: str
    purpose: str


def outside_mel_links() -> list[HelpLink]:
    """Where someone outside the MEL can turn (``OUTSIDE_MEL_LINKS``, set per deployment)."""
    return [HelpLink(*entry) for entry in getattr(settings, "OUTSIDE_MEL_LINKS", [])]


def outside_mel_guidance() -> str:
    """The same places as plain text, one a line, for a redirection and its e-mail."""
    return "\n".join(f"{link.label} ({link.purpose}) : {link.url}" for link in outside_mel_links())


def commune_require_in_mel(*, commune: Commune) -> None:
    """Refuse (``ApplicationError`` on field ``commune``) a commune outside the MEL."""
    if not commune.in_mel:
        raise ApplicationError(outside_mel_message(commune), field="commune")


# Findings settled by MEL staff: only staff (or a new address) may replace them.
SETTLED_SOURCES = (QpvSource.VERIFIED, QpvSource.OVERRIDDEN)


@dataclass(frozen=True)
class _Finding:
    outcome: QpvOutcome
    message: str
    generation: int | None = None
    qpv: QpvArea | None = None
    # address_label, geocoder_score, longitude, latitude
    evidence: dict[str, Any] = field(default_factory=dict)
    reason: str = ""


def qpv_determine(*, project: Project, actor: User | None = None) -> QpvDetermination:
    """Compute the QPV situation from the project's address, record it and make it current.

    Never raises for geocoder trouble (it becomes "à vérifier" with a message). It makes an
    HTTP call of up to ``GEOCODER_TIMEOUT`` seconds: call it outside any transaction, after
    the applicant's form has been saved.
    """
    finding = _compute(project, settings.QPV_GENERATION)
    return _record(project, finding, source=QpvSource.COMPUTED, actor=actor)


def qpv_declare(
    *, project: Project, qpv: QpvArea | None, none_of_these: bool, actor: User
) -> QpvDetermination:
    """Record the applicant's own answer: one QPV of their commune, "aucun de ces quartiers"
    (``none_of_these``) or "je ne sais pas" (neither). Staff still have to verify it."""
    if actor.pk != project.holder_id:
        raise PermissionDenied("Seul·e le ou la porteur·se du projet peut déclarer son quartier.")
    current = project.current_qpv
    if current is not None and current.source in SETTLED_SOURCES:
        raise ApplicationError(
            "La situation QPV de ce projet a déjà été vérifiée par l'équipe de la MEL. "
            "Si elle a changé, indiquez la nouvelle adresse de l'activité ou écrivez à l'équipe.",
            field="qpv",
        )
    generation = settings.QPV_GENERATION
    if qpv is not None and none_of_these:
        raise ApplicationError(
            "Choisissez un quartier ou « aucun de ces quartiers », pas les deux.", field="qpv"
        )
    if qpv is not None:
        _require_qpv_of_commune(qpv, project, generation=generation)
        finding = _Finding(
            QpvOutcome.INSIDE,
            f"Déclaré par le porteur : quartier « {qpv.name} » ({qpv.code}), "
            "à vérifier par l'équipe MEL.",
            qpv=qpv,
        )
    elif none_of_these:
        finding = _Finding(
            QpvOutcome.OUTSIDE,
            "Déclaré par le porteur : hors des quartiers prioritaires de la commune, "
            "à vérifier par l'équipe MEL.",
            generation,
        )
    else:
        finding = _Finding(
            QpvOutcome.TO_VERIFY,
            "Le porteur ne sait pas si l'activité est en quartier prioritaire : "
            "l'équipe MEL vérifiera.",
            generation,
        )
    return _record(project, finding, source=QpvSource.DECLARED, actor=actor)


def qpv_verify(
    *, project: Project, actor: User, outcome: QpvOutcome | str, qpv: QpvArea | None, reason: str
) -> QpvDetermination:
    """Staff settle the QPV situation: VERIFIED when confirming the current finding (or one
    still pending), OVERRIDDEN when changing it, which needs a reason."""
    if not actor.has_perm(VERIFY_PERM):
        raise PermissionDenied("Seule l'équipe MEL peut vérifier la situation QPV.")
    decided = _verified_outcome(outcome, qpv)
    if qpv is not None:
        _require_qpv_of_commune(qpv, project, generation=None)
    current = project.current_qpv
    confirms = _confirms(current, decided, qpv)
    reason = reason.strip()
    if not confirms and not reason:
        raise ApplicationError(
            "Indiquez le motif de la correction (par exemple le résultat de sig.ville.gouv.fr).",
            field="reason",
        )
    finding = _Finding(
        decided,
        _verified_message(decided, qpv, confirms),
        current.generation if current and current.generation else settings.QPV_GENERATION,
        qpv=qpv,
        evidence=_evidence_of(current),
        reason=reason,
    )
    source = QpvSource.VERIFIED if confirms else QpvSource.OVERRIDDEN
    return _record(project, finding, source=source, actor=actor)


# Computed path ---------------------------------------------------------------------------


def _compute(project: Project, generation: int) -> _Finding:
    if not perimeters_loaded(generation):
        return _Finding(QpvOutcome.TO_VERIFY, MSG_NO_PERIMETERS, generation)
    commune = project.commune
    if commune is None or not project.address.strip():
        return _Finding(QpvOutcome.TO_VERIFY, MSG_NO_ADDRESS, generation)
    query = f"{project.address} {project.postal_code} {commune.name}"
    try:
        found = geocode(query, postcode=project.postal_code, citycode=commune.insee_code)
    except GeocoderUnavailable:
        return _Finding(QpvOutcome.TO_VERIFY, MSG_GEOCODER_DOWN, generation)
    if found is None:
        return _Finding(QpvOutcome.TO_VERIFY, MSG_NOT_FOUND, generation)
    evidence = _evidence_from(found)
    problem = _untrusted_because(found, commune)
    if problem:
        return _Finding(QpvOutcome.TO_VERIFY, problem, generation, evidence=evidence)
    return _place(found, generation, evidence, commune)


def _untrusted_because(found: GeocodedAddress, commune: Commune) -> str:
    """Why the geocoded point must not decide the QPV situation ("" when it may)."""
    if found.score < settings.GEOCODER_MIN_SCORE:
        return (
            f"Adresse reconnue avec une fiabilité insuffisante (« {found.label} », "
            f"{round(found.score * 100)} %) : vérifiez-la ; l'équipe MEL vérifiera la situation QPV."
        )
    if found.citycode != commune.insee_code:
        return (
            f"L'adresse trouvée (« {found.label} ») n'est pas à {commune.name} : vérifiez "
            "l'adresse et la commune ; l'équipe MEL vérifiera la situation QPV."
        )
    if found.result_type in IMPRECISE_RESULT_TYPES:
        return (
            f"Adresse trouvée seulement au niveau de la rue ou de la commune (« {found.label} ») : "
            "précisez le numéro ; sinon l'équipe MEL vérifiera la situation QPV."
        )
    return ""


def _place(
    found: GeocodedAddress, generation: int, evidence: dict[str, Any], commune: Commune
) -> _Finding:
    where = locate(found.lon, found.lat, generation=generation)
    distance = where.edge_distance_m
    if distance is not None and distance <= settings.QPV_BORDER_TOLERANCE_M and where.nearest:
        return _Finding(
            QpvOutcome.TO_VERIFY,
            f"Adresse en limite de quartier prioritaire (« {where.nearest.name} », à "
            f"{distance:.0f} m de la limite) : l'équipe MEL vérifiera la situation QPV.",
            generation,
            qpv=where.nearest,
            evidence=evidence,
        )
    if where.containing:
        qpv = where.containing[0]
        message = f"Adresse située dans le quartier prioritaire « {qpv.name} » ({qpv.code})."
        return _Finding(QpvOutcome.INSIDE, message, generation, qpv=qpv, evidence=evidence)
    if _perimeters_missing(commune, generation):
        # "Outside" is only true if every QPV of the commune could be tested.
        return _Finding(
            QpvOutcome.TO_VERIFY,
            f"Le périmètre d'au moins un quartier prioritaire de {commune.name} n'est pas "
            "chargé : l'équipe MEL vérifiera la situation QPV.",
            generation,
            evidence=evidence,
        )
    message = f"Adresse située hors des quartiers prioritaires (géographie {generation})."
    return _Finding(QpvOutcome.OUTSIDE, message, generation, evidence=evidence)


def _perimeters_missing(commune: Commune, generation: int) -> bool:
    wanted = set(
        QpvArea.objects.filter(communes=commune, generation=generation).values_list("pk", flat=True)
    )
    return not wanted <= indexed_area_ids(generation)


# Declared and verified paths ------------------------------------------------------------


def _require_qpv_of_commune(qpv: QpvArea, project: Project, *, generation: int | None) -> None:
    if generation is not None and qpv.generation != generation:
        raise ApplicationError(
            f"Le quartier « {qpv.name} » relève de la géographie prioritaire {qpv.generation}, "
            f"pas de celle en vigueur ({generation}).",
            field="qpv",
        )
    commune = project.commune
    if commune is None or not qpv.communes.filter(pk=commune.pk).exists():
        where = commune.name if commune else "la commune de l'activité"
        raise ApplicationError(
            f"Le quartier « {qpv.name} » ne se trouve pas à {where}.", field="qpv"
        )


def _verified_outcome(outcome: QpvOutcome | str, qpv: QpvArea | None) -> QpvOutcome:
    try:
        decided = QpvOutcome(outcome)
    except ValueError:
        decided = QpvOutcome.TO_VERIFY
    if decided == QpvOutcome.TO_VERIFY:
        raise ApplicationError(
            "Indiquez si l'activité est en quartier prioritaire ou non.", field="outcome"
        )
    if decided == QpvOutcome.INSIDE and qpv is None:
        raise ApplicationError("Choisissez le quartier prioritaire concerné.", field="qpv")
    if decided == QpvOutcome.OUTSIDE and qpv is not None:
        raise ApplicationError(
            "Un projet hors quartier prioritaire ne peut pas avoir de quartier.", field="qpv"
        )
    return decided


def _confirms(current: QpvDetermination | None, outcome: QpvOutcome, qpv: QpvArea | None) -> bool:
    """Whether the staff decision agrees with the current finding (or settles a pending one)."""
    if current is None or current.outcome == QpvOutcome.TO_VERIFY:
        return True
    return current.outcome == outcome and current.qpv_id == (qpv.pk if qpv else None)


def _verified_message(outcome: QpvOutcome, qpv: QpvArea | None, confirms: bool) -> str:
    who = "Vérifié par l'équipe MEL" if confirms else "Corrigé par l'équipe MEL"
    if qpv is not None:
        return f"{who} : quartier prioritaire « {qpv.name} » ({qpv.code})."
    return f"{who} : hors quartier prioritaire."


# Recording -------------------------------------------------------------------------------


def _evidence_from(found: GeocodedAddress) -> dict[str, Any]:
    return {
        "address_label": found.label[:_MAX_CHARS],
        "geocoder_score": found.score,
        "longitude": found.lon,
        "latitude": found.lat,
    }


def _evidence_of(current: QpvDetermination | None) -> dict[str, Any]:
    # Staff decide on the evidence already gathered; keep it on their row for the record.
    if current is None:
        return {}
    return {
        "address_label": current.address_label,
        "geocoder_score": current.geocoder_score,
        "longitude": current.longitude,
        "latitude": current.latitude,
    }


@transaction.atomic
def _record(
    project: Project, finding: _Finding, *, source: QpvSource, actor: User | None
) -> QpvDetermination:
    qpv = finding.qpv
    determination = QpvDetermination.objects.create(
        project=project,
        outcome=finding.outcome,
        source=source,
        qpv=qpv,
        qpv_code=qpv.code if qpv else "",
        qpv_name=qpv.name if qpv else "",
        generation=qpv.generation if qpv else finding.generation,
        message=_clip(finding.message),
        reason=finding.reason,
        decided_by=actor,
        **finding.evidence,
    )
    project.current_qpv = determination
    project.save(update_fields=["current_qpv", "updated_at"])
    return determination


def _clip(text: str) -> str:
    return text if len(text) <= _MAX_CHARS else text[: _MAX_CHARS - 1] + "…"
