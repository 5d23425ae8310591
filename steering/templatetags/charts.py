"""``{% load charts %}`` then ``{% indicator_chart table %}``: a table's column drawn as an
accessible SVG bar chart, server-side (no script, no style attribute: the CSP stays).

Each bar carries its label and its value in text, so colour is never the only carrier of
meaning; a hidden value is written out ("non publié") with no bar. The chart has
``role="img"``, a ``<title>`` and a ``<desc>`` listing the values, and the page shows the
table beside it.
"""

from __future__ import annotations

import itertools

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from steering.indicators.types import Table

register = template.Library()
WIDTH, LABEL_HEIGHT, BAR_HEIGHT, GAP = 520, 22, 18, 12
BAR_ROOM = 390  # the rest of the width holds the value written after the bar
_ids = itertools.count(1)


def _value_index(table: Table) -> int:
    """``chart_column`` counts the table's columns, the labels' column being 0."""
    return max(table.chart_column - 1, 0)


@register.simple_tag
def indicator_chart(table: Table) -> SafeString:
    if not table.chart or not table.rows:
        return SafeString("")
    column = _value_index(table)
    values = [row.values[column] if column < len(row.values) else None for row in table.rows]
    numbers = [v.number for v in values if v is not None and v.number is not None]
    if not any(n > 0 for n in numbers):
        return SafeString("")  # nothing to draw: the table says it (zeros, hidden values)
    top = max(n for n in numbers if n > 0)
    step = LABEL_HEIGHT + BAR_HEIGHT + GAP
    height = step * len(table.rows)
    uid = next(_ids)
    bars = []
    for i, (row, value) in enumerate(zip(table.rows, values, strict=True)):
        y = i * step
        text = value.display if value is not None else "—"
        width = 0.0
        if value is not None and value.number is not None and value.number > 0:
            width = max(2.0, BAR_ROOM * value.number / top)
        bars.append(
            format_html(
                '<g class="chart-row"><text class="chart-label" x="0" y="{}">{}</text>'
                '<rect class="chart-bar{}" x="0" y="{}" width="{}" height="{}"></rect>'
                '<text class="chart-value" x="{}" y="{}">{}</text></g>',
                y + 16,
                row.label,
                " chart-bar-funnel" if table.chart == "funnel" else "",
                y + LABEL_HEIGHT,
                f"{width:.1f}",
                BAR_HEIGHT,
                f"{width + 6:.1f}",
                y + LABEL_HEIGHT + 14,
                text,
            )
        )
    described = format_html_join(
        " ; ",
        "{} : {}",
        ((r.label, (v.display if v else "—")) for r, v in zip(table.rows, values, strict=True)),
    )
    header = table.headers[table.chart_column] if table.chart_column < len(table.headers) else ""
    return format_html(
        '<svg class="chart" role="img" viewBox="0 0 {} {}" aria-labelledby="chart-{}-t chart-{}-d" focusable="false">'
        '<title id="chart-{}-t">{} — {}</title><desc id="chart-{}-d">Graphique en barres. {}.</desc>{}</svg>',
        WIDTH,
        height,
        uid,
        uid,
        uid,
        table.title,
        header,
        uid,
        described,
        SafeString("".join(bars)),
    )
