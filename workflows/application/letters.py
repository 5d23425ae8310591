"""The motivated refusal letter of an ineligible application, as a PDF."""

from __future__ import annotations

import io
from typing import Any

from workflows.models import Application


def refusal_letter_pdf(application: Application) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    buffer = io.BytesIO()
    styles = getSampleStyleSheet()
    doc = SimpleDocTemplate(buffer, pagesize=A4, title="Courrier de refus")
    holder = application.holder.user
    story: list[Any] = [
        Paragraph("Métropole Européenne de Lille — Entreprendre Autrement", styles["Title"]),
        Spacer(1, 12),
        Paragraph(f"À l'attention de {holder}", styles["Normal"]),
        Paragraph(f"Projet : {application.project.title}", styles["Normal"]),
        Spacer(1, 12),
        Paragraph(
            "Après examen, votre candidature ne remplit pas les conditions d'éligibilité "
            f"du {application.rule_version.label if application.rule_version else 'règlement'}.",
            styles["Normal"],
        ),
        Spacer(1, 8),
        Paragraph("Motifs :", styles["Heading3"]),
        Paragraph(application.refusal_reasons.replace("\n", "<br/>"), styles["Normal"]),
    ]
    failed = [c for c in application.eligibility_checks.all() if not c.passed]
    for check in failed:
        story.append(Paragraph(f"• {check.label} : {check.detail}", styles["Normal"]))
    story += [
        Spacer(1, 12),
        Paragraph(
            "Vous pouvez contester cette décision dans un délai de deux mois auprès de la MEL.",
            styles["Normal"],
        ),
    ]
    doc.build(story)
    return buffer.getvalue()
