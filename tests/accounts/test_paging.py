"""Lists page on their keys, then load the page's rows: same rows, same order, same count."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.paging import page_by_keys
from applicants.models import Project
from tests.factories.applicants import PersonFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def test_a_page_by_keys_holds_the_rows_of_a_plain_page_in_their_order(
    django_assert_num_queries: Any,
) -> None:
    person = PersonFactory.create()
    for _ in range(7):
        ProjectFactory.create(holder=person)
    queryset = Project.objects.select_related("holder__user", "commune").order_by("-pk")
    expected = list(queryset.values_list("pk", flat=True))
    with django_assert_num_queries(3):  # count, the page's keys, its rows
        second = page_by_keys(queryset, 2, 3)
        rows = list(second)
        assert [r.holder.user.email for r in rows]  # loaded with the page: no query more
    assert [r.pk for r in rows] == expected[3:6]
    assert second.paginator.count == 7
    assert second.has_next()
    last = page_by_keys(queryset, "99", 3)  # out of range: the last page, as Paginator does
    assert [r.pk for r in last] == expected[6:]
