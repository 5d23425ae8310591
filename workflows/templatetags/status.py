"""Dates as the applicant reads them: ``{{ day|day_in_words }}`` gives "mardi 24 mars 2027"
(and "1er" on the first), ``{{ day|days_left }}`` gives "dans 3 jours", "demain", "aujourd'hui"
or "dépassée depuis 2 jours"."""

from __future__ import annotations

import datetime

from django import template
from django.utils import timezone
from django.utils.translation import ngettext

from accounts.french import long_date

register = template.Library()


@register.filter
def day_in_words(value: datetime.date | datetime.datetime | None) -> str:
    return "" if value is None else long_date(value, weekday=True)


@register.filter
def days_left(value: datetime.date | None) -> str:
    if value is None:
        return ""
    days = (value - timezone.localdate()).days
    if days == 0:
        return "aujourd'hui"
    if days == 1:
        return "demain"
    if days > 1:
        return ngettext("dans %(n)d jour", "dans %(n)d jours", days) % {"n": days}
    late = -days
    return ngettext("dépassée depuis %(n)d jour", "dépassée depuis %(n)d jours", late) % {"n": late}
