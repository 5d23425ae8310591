"""Service-level deadlines. Working days skip weekends; public holidays are not counted
out (a deadline may land a day early around them, never late)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from accounts.french import long_date

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
    return f"{timezone.localtime(moment):%d/%m/%Y}"


def day_in_words(day: datetime.date | datetime.datetime) -> str:
    """``mardi 24 mars 2027``, ``lundi 1er février 2027``: a day as people write it (the
    moment's day in Lille for a datetime)."""
    return long_date(day, weekday=True)
