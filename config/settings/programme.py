"""The programme's own values: service levels, deadlines, amounts and the open-data
publication, each editable per deployment from the environment (see ``.env.example``); those
marked [TYPICAL] or [À CONFIRMER] are proposals to confirm with the MEL. Read by ``base``."""

from decimal import Decimal

from config.env import env

# JOURNEY (service levels; values from the programme, editable per deployment)
# ------------------------------------------------------------------------------
TRIAGE_SLA_WORKING_DAYS = env.int("TRIAGE_SLA_WORKING_DAYS", default=5)
ORIENTATION_SLA_DAYS = env.int("ORIENTATION_SLA_DAYS", default=10)
SUPPORT_CHECKIN_DAYS = env.int("SUPPORT_CHECKIN_DAYS", default=60)
# Hours the link e-mailed after a public first contact stays valid: until it is followed the
# contact waits apart, linked to no account (workflows.journey.pending).
FIRST_CONTACT_CONFIRMATION_HOURS = env.int("FIRST_CONTACT_CONFIRMATION_HOURS", default=48)
# APPLICATION: days given to send requested complements, then after the reminder.
COMPLEMENT_DEADLINE_DAYS = env.int("COMPLEMENT_DEADLINE_DAYS", default=30)
COMPLEMENT_GRACE_DAYS = env.int("COMPLEMENT_GRACE_DAYS", default=7)
# Changes of one field by one person within this many minutes make one line of the
# application's history (the form saves itself as the person types).
APPLICATION_EDIT_SESSION_MINUTES = env.int("APPLICATION_EDIT_SESSION_MINUTES", default=30)
# PAYMENTS: working days the holder is given to send the structure's bank details when MEL
# staff ask for them (a payment waits for them). [TYPICAL: to confirm with the MEL]
BANK_DETAILS_DEADLINE_WORKING_DAYS = env.int("BANK_DETAILS_DEADLINE_WORKING_DAYS", default=10)
# A dossier reminded from the staff lists is not reminded again within these days.
REMINDER_COOLDOWN_DAYS = env.int("REMINDER_COOLDOWN_DAYS", default=7)
# SELECTION AND FUNDING (values [TYPICAL] in shared/docs/domain.md: to confirm with the MEL)
# Days before the committee session when members who have not scored are reminded.
SCORING_REMINDER_DAYS_BEFORE_SESSION = env.int("SCORING_REMINDER_DAYS_BEFORE_SESSION", default=3)
# A funding decision above this amount (EUR) needs a second signatory of the same financier.
FUNDING_SECOND_SIGNATURE_ABOVE_EUR = env.int("FUNDING_SECOND_SIGNATURE_ABOVE_EUR", default=15000)
# Share of the MEL grant paid as an advance once the convention is signed (the rest is the
# balance, paid after the final report).
DISBURSEMENT_ADVANCE_PERCENT = env.int("DISBURSEMENT_ADVANCE_PERCENT", default=70)
# FOLLOW-UP: reports due this many months after the decision (the last one is final), the
# days before the due date when the report opens, and the days after the reminder before the
# programme lead is alerted.
FOLLOW_UP_REPORT_MONTHS = env.list("FOLLOW_UP_REPORT_MONTHS", cast=int, default=[6, 12, 36])
FOLLOW_UP_REPORT_OPENS_DAYS_BEFORE = env.int("FOLLOW_UP_REPORT_OPENS_DAYS_BEFORE", default=30)
FOLLOW_UP_ESCALATION_DAYS = env.int("FOLLOW_UP_ESCALATION_DAYS", default=15)

# OPEN DATA: the SCDL « Subventions » files (décret n° 2017-779; opendata/)
# ------------------------------------------------------------------------------
# A grant is published when its amount is strictly above this (décret 2001-495, art. 1:
# "dépasse la somme de 23 000 euros").
OPEN_DATA_GRANT_THRESHOLD = Decimal(env.str("OPEN_DATA_GRANT_THRESHOLD", default="23000"))
OPEN_DATA_ATTRIBUANT_NAME = env.str(
    "OPEN_DATA_ATTRIBUANT_NAME", default="Métropole Européenne de Lille"
)
# The MEL's SIRET is MEL_EPCI_SIREN followed by this NIC (establishment number).
# [À CONFIRMER avec la MEL: 00016 is a proposal, the head office's NIC.]
OPEN_DATA_ATTRIBUANT_NIC = env.str("OPEN_DATA_ATTRIBUANT_NIC", default="00016")
# Whether the aid was notified to the European Commission (SCDL notificationUE).
OPEN_DATA_NOTIFICATION_UE = env.bool("OPEN_DATA_NOTIFICATION_UE", default=False)
# SCDL dispositifAide: the aid scheme. [À CONFIRMER: the schema suggests the identifier of
# the scheme in the « dispositifs d'aide » register once the MEL has one.]
OPEN_DATA_AID_SCHEME = env.str("OPEN_DATA_AID_SCHEME", default="Entreprendre Autrement avec La MEL")
# Legal forms (codes of applicants' LegalForm) whose structures are legal persons and may be
# published. Anything else (a structure still to be created, a sole trader added later in
# the admin) is a natural person or unknown, and is never published.
OPEN_DATA_LEGAL_PERSON_FORMS = env.list(
    "OPEN_DATA_LEGAL_PERSON_FORMS",
    default=[
        "association", "scop", "scic", "cooperative", "mutuelle", "fondation",
        "company_esus", "company",
    ],
)  # fmt: skip
OPEN_DATA_LICENCE = env.str("OPEN_DATA_LICENCE", default="Licence Ouverte / Open Licence 2.0")
OPEN_DATA_LICENCE_URL = env.str(
    "OPEN_DATA_LICENCE_URL", default="https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
)
# How long browsers and proxies may keep a file before asking again (they revalidate with
# ETag / Last-Modified), seconds.
OPEN_DATA_CACHE_SECONDS = env.int("OPEN_DATA_CACHE_SECONDS", default=3600)
