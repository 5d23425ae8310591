"""The shape of the plan's indicators, shared by the pages, the Comité's report, the API and
the frozen snapshots: sections of headline figures and tables whose cells are already
confidentiality-checked and worded in French.

A value carries both what a person reads (``display``: "12 000 €", "moins de 5", "—") and
the number a machine reads (``number``: ``None`` when the cell is hidden or merged, so no
client can recover a small count). Everything here round-trips through JSON, so a report
frozen at the Comité's approval shows exactly what was approved.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from accounts.french import long_date

ChartKind = Literal["bar", "funnel", ""]


@dataclass(frozen=True)
class Value:
    display: str
    number: float | None = None


@dataclass(frozen=True)
class Figure:
    """One headline number ("Subventions accordées : 412 000 €")."""

    key: str
    label: str
    value: Value
    help: str = ""


@dataclass(frozen=True)
class Row:
    label: str
    values: tuple[Value, ...]


@dataclass(frozen=True)
class Table:
    """A table shown beside its chart; ``chart_column`` names the column the chart draws,
    counting the table's columns with the labels' column as 0."""

    key: str
    title: str
    description: str
    headers: tuple[str, ...]  # the first names the row labels' column
    rows: tuple[Row, ...]
    chart: ChartKind = ""
    chart_column: int = 0
    note: str = ""


@dataclass(frozen=True)
class Section:
    key: str  # funnel, money, time, impact, equity
    title: str
    intro: str
    figures: tuple[Figure, ...] = ()
    tables: tuple[Table, ...] = ()


@dataclass(frozen=True)
class Period:
    """Inclusive dates; a semester by default."""

    start: date
    end: date

    @classmethod
    def semester_of(cls, day: date) -> Period:
        if day.month <= 6:
            return cls(date(day.year, 1, 1), date(day.year, 6, 30))
        return cls(date(day.year, 7, 1), date(day.year, 12, 31))

    def previous_semester(self) -> Period:
        return Period.semester_of(date.fromordinal(self.start.toordinal() - 1))

    @property
    def is_semester(self) -> bool:
        return self == Period.semester_of(self.start)

    @property
    def label(self) -> str:
        if self.is_semester:
            half = "1er" if self.start.month == 1 else "2e"
            return f"{half} semestre {self.start.year}"
        return f"du {long_date(self.start)} au {long_date(self.end)}"


@dataclass(frozen=True)
class PlanIndicators:
    period: Period
    scope_label: str  # "Tout le plan", "Axe 1 — …", "Programme Entreprendre Autrement"
    computed_at: datetime
    sections: tuple[Section, ...] = field(default_factory=tuple)

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["period"] = {
            "start": self.period.start.isoformat(),
            "end": self.period.end.isoformat(),
        }
        data["computed_at"] = self.computed_at.isoformat()
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PlanIndicators:
        def value(v: dict[str, Any]) -> Value:
            return Value(v["display"], v.get("number"))

        def table(t: dict[str, Any]) -> Table:
            rows = tuple(Row(r["label"], tuple(value(v) for v in r["values"])) for r in t["rows"])
            return Table(
                key=t["key"],
                title=t["title"],
                description=t["description"],
                headers=tuple(t["headers"]),
                rows=rows,
                chart=t.get("chart", ""),
                chart_column=t.get("chart_column", 0),
                note=t.get("note", ""),
            )

        sections = tuple(
            Section(
                key=s["key"],
                title=s["title"],
                intro=s["intro"],
                figures=tuple(
                    Figure(f["key"], f["label"], value(f["value"]), f.get("help", ""))
                    for f in s["figures"]
                ),
                tables=tuple(table(t) for t in s["tables"]),
            )
            for s in data["sections"]
        )
        return cls(
            period=Period(
                date.fromisoformat(data["period"]["start"]),
                date.fromisoformat(data["period"]["end"]),
            ),
            scope_label=data["scope_label"],
            computed_at=datetime.fromisoformat(data["computed_at"]),
            sections=sections,
        )
