"""Writing checked territory rows: communes and QPV updated or created, each change tallied."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from applicants.models import Commune, QpvArea
from applicants.territory_files import INSEE_CODE, CommuneRow, QpvRow


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    unknown_communes: dict[str, set[str]] = field(default_factory=dict)

    def written(self, created: bool) -> None:
        if created:
            self.created += 1
        else:
            self.updated += 1


def upsert_communes(rows: list[CommuneRow], *, source: str) -> Tally:
    existing = {
        c.insee_code: c for c in Commune.objects.filter(insee_code__in=[r.insee_code for r in rows])
    }
    tally = Tally()
    for row in rows:
        values: dict[str, Any] = {
            "name": row.name,
            "postal_codes": row.postal_codes,
            "population": row.population,
            "source": source,
        }
        if row.epci_siren is not None:
            values["epci_siren"] = row.epci_siren
        current = existing.get(row.insee_code)
        if current is not None and all(getattr(current, k) == v for k, v in values.items()):
            tally.unchanged += 1
            continue
        _, created = Commune.objects.update_or_create(insee_code=row.insee_code, defaults=values)
        tally.written(created)
    return tally


def _normalised(name: str) -> str:
    # Ligatures do not decompose: "Marcq-en-Barœul" is often typed "Marcq-en-Baroeul".
    name = name.lower().replace("œ", "oe").replace("æ", "ae")
    stripped = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", stripped.lower()).strip()


class CommuneResolver:
    """Finds communes by INSEE code or, for files that list names (2015 ``commune_qp``), by
    accent- and case-insensitive name when that name is unambiguous."""

    def __init__(self) -> None:
        communes = list(Commune.objects.all())
        self.by_code = {c.insee_code: c for c in communes}
        self.by_name: dict[str, list[Commune]] = {}
        for commune in communes:
            self.by_name.setdefault(_normalised(commune.name), []).append(commune)

    def resolve(self, ref: str) -> Commune | None:
        if INSEE_CODE.match(ref):
            return self.by_code.get(ref)
        matches = self.by_name.get(_normalised(ref), [])
        in_mel = [c for c in matches if c.in_mel]
        if len(matches) == 1:
            return matches[0]
        return in_mel[0] if len(in_mel) == 1 else None


def upsert_qpv(rows: Iterable[QpvRow], *, generation: int, source: str, only_mel: bool) -> Tally:
    resolver = CommuneResolver()
    existing = {
        a.code: a
        for a in QpvArea.objects.filter(generation=generation).prefetch_related("communes")
    }
    tally = Tally()
    for row in rows:
        current = existing.get(row.code)
        communes = _row_communes(row, resolver, current)
        if only_mel and not any(c.in_mel for c in communes):
            tally.skipped += 1
            continue
        for ref in row.commune_refs or ():
            if resolver.resolve(ref) is None:
                tally.unknown_communes.setdefault(ref, set()).add(row.code)
        _save_qpv(row, communes, current, generation=generation, source=source, tally=tally)
    return tally


def _row_communes(row: QpvRow, resolver: CommuneResolver, current: QpvArea | None) -> list[Commune]:
    if row.commune_refs is None:  # the file says nothing: keep what is known
        return list(current.communes.all()) if current is not None else []
    found = (resolver.resolve(ref) for ref in row.commune_refs)
    return [commune for commune in found if commune is not None]


def _save_qpv(
    row: QpvRow,
    communes: list[Commune],
    current: QpvArea | None,
    *,
    generation: int,
    source: str,
    tally: Tally,
) -> None:
    values: dict[str, Any] = {
        "name": row.name or (current.name if current else row.code),
        "source": source,
    }
    if row.perimeter is not None:  # a list without geometry never erases a loaded perimeter
        values["perimeter"] = row.perimeter
    same_communes = current is not None and {c.pk for c in current.communes.all()} == {
        c.pk for c in communes
    }
    if (
        current is not None
        and same_communes
        and all(getattr(current, k) == v for k, v in values.items())
    ):
        tally.unchanged += 1
        return
    area, created = QpvArea.objects.update_or_create(
        code=row.code, generation=generation, defaults=values
    )
    if communes:  # never leave a QPV without the communes it had because a file omits them
        area.communes.set(communes)
    tally.written(created)
