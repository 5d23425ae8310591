"""``{% export_control "candidatures" %}``: the list's "Exporter" form, carrying the page's
filters, search and sort, saying how many rows the file will hold and whether it is
written at once or prepared in the background."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings

from accounts.french import plural
from exports.forms import ExportForm
from exports.registry import list_export, list_query, may_export

register = template.Library()


@register.inclusion_tag("exports/control.html", takes_context=True)
def export_control(context: template.Context, name: str) -> dict[str, Any]:
    request = context.get("request")
    page = context.get("page")
    export = list_export(name)
    if request is None or page is None or export is None:
        return {"shown": False}
    if not may_export(request.user, export):
        return {"shown": False}
    count = page.paginator.count
    number = thousands(count)
    return {
        "shown": count > 0,
        "export": export,
        "count_words": f"{number}\u00a0{plural(count, 'ligne', 'lignes')}",
        "background": count > settings.EXPORT_SYNC_MAX_ROWS,
        "hidden": list(list_query(request.GET).lists()),
        "form": ExportForm(),
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def thousands(value: Any) -> str:
    """``12\u00a0000``: a whole number with French thousands separators."""
    try:
        return f"{int(value):,}".replace(",", "\u00a0")
    except (TypeError, ValueError):
        return ""


@register.filter
def percent_of(done: Any, total: Any) -> str:
    try:
        return f"{min(100, int(done) * 100 // int(total))}\u00a0%" if int(total) else ""
    except (TypeError, ValueError):
        return ""
