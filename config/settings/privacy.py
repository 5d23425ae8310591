"""Personal data (RGPD): how long each kind of record is kept, each value a proposal of
``docs/personal-data.md`` to confirm with the MEL's DPO [À CONFIRMER AVEC LE DPO], editable
per deployment from the environment (see ``.env.example``). Read by ``base``.

Each retention rule of ``privacy.retention`` names the setting it reads here."""

from config.env import env

# Values are added here by the retention rules (one block per rule, with its legal basis).

# First contacts whose e-mailed link was never followed (or was followed: what they held is
# then in the dossier), deleted this many days after their link expired. Basis: the
# person's request (pre-contractual steps, art. 6-1-b), nothing left to do once the link is
# dead; the few days let a late "my link expired" call be answered. [À CONFIRMER AVEC LE DPO]
RETENTION_PENDING_FIRST_CONTACT_DAYS = env.int("RETENTION_PENDING_FIRST_CONTACT_DAYS", default=7)
