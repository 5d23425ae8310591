"""``{% load comite %}``: a meeting's moment in words ("jeudi 10 décembre 2026 à 14 h 00")."""

from __future__ import annotations

import datetime

from django import template

from steering.comite.wording import meeting_moment

register = template.Library()


@register.filter(name="meeting_moment")
def meeting_moment_filter(value: datetime.datetime | None) -> str:
    return meeting_moment(value) if value else ""
