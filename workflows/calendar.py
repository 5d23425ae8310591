"""Service-level deadlines. Working days skip weekends; public holidays are not counted
out (a deadline may land a day early around them, never late)."""

from __future__ import annotations

import datetime

SATURDAY = 5


def add_working_days(start: datetime.datetime, days: int) -> datetime.datetime:
    moment = start
    remaining = days
    while remaining > 0:
        moment += datetime.timedelta(days=1)
        if moment.weekday() < SATURDAY:
            remaining -= 1
    return moment


def local_day(moment: datetime.datetime) -> str:
    """``15/03/2027``: the day of an aware moment in the site's time zone (Lille)."""
    from django.utils import timezone

    return f"{timezone.localtime(moment):%d/%m/%Y}"
