"""Aggregates never let a small group be recovered, not even by subtraction."""

from __future__ import annotations

from workflows.statistics import OTHERS_LABEL, Cell, suppress_small_cells


def _cells(*counts: int) -> list[Cell]:
    return [Cell(f"c{i}", n, 3) for i, n in enumerate(counts)]


def test_large_categories_are_shown_as_they_are() -> None:
    assert [c.count for c in suppress_small_cells(_cells(5, 4, 3), 3)] == [5, 4, 3]


def test_small_categories_are_merged_into_one_row() -> None:
    result = suppress_small_cells(_cells(6, 2, 2), 3)
    assert [(c.label, c.count) for c in result] == [("c0", 6), (OTHERS_LABEL, 4)]


def test_a_lone_small_category_pulls_in_the_next_smallest_so_it_cannot_be_subtracted() -> None:
    result = suppress_small_cells(_cells(6, 3, 1), 3)
    assert [(c.label, c.count) for c in result] == [("c0", 6), (OTHERS_LABEL, 4)]


def test_when_everything_is_small_only_a_masked_total_remains() -> None:
    result = suppress_small_cells(_cells(1, 1), 3)
    assert [(c.label, c.display) for c in result] == [(OTHERS_LABEL, "moins de 3")]
