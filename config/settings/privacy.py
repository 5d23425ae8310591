"""Personal data (RGPD): how long each kind of record is kept, each value a proposal of
``docs/personal-data.md`` to confirm with the MEL's DPO [À CONFIRMER AVEC LE DPO], editable
per deployment from the environment (see ``.env.example``). Read by ``base``.

Each retention rule of ``privacy.retention`` names the setting it reads here."""

from config.env import env

# Values are added here by the retention rules (one block per rule, with its legal basis).
_ = env
