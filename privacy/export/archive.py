"""The ZIP of a subject-access export: JSON files, the files the person sent, a PDF summary
and a LISEZMOI.txt saying in French what each file holds."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.text import get_valid_filename

from accounts.french import long_date

from .collect import PersonalData
from .pdf import summary_pdf

# (file in the ZIP, section of PersonalData, what it holds — in the LISEZMOI)
FILES: tuple[tuple[str, str, str], ...] = (
    ("compte.json", "compte", "votre compte : adresse e-mail, nom, dates d'inscription et de "
     "dernière connexion (jamais votre mot de passe)"),
    ("adhesions.json", "adhesions", "les organisations dont vous êtes membre sur la plateforme"),
    ("personne.json", "personne", "vos coordonnées de porteur·se de projet, dont vos réponses "
     "facultatives sur votre genre et votre tranche d'âge"),
    ("consentements.json", "consentements", "l'historique de vos accords et de vos retraits, "
     "avec la version de la notice d'information que vous aviez sous les yeux"),
    ("structures.json", "structures", "vos structures, avec leurs coordonnées bancaires"),
    ("projets.json", "projets", "vos projets et la vérification de leur adresse en quartier "
     "prioritaire"),
    ("parcours.json", "parcours", "vos parcours d'accompagnement : historique, messages, notes "
     "internes de l'équipe, orientations, séances et étapes d'accompagnement"),
    ("candidatures.json", "candidatures", "vos candidatures : budget, plan de financement, "
     "pièces attendues, compléments demandés, éligibilité, modifications, mandats, historique "
     "et avis du comité"),
    ("financements.json", "financements", "les lignes de financement, conventions, versements, "
     "rapports de suivi et demandes de coordonnées bancaires"),
    ("documents.json", "documents", "la liste des documents de vos dossiers ; les fichiers "
     "eux-mêmes sont dans le dossier documents/"),
    ("notifications.json", "notifications", "les notifications qui vous ont été envoyées"),
    ("journal.json", "journal", "les lignes du journal d'audit qui vous concernent (connexions, "
     "actions faites par vous ou sur vos dossiers)"),
)  # fmt: skip

README = """Vos données personnelles — plateforme « Entreprendre Autrement »
Métropole Européenne de Lille

Export préparé le {date} pour {email}, au titre de votre droit d'accès
(article 15 du RGPD).

Ce dossier contient :

{files}
- resume.pdf : un résumé lisible de ce qui précède.

Les fichiers .json s'ouvrent avec un éditeur de texte ou un tableur. Chaque ligne
porte le nom français du renseignement. Un numéro renvoie à une autre ligne (par
exemple la candidature à laquelle se rattache un versement). « vous » désigne une
action faite par vous ; « une autre personne », une action d'un membre d'une équipe.

Ne figurent pas dans cet export : votre mot de passe (il n'est jamais conservé en
clair), les notes individuelles des membres du comité de sélection (l'avis du comité
et ses motifs y figurent), et les données techniques du moteur de la plateforme.

Pour faire corriger une information, ou pour toute question, connectez-vous et
ouvrez « Mes données personnelles », ou écrivez à notre délégué·e à la protection
des données : {dpo}.
Vous pouvez aussi adresser une réclamation à la CNIL : {cnil}.
"""


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=2, default=str).encode("utf-8")


def _document_name(n: int, original: str) -> str:
    return f"documents/{n:03d}-{get_valid_filename(original) or 'document'}"


def build_zip(data: PersonalData, *, dpo: str, cnil: str) -> bytes:
    """The ZIP's bytes (built in memory: one person's files, a few megabytes at most)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        present = [(name, key, about) for name, key, about in FILES if key in data.sections]
        for name, key, _about in present:
            archive.writestr(name, _json(data.sections[key]))
        missing = []
        for n, document in enumerate(data.documents, start=1):
            try:
                with default_storage.open(document.storage_name) as handle:
                    archive.writestr(_document_name(n, document.original_name), handle.read())
            except (OSError, ValueError):  # a file the retention already removed, or lost
                missing.append(document.original_name)
        if missing:
            archive.writestr("documents/MANQUANTS.txt", "\n".join(missing) + "\n")
        files = "\n".join(f"- {name} : {about}." for name, _key, about in present)
        readme = README.format(
            date=long_date(timezone.localdate()),
            email=data.user.email,
            files=files,
            dpo=dpo,
            cnil=cnil,
        )
        archive.writestr("LISEZMOI.txt", readme)
        archive.writestr("resume.pdf", summary_pdf(data))
    return buffer.getvalue()
