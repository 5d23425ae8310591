"""Personal data (RGPD): how long each kind of record is kept, each value a proposal of
``docs/personal-data.md`` to confirm with the MEL's DPO [À CONFIRMER AVEC LE DPO], editable
per deployment from the environment (see ``.env.example``). Read by ``base``.

Each retention rule of ``privacy.retention`` names the setting it reads here."""

from config.env import env

# THE NIGHTLY RUN (privacy.tasks.run_retention)
# ------------------------------------------------------------------------------
# Hour of the night when the retention rules run (after the indicators, at 2 h).
RETENTION_RUN_HOUR = env.int("RETENTION_RUN_HOUR", default=3)
# Objects read at once by a rule; each is then dealt with in its own transaction.
RETENTION_RUN_BATCH_SIZE = env.int("RETENTION_RUN_BATCH_SIZE", default=500)

# DURATIONS [À CONFIRMER AVEC LE DPO]
# ------------------------------------------------------------------------------
# Notifications (and their e-mail delivery state, on the same row): 1 year after creation;
# the dossier's own history keeps the facts. Art. 6-1-e; proposal of docs/personal-data.md.
RETENTION_NOTIFICATION_DAYS = env.int("RETENTION_NOTIFICATION_DAYS", default=365)
# Sign-in records (django-axes' log of sign-ins and of failures): 6 months (CNIL
# recommendation on access logs). Failed attempts are cleared after the lockout period.
RETENTION_SIGNIN_LOG_DAYS = env.int("RETENTION_SIGNIN_LOG_DAYS", default=180)
# Accounts without sign-in for 3 years are deleted (anonymised if a kept record names
# them), after a warning e-mail RETENTION_INACTIVE_WARNING_DAYS before; holders of a dossier
# not yet anonymised are left to the dossier rules. Art. 5-1-e RGPD
# (storage limitation); "2-3 years" in docs/personal-data.md and domain.md §6.1.
RETENTION_INACTIVE_ACCOUNT_DAYS = env.int("RETENTION_INACTIVE_ACCOUNT_DAYS", default=3 * 365)
RETENTION_INACTIVE_WARNING_DAYS = env.int("RETENTION_INACTIVE_WARNING_DAYS", default=30)
# IBAN and BIC of a structure: only needed until the last payment; cleared this many days
# after it (the RIB document stays with the payment documents, 10 years). Art. 6-1-c.
RETENTION_IBAN_AFTER_LAST_PAYMENT_DAYS = env.int(
    "RETENTION_IBAN_AFTER_LAST_PAYMENT_DAYS", default=90
)
# Documents deleted by whoever handed them in, or refused by the antivirus: their bytes go at
# once; the row's original file name goes this many days later (the row stays as a trace).
RETENTION_DELETED_DOCUMENT_DAYS = env.int("RETENTION_DELETED_DOCUMENT_DAYS", default=30)
# Dossiers (privacy.retention.dossier_rules) ------------------------------------------------
# First contacts never converted into an application: deleted this many days after their
# last activity. 3 years after the last contact (docs/personal-data.md, "Journey"; CNIL
# practice for prospects; art. 5-1-e RGPD) [À CONFIRMER AVEC LE DPO].
RETENTION_UNCONVERTED_CONTACT_DAYS = env.int("RETENTION_UNCONVERTED_CONTACT_DAYS", default=1095)
# Rejected, not funded, withdrawn, not eligible or closed without follow-up: anonymised this
# many years after the decision (docs/personal-data.md, "Application"; typical, verify the
# DUA of the MEL's archives) [À CONFIRMER AVEC LE DPO].
RETENTION_REFUSED_DOSSIER_YEARS = env.int("RETENTION_REFUSED_DOSSIER_YEARS", default=5)
# Funded: anonymised this many years after closure (DUA of grant and accounting files,
# 10 years; art. L. 212-2 code du patrimoine for the sorting by the archives) [À CONFIRMER
# AVEC LE DPO].
RETENTION_FUNDED_DOSSIER_YEARS = env.int("RETENTION_FUNDED_DOSSIER_YEARS", default=10)
# First contacts whose e-mailed link was never followed (or was followed: what they held is
# then in the dossier), deleted this many days after their link expired. Basis: the
# programme's first contact (public-interest task, art. 6-1-e), nothing left to do once the
# link is dead; the few days let a late "my link expired" call be answered. [À CONFIRMER AVEC LE DPO]
RETENTION_PENDING_FIRST_CONTACT_DAYS = env.int("RETENTION_PENDING_FIRST_CONTACT_DAYS", default=7)
# Values are added here by the retention rules (one block per rule, with its legal basis).
_ = env

# --- Rights of the people (art. 12 to 22 RGPD) -------------------------------------------

# The MEL's data protection officer, as shown on the information notice and on « Mes données
# personnelles » (an address or a short text) [À CONFIRMER AVEC LE DPO].
DPO_CONTACT = env.str(
    "DPO_CONTACT",
    default="Délégué·e à la protection des données, Métropole Européenne de Lille, "
    "2 boulevard des Cités Unies, CS 70043, 59040 Lille Cedex — dpo@lillemetropole.fr",
)
# Legal basis of showing an applicant's dossier to their support organisation and to the
# financiers: "consent" (art. 6-1-a: the applicant may withdraw it, and the partners then no
# longer see the dossier) or "public_task" (art. 6-1-e: no consent, a right to object, art.
# 21) [À CONFIRMER AVEC LE DPO]; docs/personal-data.md explains the choice.
PARTNER_SHARING_LEGAL_BASIS = env.str("PARTNER_SHARING_LEGAL_BASIS", default="consent")
# The version of the art. 13 information notice in force (``privacy.notices``): stored on
# every consent record. Publishing a new notice is adding its text there and changing this.
PRIVACY_NOTICE_VERSION = "2026-12"
