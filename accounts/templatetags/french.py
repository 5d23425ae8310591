"""``{% load french %}``: ``{{ n|fr_plural:"lue,lues" }}``, ``{{ day|long_date }}`` (with
"1er"), ``{{ day|long_date:"weekday" }}``."""

from __future__ import annotations

import datetime
from typing import Any

from django import template

from accounts import french

register = template.Library()


@register.filter
def fr_plural(count: Any, forms: str = ",s") -> str:
    """``{{ n|fr_plural }}`` adds "s" from 2 on; ``{{ n|fr_plural:"lue,lues" }}`` picks a word."""
    singular, _, plural_form = forms.partition(",")
    return french.plural(count, singular, plural_form)


@register.filter
def long_date(value: datetime.date | datetime.datetime | None, option: str = "") -> str:
    if not value:
        return ""
    return french.long_date(value, weekday=option == "weekday")
