"""Where a dossier stands in the journey, in the applicant's words.

A dossier is a journey and, once the project is ready, the application opened from it. Its
place among the eight steps the applicant knows is computed from both stages, here only:
the home page, the status page and the space all read it from these functions.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from workflows.models import ApplicationStatus, JourneyStage

STEPS = (
    _("Premier contact"),
    _("Orientation"),
    _("Accompagnement"),
    _("Candidature"),
    _("Comité"),
    _("Financement"),
    _("Convention et versements"),
    _("Suivi"),
)
FINISHED = len(STEPS)  # past the last step: every step done

# Where each stage puts the dossier, and whether the journey stops there.
_JOURNEY_POSITION = {
    JourneyStage.TRIAGE: (0, False),
    JourneyStage.ORIENTATION: (1, False),
    JourneyStage.SUPPORT: (2, False),
    JourneyStage.READY_TO_APPLY: (3, False),
    JourneyStage.REDIRECTED: (0, True),
    JourneyStage.SUPPORT_ENDED: (2, True),
    JourneyStage.WITHDRAWN: (0, True),
}
_APPLICATION_POSITION = {
    ApplicationStatus.DRAFT: (3, False),
    ApplicationStatus.SUBMITTED: (3, False),
    ApplicationStatus.INCOMPLETE: (3, False),
    ApplicationStatus.COMPLETE: (3, False),
    ApplicationStatus.INELIGIBLE: (3, True),
    ApplicationStatus.CLOSED_NO_FOLLOW_UP: (3, True),
    ApplicationStatus.WITHDRAWN: (3, True),
    ApplicationStatus.ELIGIBLE: (4, False),
    ApplicationStatus.ON_AGENDA: (4, False),
    ApplicationStatus.ADJOURNED: (4, False),
    ApplicationStatus.REJECTED: (4, True),
    ApplicationStatus.FUNDING: (5, False),
    ApplicationStatus.NOT_FUNDED: (5, True),
    ApplicationStatus.CONVENTION: (6, False),
    ApplicationStatus.FOLLOW_UP: (7, False),
    ApplicationStatus.CLOSED: (FINISHED, True),
}


def step_index_by_stage() -> tuple[dict[str, int], dict[str, int]]:
    """Each stage's step index (the last step for a closed dossier), for the journeys and for
    the applications: what a query needs to file dossiers under the same steps as here."""
    last = FINISHED - 1
    journeys = {str(stage): min(i, last) for stage, (i, _stop) in _JOURNEY_POSITION.items()}
    applications = {str(stage): min(i, last) for stage, (i, _stop) in _APPLICATION_POSITION.items()}
    return journeys, applications


# The dossier's stage as one short label (home page, space, status page).
_JOURNEY_LABEL = {
    JourneyStage.TRIAGE: _("Premier contact : demande en cours d'étude"),
    JourneyStage.ORIENTATION: _("Orientation vers une structure d'accompagnement"),
    JourneyStage.SUPPORT: _("Accompagnement en cours"),
    JourneyStage.READY_TO_APPLY: _("Prêt à candidater"),
    JourneyStage.REDIRECTED: _("Orienté vers un autre dispositif"),
    JourneyStage.SUPPORT_ENDED: _("Accompagnement terminé"),
    JourneyStage.WITHDRAWN: _("Projet retiré"),
}
_APPLICATION_LABEL = {
    ApplicationStatus.DRAFT: _("Candidature à compléter"),
    ApplicationStatus.SUBMITTED: _("Candidature déposée : vérification en cours"),
    ApplicationStatus.INCOMPLETE: _("Candidature incomplète : compléments demandés"),
    ApplicationStatus.COMPLETE: _("Candidature complète : examen des conditions"),
    ApplicationStatus.INELIGIBLE: _("Candidature non retenue (conditions non remplies)"),
    ApplicationStatus.ELIGIBLE: _("En attente d'une séance du comité"),
    ApplicationStatus.ON_AGENDA: _("Présentation au comité"),
    ApplicationStatus.ADJOURNED: _("Comité : candidature à retravailler"),
    ApplicationStatus.REJECTED: _("Avis défavorable du comité"),
    ApplicationStatus.FUNDING: _("Avis favorable : décision des financeurs en cours"),
    ApplicationStatus.NOT_FUNDED: _("Non financé"),
    ApplicationStatus.CONVENTION: _("Financé : convention et versements"),
    ApplicationStatus.FOLLOW_UP: _("Financé : suivi du projet"),
    ApplicationStatus.CLOSED: _("Terminé"),
    ApplicationStatus.CLOSED_NO_FOLLOW_UP: _("Candidature classée sans suite"),
    ApplicationStatus.WITHDRAWN: _("Candidature retirée"),
}


@dataclass(frozen=True)
class Step:
    number: int
    label: str
    state: str  # "done", "current", "stopped", "todo" or "skipped" (after a stop)

    @property
    def state_label(self) -> str:
        """Said in words, never by colour alone."""
        return str(_STATE_LABELS[self.state])


_STATE_LABELS = {
    "done": _("terminée"),
    "current": _("étape en cours"),
    "stopped": _("le dossier s'est arrêté à cette étape"),
    "todo": _("à venir"),
    "skipped": _("non atteinte"),
}


def dossier_position(*, journey_stage: str, application_stage: str | None) -> tuple[int, bool]:
    """The index of the dossier's step (``FINISHED`` once closed) and whether it stops there."""
    if application_stage:
        return _APPLICATION_POSITION.get(ApplicationStatus(application_stage), (3, False))
    return _JOURNEY_POSITION.get(JourneyStage(journey_stage), (0, False))


def dossier_stage_label(*, journey_stage: str, application_stage: str | None) -> str:
    if application_stage:
        return str(_APPLICATION_LABEL[ApplicationStatus(application_stage)])
    return str(_JOURNEY_LABEL[JourneyStage(journey_stage)])


def step_indicator(*, journey_stage: str, application_stage: str | None) -> list[Step]:
    current, stopped = dossier_position(
        journey_stage=journey_stage, application_stage=application_stage
    )
    steps = []
    for index, label in enumerate(STEPS):
        if index < current:
            state = "done"
        elif index == current:
            state = "stopped" if stopped else "current"
        else:
            state = "skipped" if stopped else "todo"
        steps.append(Step(number=index + 1, label=str(label), state=state))
    return steps
