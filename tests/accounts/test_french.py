"""French typography: plurals by the French rule, "1er" in long dates, names in French order."""

from __future__ import annotations

import datetime

import pytest
from django.template import Context, Template
from django.utils.functional import SimpleLazyObject

from accounts.french import collation_key, french_order, long_date, plural
from applicants.models import Commune
from applicants.selectors.territory import mel_communes
from tests.factories.applicants import commune

NBSP = "\u00a0"


@pytest.mark.parametrize(("count", "expected"), [(0, "lue"), (1, "lue"), (2, "lues"), (4, "lues")])
def test_zero_and_one_are_singular_in_french(count: int, expected: str) -> None:
    assert plural(count, "lue", "lues") == expected


def test_the_plural_filter_reads_a_lazy_count_instead_of_dropping_the_s() -> None:
    lazy = SimpleLazyObject(lambda: 4)
    rendered = Template("{% load french %}dont {{ n }} non lue{{ n|fr_plural }}").render(
        Context({"n": lazy})
    )
    assert rendered == "dont 4 non lues"


def test_the_first_of_the_month_is_written_1er() -> None:
    assert long_date(datetime.date(2027, 2, 1)) == f"1er{NBSP}février{NBSP}2027"
    assert long_date(datetime.date(2027, 3, 24), weekday=True) == f"mercredi 24{NBSP}mars{NBSP}2027"
    rendered = Template("{% load french %}{{ d|long_date }}").render(
        Context({"d": datetime.date(2027, 8, 1)})
    )
    assert rendered == f"1er{NBSP}août{NBSP}2027"


def test_accented_names_sort_among_their_letters() -> None:
    names = ["Provin", "Prémesques", "Pérenchies", "Wattrelos", "Émerchicourt", "Lille"]
    assert sorted(names, key=collation_key) == [
        "Émerchicourt",
        "Lille",
        "Pérenchies",
        "Prémesques",
        "Provin",
        "Wattrelos",
    ]


@pytest.mark.django_db
def test_the_database_lists_communes_in_french_order() -> None:
    for code, name in (("59477", "Provin"), ("59470", "Prémesques"), ("59458", "Pérenchies")):
        commune(code, name)
    assert list(mel_communes().values_list("name", flat=True)) == [
        "Pérenchies",
        "Prémesques",
        "Provin",
    ]
    by_order = Commune.objects.order_by(*french_order("name")).values_list("name", flat=True)
    assert by_order.first() == "Pérenchies"
