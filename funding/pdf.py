"""The convention between the MEL and the beneficiary (or, under the threshold, the
notification of the grant), as a PDF to print and sign.

Every text typed by someone (names, titles, the committee's conditions) is escaped before
it reaches a reportlab ``Paragraph``, which reads a small markup language.
"""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone

from funding.formatting import format_euros
from funding.models import Convention
from funding.services.payments import convention_required, programme_grant
from reviewers.models import Deliberation
from reviewers.selectors import latest_deliberation
from workflows.application.services import rule_version_for
from workflows.models import Application


def _text(value: Any) -> str:
    return escape(str(value)).replace("\n", "<br/>")


def _date(value: Any) -> str:
    return value.strftime("%d/%m/%Y") if value else "…… / …… / ………"


def committee_date(deliberation: Deliberation) -> str:
    """The day of the committee's session that gave the avis, in Lille."""
    return f"{timezone.localtime(deliberation.session.starts_at):%d/%m/%Y}"


def convention_pdf(application: Application) -> bytes:
    """The convention of a granted dossier (raises ``ApplicationError`` before the grant)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    grant = programme_grant(application=application)
    amount = grant.decided_amount or 0
    required = convention_required(application=application)
    threshold = rule_version_for(application=application).convention_threshold
    structure = application.project.structure
    convention = Convention.objects.filter(application=application).first()
    deliberation = latest_deliberation(application=application)
    styles = getSampleStyleSheet()
    normal, heading = styles["Normal"], styles["Heading3"]
    title = "Convention de subvention" if required else "Notification de subvention"

    beneficiary = structure.name if structure else str(application.holder.user)
    story: list[Any] = [
        Paragraph("Métropole Européenne de Lille — Entreprendre Autrement", styles["Title"]),
        Paragraph(title, styles["Heading2"]),
        Spacer(1, 8),
        Paragraph("Entre les soussignés :", heading),
        Paragraph("La Métropole Européenne de Lille (la MEL), d'une part,", normal),
        Paragraph(f"et {_text(beneficiary)}" + _identifiers(structure) + ", d'autre part,", normal),
        Paragraph(f"représentée par {_text(application.holder.user)}.", normal),
        Spacer(1, 8),
        Paragraph("Objet", heading),
        Paragraph(
            f"La MEL soutient le projet « {_text(application.project.title)} » par une "
            f"subvention de fonctionnement de <b>{format_euros(amount)}</b>"
            + (
                f", accordée sur avis du comité de sélection du {committee_date(deliberation)}."
                if deliberation
                else "."
            ),
            normal,
        ),
    ]
    if deliberation is not None and deliberation.conditions:
        story += [
            Paragraph("Conditions posées par le comité", heading),
            Paragraph(_text(deliberation.conditions), normal),
        ]
    story += _payment_terms(application, rule_version_for(application=application))
    story += [
        Paragraph("Suivi", heading),
        Paragraph(
            "Le bénéficiaire envoie un rapport de suivi "
            + ", ".join(f"{m} mois" for m in sorted(settings.FOLLOW_UP_REPORT_MONTHS))
            + " après la décision (emplois créés et maintenus, personnes habitant un quartier "
            "prioritaire recrutées, chiffre d'affaires, bénéficiaires, activité).",
            normal,
        ),
        Spacer(1, 6),
        Paragraph(
            f"Une convention est obligatoire au-delà de {format_euros(threshold)} ; "
            + (
                "c'est le cas de cette subvention."
                if required
                else "en deçà, la présente notification en tient lieu."
            ),
            styles["Italic"],
        ),
        Spacer(1, 18),
        Paragraph(
            f"Pour le bénéficiaire, le {_date(convention and convention.holder_signed_on)}"
            " — signature :",
            normal,
        ),
        Spacer(1, 30),
        Paragraph(
            f"Pour la MEL, le {_date(convention and convention.mel_signed_on)} — signature :",
            normal,
        ),
    ]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title=title).build(story)
    return buffer.getvalue()


def _identifiers(structure: Any) -> str:
    if structure is None:
        return ""
    parts = [f"SIRET {structure.siret}" if structure.siret else ""]
    parts.append(structure.legal_form.label if structure.legal_form_id else "")
    text = ", ".join(p for p in parts if p)
    return f" ({_text(text)})" if text else ""


def _payment_terms(application: Application, version: Any) -> list[Any]:
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph

    normal = getSampleStyleSheet()["Normal"]
    tranches = list(application.tranches.all())
    if tranches:
        lines = [f"{_text(t.label)} : {format_euros(t.amount)}" for t in tranches]
    else:
        percent = settings.DISBURSEMENT_ADVANCE_PERCENT
        lines = [
            f"Avance : {percent} % à la signature",
            f"Solde : {100 - percent} % après le rapport final",
        ]
    esus = (
        f" et, pour une société commerciale de plus de {version.esus_required_after_years} ans, "
        "l'agrément ESUS"
        if version.esus_required_after_years is not None
        else ""
    )
    return [
        Paragraph("Versements", getSampleStyleSheet()["Heading3"]),
        *[Paragraph(f"• {line}", normal) for line in lines],
        Paragraph(
            "Chaque versement attend ses conditions : convention signée, coordonnées bancaires "
            "de la structure connues, conditions du comité levées ; pour le solde, le rapport "
            f"final{esus}.",
            normal,
        ),
    ]
