"""PDF documents of the selection (stage 8): the session's minutes (procès-verbal) for MEL
staff and the decision letter sent to the project holder after the committee's avis.

Every text typed by a user is escaped before it goes into a reportlab ``Paragraph``, whose
mini-language reads ``<`` and ``&`` as markup.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone

from accounts.models import User
from funding.formatting import (
    THOUSANDS_SEPARATOR,
    UNIT_SEPARATOR,
    format_euros,
    format_number,
)
from reviewers.models import CommitteeSession, Deliberation, Outcome
from workflows.models import Application

HEADER = "Métropole Européenne de Lille — Entreprendre Autrement"


def text(value: object) -> str:
    """User text, escaped for a Paragraph, line breaks kept."""
    return escape(str(value)).replace("\n", "<br/>")


def _euros(amount: Decimal) -> str:
    """French amount; the narrow no-break space is not in the PDF's standard fonts."""
    return format_euros(amount).replace(THOUSANDS_SEPARATOR, UNIT_SEPARATOR)


def _when(session: CommitteeSession) -> str:
    return f"{timezone.localtime(session.starts_at):%d/%m/%Y}"


def letter_date(deliberation: Deliberation) -> str:
    """The letter is dated the day the avis was recorded (in Lille), whenever it is
    downloaded."""
    return f"{timezone.localdate(deliberation.recorded_at):%d/%m/%Y}"


def _build(title: str, story: list[Any]) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate

    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title=title).build(story)
    return buffer.getvalue()


def _styles() -> Any:
    from reportlab.lib.styles import getSampleStyleSheet

    return getSampleStyleSheet()


# Decision letter ----------------------------------------------------------------------------

FAVOURABLE_NEXT = (
    "L'avis du comité est transmis aux financeurs du dispositif, qui décident chacun de "
    "leur participation. Vous recevrez leurs décisions signées avant la convention."
)
ADJOURNED_NEXT = (
    "Vous pourrez retravailler votre candidature pour une prochaine séance : elle sera "
    "de nouveau inscrite à l'ordre du jour une fois complétée."
)
APPEAL = (
    "Voies de recours : vous pouvez contester cette décision dans un délai de deux mois à "
    "compter de sa réception, par un recours gracieux auprès de la MEL ou un recours "
    "contentieux devant le tribunal administratif de Lille."
)


def decision_letter_pdf(*, application: Application, deliberation: Deliberation) -> bytes:
    """The letter telling the holder the committee's avis, worded per outcome."""
    from reportlab.platypus import Paragraph, Spacer

    styles = _styles()
    normal = styles["Normal"]
    session = deliberation.session
    story: list[Any] = [
        Paragraph(HEADER, styles["Title"]),
        Spacer(1, 12),
        Paragraph(f"À l'attention de {text(application.holder.user)}", normal),
        Paragraph(f"Projet : {text(application.project.title)}", normal),
        Paragraph(f"Lille, le {letter_date(deliberation)}", normal),
        Spacer(1, 12),
        Paragraph(
            f"Le comité de sélection réuni le {_when(session)} a examiné votre candidature. "
            f"Son avis : <b>{text(deliberation.get_outcome_display())}</b>.",
            normal,
        ),
        Spacer(1, 8),
    ]
    story += _letter_body(deliberation, styles)
    story += [Spacer(1, 16), Paragraph("L'équipe Entreprendre Autrement de la MEL", normal)]
    return _build("Avis du comité de sélection", story)


def _letter_body(deliberation: Deliberation, styles: Any) -> list[Any]:
    from reportlab.platypus import Paragraph, Spacer

    normal = styles["Normal"]
    body: list[Any] = []
    if deliberation.is_favourable and deliberation.proposed_amount is not None:
        body.append(
            Paragraph(
                "Montant de subvention proposé par le comité : "
                f"<b>{_euros(deliberation.proposed_amount)}</b>.",
                normal,
            )
        )
    if deliberation.outcome == Outcome.WITH_CONDITIONS:
        body.append(Paragraph("Conditions posées par le comité :", styles["Heading3"]))
        body += [
            Paragraph(f"• {text(line.strip())}", normal)
            for line in deliberation.conditions.splitlines()
            if line.strip()
        ]
    if deliberation.is_favourable:
        body += [Spacer(1, 8), Paragraph(FAVOURABLE_NEXT, normal)]
        return body
    body += [
        Paragraph("Motifs :", styles["Heading3"]),
        Paragraph(text(deliberation.reasons), normal),
        Spacer(1, 8),
    ]
    body.append(
        Paragraph(ADJOURNED_NEXT if deliberation.outcome == Outcome.ADJOURNED else APPEAL, normal)
    )
    return body


# Session minutes ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MinutesRow:
    """One dossier deliberated at the session, with who withdrew from it."""

    deliberation: Deliberation
    withdrawn: Sequence[User]


def session_minutes_pdf(*, session: CommitteeSession, rows: Sequence[MinutesRow]) -> bytes:
    """The procès-verbal: every avis of the session, its figures and the withdrawals."""
    from reportlab.platypus import Paragraph, Spacer

    styles = _styles()
    normal = styles["Normal"]
    story: list[Any] = [
        Paragraph(HEADER, styles["Title"]),
        Paragraph("Procès-verbal du comité de sélection", styles["Heading2"]),
        Paragraph(
            f"Séance du {timezone.localtime(session.starts_at):%d/%m/%Y à %H:%M} — "
            f"{text(session.place)} — {text(session.committee)}",
            normal,
        ),
        Paragraph(f"Dossiers délibérés : {len(rows)}", normal),
        Spacer(1, 12),
    ]
    for row in rows:
        story += _minutes_entry(row, styles)
    if not rows:
        story.append(Paragraph("Aucun dossier n'a encore été délibéré à cette séance.", normal))
    return _build("Procès-verbal du comité", story)


def _minutes_entry(row: MinutesRow, styles: Any) -> list[Any]:
    from reportlab.platypus import Paragraph, Spacer

    normal = styles["Normal"]
    deliberation = row.deliberation
    application = deliberation.application
    commune = application.project.commune
    entry: list[Any] = [
        Paragraph(
            f"{text(application.project.title)} — {text(application.holder.user)}"
            + (f" ({text(commune.name)})" if commune else ""),
            styles["Heading3"],
        ),
        Paragraph(f"Avis : <b>{text(deliberation.get_outcome_display())}</b>", normal),
    ]
    if deliberation.proposed_amount is not None:
        entry.append(Paragraph(f"Montant proposé : {_euros(deliberation.proposed_amount)}", normal))
    if deliberation.conditions:
        entry.append(Paragraph(f"Conditions : {text(deliberation.conditions)}", normal))
    if deliberation.reasons:
        entry.append(Paragraph(f"Motivation : {text(deliberation.reasons)}", normal))
    average = (
        f"{format_number(deliberation.average_score)} / 100"
        if deliberation.average_score is not None
        else "aucune note"
    )
    entry.append(
        Paragraph(
            f"Note moyenne : {average} — notations reçues : {deliberation.scorings_submitted}"
            f" — membres déportés : {deliberation.members_withdrawn}",
            normal,
        )
    )
    if row.withdrawn:
        names = ", ".join(text(member) for member in row.withdrawn)
        entry.append(Paragraph(f"Se sont déportés : {names}", normal))
    entry.append(
        Paragraph(
            f"Enregistré le {timezone.localtime(deliberation.recorded_at):%d/%m/%Y} par "
            f"{text(deliberation.recorded_by)}",
            normal,
        )
    )
    entry.append(Spacer(1, 10))
    return entry
