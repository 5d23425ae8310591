"""Aggregates never let a small group be recovered, not even by subtraction."""

from __future__ import annotations

import itertools
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import settings as settings_hypothesis
from hypothesis import strategies as st

from steering.indicators.cells import OTHERS_LABEL, Cell, hide_cross_table, suppress_small_cells


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


# Cross-tables: the attacker knows every row total, column total and the grand total, and
# subtracts the visible cells. ----------------------------------------------------------------

LIMIT = 3


def _exactly_recoverable(grid: list[list[int]], hidden: list[list[bool]]) -> list[tuple[int, int]]:
    """The attack: for each line whose total is known, total minus visible cells; a line with
    one hidden cell gives it away. Repeated with the cells found, until nothing new."""
    known = [[not h for h in row] for row in hidden]
    rows, cols = len(grid), len(grid[0])
    lines = [[(i, j) for j in range(cols)] for i in range(rows)]
    lines += [[(i, j) for i in range(rows)] for j in range(cols)]
    lines = [line for line in lines if len(line) > 1]  # a one-cell line has no other total
    found: list[tuple[int, int]] = []
    progress = True
    while progress:
        progress = False
        for line in lines:
            total = sum(grid[i][j] for i, j in line)
            if 0 < total < LIMIT:
                continue  # a small total is not published
            unknown = [(i, j) for i, j in line if not known[i][j]]
            if len(unknown) == 1:
                i, j = unknown[0]
                known[i][j] = progress = True
                found.append((i, j))
    return found


def _line_groups_too_small(grid: list[list[int]], hidden: list[list[bool]]) -> list[str]:
    """Total minus visible cells = the sum of a line's hidden cells: never a small group."""
    rows, cols = len(grid), len(grid[0])
    lines = [[(i, j) for j in range(cols)] for i in range(rows)]
    lines += [[(i, j) for i in range(rows)] for j in range(cols)]
    lines = [line for line in lines if len(line) > 1]
    bad = []
    for line in lines:
        total = sum(grid[i][j] for i, j in line)
        if 0 < total < LIMIT:
            continue
        rest = sum(grid[i][j] for i, j in line if hidden[i][j])
        if 0 < rest < LIMIT:
            bad.append(f"{line}: {rest}")
    return bad


def _rank(matrix: list[list[Fraction]]) -> int:
    rows = [list(r) for r in matrix]
    rank, cols = 0, len(rows[0]) if rows else 0
    for c in range(cols):
        pivot = next((r for r in range(rank, len(rows)) if rows[r][c]), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        for r in range(len(rows)):
            if r != rank and rows[r][c]:
                factor = rows[r][c] / rows[rank][c]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[rank], strict=True)]
        rank += 1
    return rank


def _linearly_recoverable(grid: list[list[int]], hidden: list[list[bool]]) -> list[tuple[int, int]]:
    """The stronger attack: any combination of the known totals (rows, columns, grand total)
    at once. A hidden cell is pinned down when its unit vector adds no rank to the system."""
    rows, cols = len(grid), len(grid[0])
    unknown = [(i, j) for i in range(rows) for j in range(cols) if hidden[i][j]]
    lines = [[(i, j) for j in range(cols)] for i in range(rows)]
    lines += [[(i, j) for i in range(rows)] for j in range(cols)]
    lines = [line for line in lines if len(line) > 1]
    lines.append([(i, j) for i in range(rows) for j in range(cols)])
    system = [
        [Fraction(int(cell in line)) for cell in unknown]
        for line in lines
        if not 0 < sum(grid[i][j] for i, j in line) < LIMIT
    ]
    system = [row for row in system if any(row)]
    base = _rank(system)
    return [
        cell
        for k, cell in enumerate(unknown)
        if _rank([*system, [Fraction(int(n == k)) for n in range(len(unknown))]]) == base
    ]


@pytest.fixture(autouse=True)
def _limit(settings: Any) -> None:
    settings.STATISTICS_MIN_CELL = LIMIT


def test_a_small_cell_is_hidden_with_a_partner_in_its_row_and_its_column() -> None:
    grid = [[10, 2, 8], [7, 9, 6], [5, 4, 12]]
    hidden = hide_cross_table(grid)
    assert hidden[0][1]
    assert sum(hidden[0]) >= 2
    assert sum(row[1] for row in hidden) >= 2
    assert _exactly_recoverable(grid, hidden) == []


def test_no_small_cell_is_ever_shown_and_none_is_recovered_by_subtraction() -> None:
    grid = [[1, 0, 4], [3, 5, 2], [0, 6, 7], [2, 2, 9]]
    hidden = hide_cross_table(grid)
    for row, mask in zip(grid, hidden, strict=True):
        for value, h in zip(row, mask, strict=True):
            assert h or value == 0 or value >= LIMIT
    assert _exactly_recoverable(grid, hidden) == []
    assert _linearly_recoverable(grid, hidden) == []
    assert _line_groups_too_small(grid, hidden) == []


def test_cumulative_steps_never_differ_by_a_small_number_between_two_visible_cells() -> None:
    grid = [[20, 12, 11, 5], [15, 15, 9, 8]]
    hidden = hide_cross_table(grid, cumulative=True)
    for row, mask in zip(grid, hidden, strict=True):
        shown = [v for v, h in zip(row, mask, strict=True) if not h]
        for before, after in itertools.pairwise(shown):
            assert not 0 < before - after < LIMIT


@settings_hypothesis(max_examples=300, deadline=None)
@given(
    st.integers(1, 5).flatmap(
        lambda cols: st.lists(
            st.lists(st.integers(0, 12), min_size=cols, max_size=cols), min_size=1, max_size=6
        )
    ),
    st.booleans(),
)
# Hidden 2, 1, 1 beside a shown zero: the row, column and grand totals (3, 3, 4) solve all
# three cells; the zero must be hidden too.
@example(grid=[[2, 1], [1, 0]], cumulative=False)
def test_any_table_resists_the_subtraction_attack_on_rows_and_columns(
    grid: list[list[int]], cumulative: bool
) -> None:
    if cumulative:  # nested steps: each row never grows from one column to the next
        grid = [sorted(row, reverse=True) for row in grid]
    hidden = hide_cross_table(grid, cumulative=cumulative)
    for row, mask in zip(grid, hidden, strict=True):
        for value, h in zip(row, mask, strict=True):
            assert h or not 0 < value < LIMIT
    assert _exactly_recoverable(grid, hidden) == []
    assert _linearly_recoverable(grid, hidden) == []
    assert _line_groups_too_small(grid, hidden) == []


def test_the_attacks_do_find_a_cell_hidden_alone_or_in_a_chain() -> None:
    """The attackers are real: primary suppression alone gives cells away."""
    grid = [[10, 2, 8], [7, 9, 6]]
    alone = [[False, True, False], [False, False, False]]
    assert _exactly_recoverable(grid, alone) == [(0, 1)]
    # Two cells of one row hidden: the rows alone cannot tell them apart, the columns can.
    pair = [[False, True, True], [False, False, False]]
    assert sorted(_linearly_recoverable(grid, pair)) == [(0, 1), (0, 2)]
