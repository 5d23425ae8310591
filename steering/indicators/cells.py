"""Small cells: no published count below the confidentiality threshold, and none that can
be recovered by subtraction.

``STATISTICS_MIN_CELL`` (3 by default) is the smallest number of dossiers a published
figure may describe.

One-way lists (``suppress_small_cells``) merge the categories below the threshold into one
"Autres" row; when that row would itself be small, the next-smallest categories join it
(secondary suppression), because a single hidden cell is otherwise the total minus the
visible ones.

Cross-tables (``hide_cross_table``: groups by steps or by outcomes) hide cells instead of
merging, by the classic cell-suppression method, assuming the worst: that every row total,
column total and the grand total are known to the reader (published elsewhere or computed):

1. *Primary*: every cell and every margin with 0 < count < threshold is hidden.
2. *Secondary*, repeated until nothing changes: in every row and every column whose total is
   shown, the hidden cells must be at least two and add up to at least the threshold
   (otherwise total minus visible cells gives one cell, or a group of cells known to be small);
   while they do not, the smallest visible cell of that line is hidden too (non-zero first:
   hiding a zero protects little). Tables whose columns are cumulative steps (everyone who
   applied, then everyone selected among them…) also have their differences checked: two
   visible steps of one row may not differ by 0 < d < threshold (d people would be
   described), else the later one is hidden.
3. *Audit*: the hidden cells are the unknowns of the linear system "each line adds up to its
   total"; a hidden cell is recoverable exactly when its unit vector lies in the row space of
   that system (exact rational elimination). Any such cell gets its row's smallest visible
   cell hidden and the steps run again. The tests attack the result the same way.

Zero is shown as zero: "nobody" describes no one. Money and durations computed over fewer
dossiers than the threshold are hidden by the sections themselves (``too_few``), and a
hidden count hides the amounts of its row.
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
    """The hidden cells that the shown margins and cells determine exactly."""
    rows, cols = len(grid), len(grid[0])
    unknowns = [(i, j) for i in range(rows) for j in range(cols) if hidden[i][j]]
    index = {cell: k for k, cell in enumerate(unknowns)}
    system = []
    for line in [*_lines(rows, cols), [(i, j) for i in range(rows) for j in range(cols)]]:
        if _small(sum(grid[i][j] for i, j in line), limit):
            continue
        vector = [Fraction(0)] * len(unknowns)
        for cell in line:
            if cell in index:
                vector[index[cell]] = Fraction(1)
        if any(vector):
            system.append(vector)
    pivots = _row_reduce(system)
    found = []
    for cell, k in index.items():
        unit = [Fraction(0)] * len(unknowns)
        unit[k] = Fraction(1)
        for column, row in pivots:
            if unit[column]:
                factor = unit[column]
                unit = [u - factor * r for u, r in zip(unit, row, strict=True)]
        if not any(unit):
            found.append(cell)
    return found


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


def hide_cross_table(grid: Sequence[Sequence[int]], *, cumulative: bool = False) -> Mask:
    """Which cells of ``grid`` (rows by columns of counts) to hide; see the module docstring.
    ``cumulative``: each row's columns are nested steps (later ⊂ earlier)."""
    limit = threshold()
    table = [list(row) for row in grid]
    if not table or not table[0]:
        return [[] for _ in table]
    hidden = [[_small(v, limit) for v in row] for row in table]
    for _ in range(len(table) * len(table[0]) + 1):
        while _secondary(table, hidden, limit, cumulative=cumulative):
            pass
        exposed = _recoverable(table, hidden, limit)
        if not exposed:
            break
        i, _j = exposed[0]
        if not _hide_one(table, hidden, [(i, j) for j in range(len(table[i]))]):
            _hide_one(table, hidden, [(r, _j) for r in range(len(table))])
    return hidden


def hidden_margins(grid: Sequence[Sequence[int]]) -> tuple[list[bool], list[bool]]:
    """Row and column totals to hide (0 < total < threshold)."""
    limit = threshold()
    rows = [_small(sum(row), limit) for row in grid]
    cols = [_small(sum(col), limit) for col in zip(*grid, strict=True)] if grid else []
    return rows, cols
