"""An export's memory stays flat: the peak for 2 000 rows is about the peak for 200 (rows
are read by chunks and written as they come; XLSX in constant-memory mode)."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest
from django.http import QueryDict

from accounts.models import Organisation, User
from applicants.models import Project
from exports.registry import list_export
from exports.writers import write_csv, write_xlsx
from tests.factories.applicants import PersonFactory, ProjectFactory, StructureFactory

pytestmark = pytest.mark.django_db

# Above the peak at 200 rows, what 2 000 rows may add (small caches); keeping each row
# (some 3 kB) would add over 5 MB, and so would reading by chunks of 2 000.
MARGIN_BYTES = 1024 * 1024


def _grow_to(count: int, incubator: Organisation) -> None:
    person = PersonFactory.create()
    structure = StructureFactory.create(holder=person)
    missing = count - Project.objects.count()
    template = ProjectFactory.build(
        holder=person, structure=structure, support_organisation=incubator
    )
    projects = []
    for i in range(missing):
        project = Project(
            **{
                f.attname: getattr(template, f.attname)
                for f in Project._meta.concrete_fields
                if not f.primary_key
            }
        )
        project.title = f"Projet solidaire n°{Project.objects.count() + i}"
        projects.append(project)
    Project.objects.bulk_create(projects, batch_size=500)


def _peak(user: User, fmt: str, tmp_path: Path) -> int:
    export = list_export("projets")
    assert export is not None
    query = QueryDict("tri=nom")
    columns = export.columns_for(user, query)
    tracemalloc.start()
    try:
        if fmt == "csv":
            with open(tmp_path / "x.csv", "wb") as target:
                write_csv(target, columns, export.rows(user, query), french=True)
        else:
            write_xlsx(str(tmp_path / "x.xlsx"), columns, export.rows(user, query), title="Projets")
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_memory_does_not_grow_with_the_rows(
    mel_staff: User, incubator_x: Organisation, tmp_path: Path, fmt: str
) -> None:
    _grow_to(200, incubator_x)
    _peak(mel_staff, fmt, tmp_path)  # imports and caches out of the measure
    small = _peak(mel_staff, fmt, tmp_path)
    _grow_to(2000, incubator_x)
    large = _peak(mel_staff, fmt, tmp_path)
    print(f"{fmt}: peak {small // 1024} KiB at 200 rows, {large // 1024} KiB at 2 000")  # noqa: T201
    assert large < small + MARGIN_BYTES
