"""The demo's calendar: each dossier's history is lived at the dates it shows.

Seeding runs every step through the real services in a few seconds; without a clock, every
filing, score and deliberation would carry the same minute, and a committee held two weeks
ago would adjourn a dossier filed today. ``on_day`` moves the clock the services read
(``timezone.now``, ``localdate``) to a past working day for the duration of one step, so the
dates follow each other as they would have in real life. Only the demo uses it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager

import time_machine
from django.utils import timezone


def real_now() -> datetime.datetime:
    """Now, whatever moment the demo's clock shows (the blocks nest)."""
    hatch = time_machine.escape_hatch
    if hatch.is_travelling():
        return hatch.datetime.datetime.now(tz=datetime.UTC)
    return datetime.datetime.now(tz=datetime.UTC)


def real_today() -> datetime.date:
    return timezone.localdate(real_now())


FRIDAY, SATURDAY = 4, 5


def weekday(days_ago: int) -> int:
    """``days_ago``, or more when that day falls on a weekend: the Friday before. For the
    days that others are counted from (a committee sits on a weekday); the steps themselves
    are not moved, so that two of them never swap."""
    date = real_today() - datetime.timedelta(days=days_ago)
    while date.weekday() >= SATURDAY:
        days_ago += 1
        date -= datetime.timedelta(days=1)
    return days_ago


def day(days_ago: int, hour: int = 10) -> datetime.datetime:
    """``days_ago`` days before today, at ``hour`` local time. A weekend day becomes the
    Friday evening before (Saturday's steps from 18 h, Sunday's from 19 h, ``hour`` as the
    minute): nobody at the MEL records a convention on a Sunday, and the steps keep their
    order."""
    date = real_today() - datetime.timedelta(days=days_ago)
    moment = datetime.time(hour, 0)
    if date.weekday() >= SATURDAY:
        past_friday = date.weekday() - FRIDAY
        date -= datetime.timedelta(days=past_friday)
        moment = datetime.time(17 + past_friday, hour)
    return timezone.make_aware(datetime.datetime.combine(date, moment))


@contextmanager
def on_day(days_ago: int, hour: int = 10) -> Iterator[datetime.datetime]:
    """Run the block as if it were ``days_ago`` days ago (``0``: today, at the real time).
    The clock ticks, so the records written in the block keep their order."""
    if days_ago <= 0:
        with time_machine.travel(real_now(), tick=True):
            yield timezone.now()
        return
    moment = day(days_ago, hour)
    with time_machine.travel(moment, tick=True):
        yield moment


@contextmanager
def at_moment(moment: datetime.datetime) -> Iterator[datetime.datetime]:
    """Run the block at ``moment`` (in the past), the clock ticking from there."""
    with time_machine.travel(moment, tick=True):
        yield moment
