"""The catalogue of events people are told about: each with its subject, its template and
whether it asks the recipient to act (applicants always get those immediately).

Recipients are resolved by the domain (``workflows.notify``) from roles and organisations;
this catalogue only says what is sent.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


class Event(models.TextChoices):
    FIRST_CONTACT_RECEIVED = "first_contact_received", "Nouveau premier contact"
    TRIAGE_LATE = "triage_late", "Premier contact non trié dans les délais"
    ORIENTATION_PROPOSED = "orientation_proposed", "Projet proposé à votre structure"
    ORIENTATION_ANSWERED = "orientation_answered", "Réponse de la structure d'accompagnement"
    APPLICATION_SUBMITTED = "application_submitted", "Candidature déposée"
    COMPLEMENTS_REQUESTED = "complements_requested", "Compléments demandés"
    COMPLEMENTS_REMINDER = "complements_reminder", "Relance : compléments attendus"
    DOSSIER_CLOSED = "dossier_closed", "Dossier clos"
    ON_AGENDA = "on_agenda", "Dossier inscrit à l'ordre du jour du comité"
    SCORING_DUE = "scoring_due", "Dossier à noter"
    SCORING_REMINDER = "scoring_reminder", "Relance : notation attendue"
    DECISION = "decision", "Avis du comité"
    JOURNEY_OUTCOME = "journey_outcome", "Suite de votre parcours"
    FUNDING_LINE_TO_SIGN = "funding_line_to_sign", "Ligne de financement à décider"
    COUNTERSIGN_DUE = "countersign_due", "Seconde signature attendue"
    FUNDING_LINE_DECIDED = "funding_line_decided", "Décision d'un financeur"
    TRANCHE_RELEASED = "tranche_released", "Versement ordonné"
    REPORT_DUE = "report_due", "Rapport de suivi à rendre"
    REPORT_LATE = "report_late", "Rapport de suivi en retard"
    REPORT_ESCALATED = "report_escalated", "Rapport de suivi toujours en retard"
    NEW_MESSAGE = "new_message", "Nouveau message"
    WITHDRAWN = "withdrawn", "Candidature ou parcours retiré"
    SCORING_CANCELLED = "scoring_cancelled", "Notation annulée"
    BANK_DETAILS_REQUESTED = "bank_details_requested", "Coordonnées bancaires demandées"
    BANK_DETAILS_RECEIVED = "bank_details_received", "Coordonnées bancaires reçues"
    FIRST_CONTACT_ACKNOWLEDGED = "first_contact_acknowledged", "Accusé de réception"
    JOURNEY_ORIENTED = "journey_oriented", "Votre structure d'accompagnement"
    APPLICATION_COMPLETE = "application_complete", "Candidature complète"
    APPLICATION_ELIGIBLE = "application_eligible", "Candidature éligible"
    FINANCIER_DECISION = "financier_decision", "Décision d'un financeur sur votre projet"
    CONVENTION_READY = "convention_ready", "Subvention accordée : convention à signer"
    DOSSIER_REMINDER = "dossier_reminder", "Relance : votre dossier attend votre action"
    PERSONAL_DATA_REQUEST = "personal_data_request", "Demande sur des données personnelles"
    MEMBERSHIP_CHANGED = "membership_changed", "Changement dans les membres d'une organisation"


@dataclass(frozen=True)
class Spec:
    subject: str  # a Django template string, rendered with the event's context
    needs_action: bool  # the recipient must do something (never held for a digest)


CATALOGUE: dict[Event, Spec] = {
    Event.FIRST_CONTACT_RECEIVED: Spec("Nouveau premier contact : {{ title }}", True),
    Event.TRIAGE_LATE: Spec("Délai de tri dépassé : {{ title }}", True),
    Event.ORIENTATION_PROPOSED: Spec("Un projet vous est proposé : {{ title }}", True),
    Event.ORIENTATION_ANSWERED: Spec("{{ organisation }} a répondu pour « {{ title }} »", False),
    Event.APPLICATION_SUBMITTED: Spec("Candidature déposée : {{ title }}", True),
    Event.COMPLEMENTS_REQUESTED: Spec(
        "Votre candidature : envoyez les compléments demandés avant le {{ deadline }}", True
    ),
    Event.COMPLEMENTS_REMINDER: Spec("Relance : compléments attendus pour votre candidature", True),
    Event.DOSSIER_CLOSED: Spec("Votre dossier « {{ title }} » est clos", False),
    Event.ON_AGENDA: Spec("Votre candidature passe en comité le {{ session_date }}", False),
    Event.SCORING_DUE: Spec("Dossier à noter avant le comité du {{ session_date }}", True),
    Event.SCORING_REMINDER: Spec("Relance : notez « {{ title }} » avant la séance", True),
    Event.DECISION: Spec("Avis du comité sur « {{ title }} »", False),
    Event.JOURNEY_OUTCOME: Spec("Votre projet « {{ title }} » : {{ outcome }}", True),
    Event.FUNDING_LINE_TO_SIGN: Spec("Financement à décider : {{ title }}", True),
    Event.COUNTERSIGN_DUE: Spec("Seconde signature attendue : {{ title }}", True),
    Event.FUNDING_LINE_DECIDED: Spec("{{ organisation }} a statué sur « {{ title }} »", False),
    Event.TRANCHE_RELEASED: Spec(
        "Versement de {{ amount }} mis en paiement pour « {{ title }} »", False
    ),
    Event.REPORT_DUE: Spec("Votre rapport de suivi est à rendre avant le {{ due_on }}", True),
    Event.REPORT_LATE: Spec("Relance : votre rapport de suivi est en retard", True),
    Event.REPORT_ESCALATED: Spec("Rapport de suivi en retard : {{ title }}", True),
    Event.NEW_MESSAGE: Spec("Nouveau message sur « {{ title }} »", True),
    Event.WITHDRAWN: Spec("« {{ title }} » a été retiré par son porteur ou sa porteuse", False),
    Event.SCORING_CANCELLED: Spec("Notation annulée : « {{ title }} »", False),
    Event.BANK_DETAILS_REQUESTED: Spec(
        "Votre subvention : indiquez vos coordonnées bancaires avant le {{ due_on }}", True
    ),
    Event.BANK_DETAILS_RECEIVED: Spec(
        "Coordonnées bancaires reçues : « {{ title }} » peut être payé", True
    ),
    Event.FIRST_CONTACT_ACKNOWLEDGED: Spec(
        "Nous avons bien reçu votre demande : la MEL vous répond d'ici le {{ due_on }}", False
    ),
    Event.JOURNEY_ORIENTED: Spec(
        "{{ organisation }} vous accompagne : elle vous contacte pour un premier rendez-vous",
        False,
    ),
    Event.APPLICATION_COMPLETE: Spec(
        "Votre candidature est complète : prochaine étape, l'examen de son éligibilité", False
    ),
    Event.APPLICATION_ELIGIBLE: Spec(
        "Votre candidature est éligible : prochaine étape, le comité de sélection", False
    ),
    Event.FINANCIER_DECISION: Spec("{{ organisation }} a décidé : {{ verdict }}", False),
    Event.CONVENTION_READY: Spec(
        "Subvention de {{ amount }} accordée : {% if convention %}signez la convention et {% endif %}donnez votre IBAN",
        True,
    ),
    Event.DOSSIER_REMINDER: Spec("Relance : « {{ title }} » attend votre action", True),
    Event.PERSONAL_DATA_REQUEST: Spec("Demande sur des données personnelles : {{ topic }}", True),
    Event.MEMBERSHIP_CHANGED: Spec("{{ organisation }} : {{ headline }}", False),
}
