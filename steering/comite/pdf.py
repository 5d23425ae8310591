"""The semester report as a PDF (A4, French): a title page, the headline figures, then
each section's figures and tables, with a bar chart beside each table that asks for one.

Fonts are DejaVu (``PDF_FONT_DIR``): the standard PDF fonts have no narrow no-break
space, which French numbers use ("12 000 €"). Every text is escaped before it reaches a
reportlab ``Paragraph``, which reads a small markup language.
"""

from __future__ import annotations

import functools
import io
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import reportlab
from django.conf import settings
from django.utils import timezone
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import (
    CondPageBreak,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from accounts.french import long_date
from steering.comite.selectors import report_indicators, report_title
from steering.comite.wording import approval_line, meeting_moment
from steering.indicators.types import PlanIndicators, Section
from steering.indicators.types import Table as IndicatorTable
from steering.models import SemesterReport

FONT, BOLD = "DejaVuSans", "DejaVuSans-Bold"
MEL_BLUE = colors.HexColor("#1d3f72")
PALE = colors.HexColor("#eef2f7")
WIDTH = A4[0] - 4 * cm - 12  # the frame keeps 6 pt of padding on each side


def _font_files() -> tuple[Path, Path]:
    """DejaVu where the machine has it; else reportlab's own Bitstream Vera (DejaVu's
    ancestor, shipped with the package), so a machine without fonts-dejavu-core still gets
    its PDF (Vera lacks the narrow no-break space: ``_text`` widens it)."""
    folder = Path(settings.PDF_FONT_DIR)
    if (folder / "DejaVuSans.ttf").exists() and (folder / "DejaVuSans-Bold.ttf").exists():
        return folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
    bundled = Path(reportlab.__file__).parent / "fonts"
    return bundled / "Vera.ttf", bundled / "VeraBd.ttf"


def _has_narrow_space() -> bool:
    return _font_files()[0].name.startswith("DejaVu")


@functools.cache
def _register_fonts() -> None:
    regular, bold = _font_files()
    pdfmetrics.registerFont(TTFont(FONT, str(regular)))
    pdfmetrics.registerFont(TTFont(BOLD, str(bold)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=14)
    return {
        "body": base,
        "muted": ParagraphStyle("muted", parent=base, textColor=colors.HexColor("#4a4a4a")),
        "small": ParagraphStyle("small", parent=base, fontSize=8.5, leading=11),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9, leading=11.5),
        "head": ParagraphStyle("head", parent=base, fontName=BOLD, fontSize=9, leading=11.5),
        "num": ParagraphStyle("num", parent=base, fontSize=9, leading=11.5, alignment=TA_RIGHT),
        "numhead": ParagraphStyle(
            "numhead", parent=base, fontName=BOLD, fontSize=9, leading=11.5, alignment=TA_RIGHT
        ),
        "kicker": ParagraphStyle("kicker", parent=base, fontName=BOLD, textColor=MEL_BLUE),
        "title": ParagraphStyle("title", parent=base, fontName=BOLD, fontSize=24, leading=30),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=16, leading=22),
        "h1": ParagraphStyle(
            "h1", parent=base, fontName=BOLD, fontSize=16, leading=20, textColor=MEL_BLUE
        ),
        "h2": ParagraphStyle("h2", parent=base, fontName=BOLD, fontSize=11.5, leading=15),
        "state": ParagraphStyle(
            "state", parent=base, fontName=BOLD, fontSize=12, leading=16, alignment=TA_CENTER
        ),
    }


def _text(text: Any) -> str:
    return str(text) if _has_narrow_space() else str(text).replace("\u202f", "\u00a0")


def _p(text: Any, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(_text(text)), style)


class _NumberedCanvas(canvas.Canvas):
    """Writes "Page 2 sur 6" once the number of pages is known."""

    def __init__(self, *args: Any, footer: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._footer_text = footer
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self.setFont(FONT, 8)
            self.setFillColor(colors.HexColor("#4a4a4a"))
            self.drawString(2 * cm + 6, 1.2 * cm, _text(self._footer_text))
            self.drawRightString(A4[0] - 2 * cm - 6, 1.2 * cm, f"Page {number} sur {total}")
            super().showPage()
        super().save()


def semester_report_pdf(*, report: SemesterReport) -> bytes:
    """The report's PDF from its stored figures; an approved report's says so."""
    _register_fonts()
    styles = _styles()
    indicators = report_indicators(report)
    title = report.approved_title or report_title(indicators.period)
    story = _title_page(report, indicators, title, styles)
    for section in indicators.sections:
        story += _section(section, styles)
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        topMargin=2 * cm,
        bottomMargin=2 * cm,
        title=f"Comité métropolitain de l'ESS — {title}",
        author="Métropole Européenne de Lille",
        subject=f"Indicateurs du plan ESS, {indicators.period.label}, {indicators.scope_label}",
        creator="Entreprendre Autrement — MEL",
        lang="fr-FR",
    )
    footer = f"Comité métropolitain de l'ESS — {title}"
    document.build(story, canvasmaker=functools.partial(_NumberedCanvas, footer=footer))
    return buffer.getvalue()


def _title_page(
    report: SemesterReport, indicators: PlanIndicators, title: str, s: dict[str, ParagraphStyle]
) -> list[Any]:
    period = indicators.period
    if report.is_approved:
        state = approval_line(report)
        state_colour = colors.HexColor("#1e6b34")
    else:
        computed = timezone.localtime(indicators.computed_at)
        state = f"Document de travail — chiffres calculés le {long_date(computed)}"
        state_colour = colors.HexColor("#8a4b00")
    box = Table([[_p(state, s["state"])]], colWidths=[WIDTH])
    box.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 1.5, state_colour),
                ("TEXTCOLOR", (0, 0), (-1, -1), state_colour),
                ("TOPPADDING", (0, 0), (-1, -1), 8),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
            ]
        )
    )
    story: list[Any] = [
        _p("Métropole Européenne de Lille — Plan de l'économie sociale et solidaire", s["kicker"]),
        Spacer(1, 1.2 * cm),
        _p("Comité métropolitain de l'ESS", s["title"]),
        Spacer(1, 0.2 * cm),
        _p(title, s["subtitle"]),
        Spacer(1, 0.8 * cm),
        _p(f"Séance du {meeting_moment(report.session_at)}", s["body"]),
        _p(f"Lieu : {report.session_place}", s["body"]),
        _p(
            f"Période couverte : du {long_date(period.start)} au {long_date(period.end)}",
            s["body"],
        ),
        _p(f"Périmètre : {indicators.scope_label}", s["body"]),
        Spacer(1, 0.6 * cm),
        box,
        Spacer(1, 0.8 * cm),
    ]
    story += _summary(indicators, s)
    story.append(PageBreak())
    return story


def _summary(indicators: PlanIndicators, s: dict[str, ParagraphStyle]) -> list[Any]:
    """The headline figures: the first three of each section."""
    rows = [
        [
            _p(section.title if index == 0 else "", s["cell"]),
            _p(figure.label, s["cell"]),
            _p(figure.value.display, s["head"]),
        ]
        for section in indicators.sections
        for index, figure in enumerate(section.figures[:3])
    ]
    if not rows:
        return []
    header = [_p(h, s["head"]) for h in ("Thème", "Indicateur", "Valeur")]
    table = Table([header, *rows], colWidths=[WIDTH * 0.3, WIDTH * 0.48, WIDTH * 0.22])
    table.setStyle(_grid_style())
    return [_p("L'essentiel", s["h1"]), Spacer(1, 0.2 * cm), table]


def _grid_style() -> TableStyle:
    return TableStyle(
        [
            ("BACKGROUND", (0, 0), (-1, 0), PALE),
            ("LINEBELOW", (0, 0), (-1, 0), 0.8, MEL_BLUE),
            ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#c8ced6")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ]
    )


def _section(section: Section, s: dict[str, ParagraphStyle]) -> list[Any]:
    story: list[Any] = [CondPageBreak(6 * cm), _p(section.title, s["h1"]), Spacer(1, 0.15 * cm)]
    if section.intro:
        story += [_p(section.intro, s["muted"]), Spacer(1, 0.3 * cm)]
    if section.figures:
        cells = [[_p(f.label, s["small"]), _p(f.value.display, s["h2"])] for f in section.figures]
        grid = Table(cells, colWidths=[WIDTH * 0.7, WIDTH * 0.3])
        grid.setStyle(
            TableStyle(
                [
                    ("LINEBELOW", (0, 0), (-1, -1), 0.25, PALE),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ]
            )
        )
        story += [grid, Spacer(1, 0.4 * cm)]
    for table in section.tables:
        story += _table(table, s)
    return story


def _table(table: IndicatorTable, s: dict[str, ParagraphStyle]) -> list[Any]:
    """Title, description, chart and the table itself kept together when they fit."""
    parts: list[Any] = [_p(table.title, s["h2"])]
    if table.description:
        parts.append(_p(table.description, s["muted"]))
    parts.append(Spacer(1, 0.15 * cm))
    if table.chart and table.rows:
        parts += [_bar_chart(table), Spacer(1, 0.2 * cm)]
    values = len(table.headers) - 1
    first = WIDTH * (0.4 if values > 1 else 0.6)
    widths = [first] + [(WIDTH - first) / max(values, 1)] * values
    header = [_p(table.headers[0], s["head"])] + [_p(h, s["numhead"]) for h in table.headers[1:]]
    body = [
        [_p(row.label, s["cell"])] + [_p(v.display, s["num"]) for v in row.values]
        for row in table.rows
    ]
    grid = Table([header, *body], colWidths=widths, repeatRows=1)
    grid.setStyle(_grid_style())
    parts.append(grid)
    if table.note:
        parts.append(_p(table.note, s["small"]))
    return [KeepTogether(parts), Spacer(1, 0.5 * cm)]


def _bar_chart(table: IndicatorTable) -> Drawing:
    """Horizontal bars for the table's chart column; a hidden value gets no bar, only its
    words ("non publié")."""
    rows = table.rows[:20]
    bar, gap, label_width = 12, 5, 5.5 * cm
    height = len(rows) * (bar + gap) + gap
    drawing = Drawing(WIDTH, height)
    column = max(table.chart_column - 1, 0)  # counts the columns, labels being 0
    numbers = [row.values[column].number if column < len(row.values) else None for row in rows]
    largest = max((n for n in numbers if n is not None and n > 0), default=0)
    span = WIDTH - label_width - 3 * cm
    for index, row in enumerate(rows):
        y = height - (index + 1) * (bar + gap)
        label = row.label if len(row.label) <= 38 else row.label[:37] + "…"
        drawing.add(String(0, y + 3, _text(label), fontName=FONT, fontSize=8))
        number = numbers[index]
        length = span * number / largest if number and largest else 0
        if length:
            drawing.add(Rect(label_width, y, length, bar, fillColor=MEL_BLUE, strokeColor=None))
        display = row.values[column].display if column < len(row.values) else ""
        drawing.add(
            String(label_width + length + 4, y + 3, _text(display), fontName=FONT, fontSize=8)
        )
    return drawing
