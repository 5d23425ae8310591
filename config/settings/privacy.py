"""Personal data (RGPD): how long each kind of record is kept, each value a proposal of
``docs/personal-data.md`` to confirm with the MEL's DPO [À CONFIRMER AVEC LE DPO], editable
per deployment from the environment (see ``.env.example``). Read by ``base``.

Each retention rule of ``privacy.retention`` names the setting it reads here."""

from config.env import env

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
