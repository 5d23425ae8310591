"""What some P9 targets need besides a signed-in persona (``bench.p9_data_out.TARGETS``):

- ``api_key``: the ``Authorization`` header of a key issued to the persona's organisation
  (the API answers keys, not sessions, for partners' systems);
- ``indicator_snapshots``: the standard snapshots computed before the page is timed, as the
  nightly task leaves them in production; returns what one semester's computation costs
  (the nightly job's price, which the page does not pay);
- ``export_job_csv`` / ``export_job_xlsx``: a background export of every application, run by
  the service the Celery task calls (``exports.services.export_job_run``), file deleted after.
"""

from __future__ import annotations

import time
from typing import Any

from django.http import QueryDict
from django.utils import timezone

from .context import DEMO_DOMAIN, PERSONAS


def api_key(user: Any) -> dict[str, str]:
    from accounts.models import User
    from api.services.clients import api_client_create

    organisation = user.memberships.select_related("organisation").first().organisation
    actor = User.objects.get(email=f"{PERSONAS['mel_staff']}@{DEMO_DOMAIN}")
    issued = api_client_create(organisation=organisation, name="Banc d'essai P9", actor=actor)
    return {"Authorization": f"Bearer {issued.key}"}


def indicator_snapshots(user: Any) -> dict[str, Any]:
    """Every standard snapshot (nightly run), then the plan's current semester once more,
    timed alone: the figure reported beside the page."""
    from steering.indicators.types import Period
    from steering.services import snapshot_recompute, snapshots_recompute_standard

    today = timezone.localdate()
    started = time.perf_counter()
    count = snapshots_recompute_standard(today=today)
    standard = time.perf_counter() - started
    started = time.perf_counter()
    snapshot_recompute(period=Period.semester_of(today))
    semester = time.perf_counter() - started
    return {
        "snapshots": count,
        "standard_seconds": round(standard, 2),
        "semester_seconds": round(semester, 2),
    }


def _export_job(user: Any, fmt: str) -> dict[str, Any]:
    from exports.models import ExportJob, ExportState
    from exports.registry import list_export
    from exports.services import export_job_create, export_job_run, export_storage

    export = list_export("candidatures")
    if export is None:
        raise LookupError("L'export « candidatures » n'est plus enregistré.")
    query = QueryDict()
    job = export_job_create(
        owner=user,
        export=export,
        query=query,
        format=fmt,
        french_numbers=True,
        rows_total=export.count(user, query),
    )
    export_job_run(job_id=str(job.pk))
    job = ExportJob.objects.get(pk=job.pk)
    size = export_storage().size(job.storage_name) if job.storage_name else 0
    if job.storage_name:
        export_storage().delete(job.storage_name)
    ok = job.state == ExportState.DONE and job.rows_done == job.rows_total
    return {
        "ok": ok,
        "rows": job.rows_done,
        "expected": job.rows_total,
        "bytes": size,
        "error": job.error,
    }


def export_job_csv(user: Any) -> dict[str, Any]:
    return _export_job(user, "csv")


def export_job_xlsx(user: Any) -> dict[str, Any]:
    return _export_job(user, "xlsx")
