"""Small cells: no published count below the confidentiality threshold, and none that can
be recovered by subtraction.

``STATISTICS_MIN_CELL`` (3 by default) is the smallest number of dossiers a published
figure may describe.

One-way lists (``suppress_small_cells``) merge the categories below the threshold into one
"Autres" row; when that row would itself be small, the next-smallest categories join it
(secondary suppression), because a single hidden cell is otherwise the total minus the
visible ones.

Cross-tables (``hide_cross_table``: groups by steps or by outcomes) hide cells instead of
merging, by the classic cell-suppression method, assuming the worst: that the reader knows
every row total, column total and the grand total that is 0 or at least the threshold (a
total 0 < t < threshold is never published), whether or not the page shows it:

1. *Primary*: every cell with 0 < count < threshold is hidden.
2. *Secondary*, repeated until nothing changes: in every row and every column of two cells
   or more whose total is published, the hidden cells must be at least two and add up to
   at least the threshold (otherwise total minus visible cells gives one cell, or a group
   known to be small); while they do not, the line's smallest visible non-zero cell is
   hidden, then its zeros. Tables whose columns are cumulative steps (everyone who applied,
   then everyone selected among them…) also have their differences checked: two visible
   steps of one row may not differ by 0 < d < threshold (d people would be described),
   else the later one is hidden.
3. *Audit*: the hidden cells are the unknowns of the linear system "each published line
   adds up to its total" (shown cells, zeros included, are known numbers); a hidden cell is
   recoverable exactly when its unit vector lies in the row space of that system, i.e. is a
   row of its reduced echelon form (exact rational elimination). While one is, the shown
   cell whose hiding leaves the fewest recoverable cells is hidden (looked for first in the
   rows and columns of the exposed cells; ties: non-zero before zero, smallest first) and
   step 2 runs again. A shown zero is an equation like any other: in [[2, 1], [1, 0]] the
   totals 3, 3 and 4 give away 2, 1 and 1 unless the zero is hidden too.

Each turn hides one more cell, so this ends; it always can end safely, since with every
cell hidden no combination of row, column and grand totals singles out one cell (in a
table of two rows and two columns or more every total is orthogonal to
e(i,j) - e(i,j') - e(i',j) + e(i',j'); a single row or column has one equation over all
its cells). The tests attack the result the same way, and by plain subtraction.

Zero is otherwise shown as zero: "nobody" describes no one. Hiding cells cannot hide a
small total that the published ones give (grand total minus the other rows); the pages
print no totals beside these tables (the equity columns add up to the funnel's steps,
shown or hidden by the funnel itself), only the outcomes' cohort total. Money and durations
computed over fewer dossiers than the threshold are hidden by the sections themselves
(``too_few``), and a hidden count hides the amounts of its row.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from django.conf import settings

OTHERS_LABEL = "Autres (effectifs regroupés)"
Grid = list[list[int]]
Mask = list[list[bool]]


def threshold() -> int:
    return int(settings.STATISTICS_MIN_CELL)


def too_few(count: int) -> bool:
    """A mean, sum or duration over ``count`` dossiers would describe too few people."""
    return count < threshold()


@dataclass(frozen=True)
class Cell:
    label: str
    count: int
    threshold: int

    @property
    def display(self) -> str:
        return f"moins de {self.threshold}" if 0 < self.count < self.threshold else str(self.count)


def suppress_small_cells(cells: list[Cell], threshold: int) -> list[Cell]:
    """Merge the categories below ``threshold`` (and, if needed, the next-smallest ones)
    into one row whose count is at least ``threshold`` whenever the table allows it."""
    visible = sorted((c for c in cells if c.count >= threshold), key=lambda c: -c.count)
    merged = sum(c.count for c in cells if c.count < threshold)
    if merged == 0:
        return visible
    while merged < threshold and visible:
        merged += visible.pop().count
    return [*visible, Cell(OTHERS_LABEL, merged, threshold)]


# Cross-tables ------------------------------------------------------------------------------


def _small(value: int, limit: int) -> bool:
    return 0 < value < limit


def _lines(rows: int, cols: int) -> list[list[tuple[int, int]]]:
    """Rows and columns of two cells or more: a one-cell line's total is the cell itself."""
    lines = [[(i, j) for j in range(cols)] for i in range(rows)] + [
        [(i, j) for i in range(rows)] for j in range(cols)
    ]
    return [line for line in lines if len(line) > 1]


def _hide_one(grid: Grid, hidden: Mask, line: Sequence[tuple[int, int]]) -> bool:
    candidates = [(i, j) for i, j in line if not hidden[i][j]]
    if not candidates:
        return False
    i, j = min(candidates, key=lambda c: (grid[c[0]][c[1]] == 0, grid[c[0]][c[1]]))
    hidden[i][j] = True
    return True


def _secondary(grid: Grid, hidden: Mask, limit: int, *, cumulative: bool) -> bool:
    changed = False
    rows, cols = len(grid), len(grid[0])
    for line in _lines(rows, cols):
        total = sum(grid[i][j] for i, j in line)
        if _small(total, limit):
            continue  # that margin is hidden itself: the line tells the reader nothing
        cut = [(i, j) for i, j in line if hidden[i][j]]
        while cut and (len(cut) < 2 or sum(grid[i][j] for i, j in cut) < limit):
            if not _hide_one(grid, hidden, line):
                break
            cut = [(i, j) for i, j in line if hidden[i][j]]
            changed = True
    if cumulative:
        for i in range(rows):
            shown = [j for j in range(cols) if not hidden[i][j]]
            for before, after in itertools.pairwise(shown):
                if _small(grid[i][before] - grid[i][after], limit):
                    hidden[i][after] = changed = True
                    break
    return changed


def _recoverable(grid: Grid, hidden: Mask, limit: int) -> list[tuple[int, int]]:
    """The hidden cells that the published totals and shown cells determine exactly."""
    rows, cols = len(grid), len(grid[0])
    unknowns = [(i, j) for i in range(rows) for j in range(cols) if hidden[i][j]]
    index = {cell: k for k, cell in enumerate(unknowns)}
    system = []
    for line in [*_lines(rows, cols), [(i, j) for i in range(rows) for j in range(cols)]]:
        if _small(sum(grid[i][j] for i, j in line), limit):
            continue  # a small total is not published
        vector = [Fraction(0)] * len(unknowns)
        for cell in line:
            if cell in index:
                vector[index[cell]] = Fraction(1)
        if any(vector):
            system.append(vector)
    # In reduced echelon form, a unit vector lies in the row space exactly when one of the
    # rows is that unit vector: the equation "this cell = total minus known cells".
    return [
        unknowns[column] for column, row in _row_reduce(system) if sum(1 for a in row if a) == 1
    ]


def _row_reduce(system: list[list[Fraction]]) -> list[tuple[int, list[Fraction]]]:
    pivots: list[tuple[int, list[Fraction]]] = []
    for vector in system:
        row = list(vector)
        for column, pivot in pivots:
            if row[column]:
                factor = row[column]
                row = [a - factor * b for a, b in zip(row, pivot, strict=True)]
        lead = next((k for k, a in enumerate(row) if a), None)
        if lead is None:
            continue
        row = [a / row[lead] for a in row]
        # Keep earlier pivots reduced against the new one (reduced echelon form).
        pivots = [
            (c, [a - p[lead] * b for a, b in zip(p, row, strict=True)] if p[lead] else p)
            for c, p in pivots
        ]
        pivots.append((lead, row))
    return pivots


def _unpin(grid: Grid, hidden: Mask, limit: int, exposed: list[tuple[int, int]]) -> bool:
    """Hide the shown cell that leaves the fewest hidden cells determined, looking first in
    the rows and columns of the exposed ones; a zero only when no other cell will do (a
    shown zero is an equation too: "this cell = 0")."""
    shown = [(i, j) for i, row in enumerate(hidden) for j, h in enumerate(row) if not h]
    if not shown:
        return False  # cannot happen: with every cell hidden, no total pins a single cell
    near = [(i, j) for i, j in shown if any(i == r or j == c for r, c in exposed)] or shown

    def cost(cell: tuple[int, int]) -> tuple[int, bool, int]:
        i, j = cell
        hidden[i][j] = True
        left = len(_recoverable(grid, hidden, limit))
        hidden[i][j] = False
        return left, grid[i][j] == 0, grid[i][j]

    i, j = min(near, key=cost)
    hidden[i][j] = True
    return True


def hide_cross_table(grid: Sequence[Sequence[int]], *, cumulative: bool = False) -> Mask:
    """Which cells of ``grid`` (rows by columns of counts) to hide; see the module docstring.
    ``cumulative``: each row's columns are nested steps (later ⊂ earlier)."""
    limit = threshold()
    table = [list(row) for row in grid]
    if not table or not table[0]:
        return [[] for _ in table]
    hidden = [[_small(v, limit) for v in row] for row in table]
    # Each turn hides one more cell or stops, so this ends; hiding everything is safe.
    while True:
        while _secondary(table, hidden, limit, cumulative=cumulative):
            pass
        exposed = _recoverable(table, hidden, limit)
        if not exposed or not _unpin(table, hidden, limit, exposed):
            return hidden


def hidden_margins(grid: Sequence[Sequence[int]]) -> tuple[list[bool], list[bool]]:
    """Row and column totals to hide (0 < total < threshold)."""
    limit = threshold()
    rows = [_small(sum(row), limit) for row in grid]
    cols = [_small(sum(col), limit) for col in zip(*grid, strict=True)] if grid else []
    return rows, cols
