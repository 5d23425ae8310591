"""Personal data (RGPD): how long each kind of record is kept, each value a proposal of
``docs/personal-data.md`` to confirm with the MEL's DPO [À CONFIRMER AVEC LE DPO], editable
per deployment from the environment (see ``.env.example``). Read by ``base``.

Each retention rule of ``privacy.retention`` names the setting it reads here."""

from config.env import env

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
