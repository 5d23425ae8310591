"""The export's PDF summary: who the person is for the platform and what it holds, in words.

Set in DejaVu where the machine has it (``PDF_FONT_DIR``), else in reportlab's own Bitstream
Vera, like the Comité's report: the standard PDF fonts lack some French characters.
"""

from __future__ import annotations

import functools
import io
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone

from accounts.french import long_date, plural

from .collect import PersonalData

FONT, BOLD = "PrivacySans", "PrivacySans-Bold"


def _font_files() -> tuple[Path, Path]:
    import reportlab

    folder = Path(settings.PDF_FONT_DIR)
    if (folder / "DejaVuSans.ttf").exists() and (folder / "DejaVuSans-Bold.ttf").exists():
        return folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
    bundled = Path(reportlab.__file__).parent / "fonts"
    return bundled / "Vera.ttf", bundled / "VeraBd.ttf"


@functools.cache
def _register_fonts() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    regular, bold = _font_files()
    pdfmetrics.registerFont(TTFont(FONT, str(regular)))
    pdfmetrics.registerFont(TTFont(BOLD, str(bold)))


def _count(value: Any) -> int:
    if isinstance(value, list):
        return len(value)
    if isinstance(value, dict):
        return sum(_count(v) for v in value.values() if isinstance(v, list))
    return 0


def _lines(data: PersonalData) -> list[tuple[str, str]]:
    """(heading, text) pairs of the summary."""
    user = data.user
    sections = data.sections
    lines = [
        ("Votre compte", f"{user.get_full_name() or '—'}, {user.email}, inscrit·e le "
         f"{long_date(timezone.localtime(user.date_joined))}."),
    ]  # fmt: skip
    memberships = sections.get("adhesions") or []
    if memberships:
        names = ", ".join(m["organisation"] for m in memberships)
        lines.append(("Vos organisations", names + "."))
    counted = (
        ("structures", "structure", "structures"),
        ("projets", "projet ou vérification d'adresse", "projets et vérifications d'adresse"),
        ("parcours", "élément de parcours", "éléments de parcours"),
        ("candidatures", "élément de candidature", "éléments de candidature"),
        ("financements", "élément de financement", "éléments de financement"),
        ("documents", "document", "documents"),
        ("consentements", "accord ou retrait", "accords et retraits"),
        ("notifications", "notification", "notifications"),
        ("journal", "ligne du journal d'audit", "lignes du journal d'audit"),
    )
    held = []
    for key, one, many in counted:
        if key in sections:
            n = _count(sections[key])
            held.append(f"{n} {plural(n, one, many)}")
    lines.append(("Ce que la plateforme conserve", " ; ".join(held) + "."))
    lines.append(
        (
            "Le détail",
            "Chaque élément est détaillé dans les fichiers .json de cet export ; le fichier "
            "LISEZMOI.txt dit ce que contient chacun d'eux.",
        )
    )
    lines.append(
        (
            "Vos droits",
            "Pour faire corriger une information ou poser une question, écrivez à notre "
            f"délégué·e à la protection des données : {settings.DPO_CONTACT}.",
        )
    )
    return lines


def _intro() -> str:
    return (
        f"Export du {long_date(timezone.localdate())} — droit d'accès (article 15 du RGPD), "
        "plateforme « Entreprendre Autrement »."
    )


def summary_pdf(data: PersonalData) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    _register_fonts()
    body = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=15)
    head = ParagraphStyle("head", parent=body, fontName=BOLD, fontSize=12, leading=16)
    title = ParagraphStyle("title", parent=body, fontName=BOLD, fontSize=18, leading=24)
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        title="Vos données personnelles",
        author="Métropole Européenne de Lille",
    )
    story: list[Any] = [
        Paragraph("Vos données personnelles", title),
        Paragraph(escape(_intro()), body),
        Spacer(1, 12),
    ]
    for heading, text in _lines(data):
        story += [Paragraph(escape(heading), head), Paragraph(escape(text), body), Spacer(1, 8)]
    document.build(story)
    return buffer.getvalue()
