"""Writing exports: streamed at once when small, prepared in the background when large
(``ExportJob``), kept in private storage until they expire, then purged."""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Iterator
from datetime import timedelta
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, storages
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone

from accounts.models import User
from accounts.selectors import AnyUser
from exports.models import ExportFormat, ExportJob, ExportState
from exports.registry import ListExport, list_export, may_export
from exports.selectors import export_access_of
from exports.writers import csv_lines, write_csv, write_xlsx

logger = logging.getLogger(__name__)

FAILED = (
    "L'export n'a pas pu être préparé. Demandez-le de nouveau depuis la liste ; "
    "si l'échec se répète, prévenez l'équipe technique de la MEL."
)
NOT_ALLOWED = "Votre compte ne permet plus d'exporter cette liste : l'export est annulé."
INTERRUPTED = (
    "La préparation a été interrompue plusieurs fois. Demandez l'export de nouveau depuis "
    "la liste, si possible avec des filtres qui réduisent le nombre de lignes."
)
ACCESS_CHANGED = (
    "Vos accès ont changé depuis la demande de cet export : il est annulé. Demandez-le de "
    "nouveau depuis la liste, qui montre ce que vos accès actuels permettent de voir."
)
QUERY_TOO_LONG = (
    "Les filtres et la recherche de cette liste sont trop longs pour un export préparé en "
    "arrière-plan. Raccourcissez la recherche ou retirez des filtres, puis exportez de nouveau."
)
# The room the job keeps for the list's filters: a longer query is refused, never cut
# (a cut query would export rows the page hides).
QUERY_MAX_LENGTH = ExportJob._meta.get_field("query").max_length or 0


class ExportQueryTooLong(ValueError):
    """The list's filters do not fit in a job: the message says what to do."""

    def __init__(self) -> None:
        super().__init__(QUERY_TOO_LONG)


def export_query_fits(*, query: QueryDict) -> bool:
    return len(query.urlencode()) <= QUERY_MAX_LENGTH


def export_storage() -> Storage:
    """The private store of the documents (under ``MEDIA_ROOT``, never served directly)."""
    return storages["default"]


# Files written at once --------------------------------------------------------------------


def export_csv_stream(
    *, export: ListExport, user: AnyUser, query: QueryDict, french: bool
) -> Iterator[str]:
    columns = export.columns_for(user, query)
    return csv_lines(columns, export.rows(user, query), french=french)


def export_xlsx_file(*, export: ListExport, user: AnyUser, query: QueryDict) -> IO[bytes]:
    """The XLSX written to a temporary file, open for reading; its name is already
    removed, so the file disappears when the response closes it."""
    handle, path = tempfile.mkstemp(suffix=".xlsx", prefix="export-")
    os.close(handle)
    try:
        columns = export.columns_for(user, query)
        write_xlsx(path, columns, export.rows(user, query), title=export.title)
        return open(path, "rb")  # closed by the response
    finally:
        os.unlink(path)


# Jobs -------------------------------------------------------------------------------------


def export_job_create(
    *,
    owner: User,
    export: ListExport,
    query: QueryDict,
    format: str,
    french_numbers: bool,
    rows_total: int,
) -> ExportJob:
    """A job waiting for a worker; the caller hands it over once the transaction commits.
    Records what the file is filtered for (``export_access_of``); raises
    ``ExportQueryTooLong`` when the list's filters do not fit."""
    if not export_query_fits(query=query):
        raise ExportQueryTooLong
    return ExportJob.objects.create(
        owner=owner,
        list_name=export.name,
        list_title=export.title,
        query=query.urlencode(),
        owner_access=export_access_of(user=owner, export=export, query=query),
        format=format,
        french_numbers=french_numbers,
        rows_total=rows_total,
    )


def export_job_run(*, job_id: str) -> None:
    """Write the job's file, telling its progress every ``EXPORT_PROGRESS_EVERY`` rows.

    Safe to run twice (a worker lost mid-way hands the task over again): a finished job
    is left alone, a started one starts over and replaces its file."""
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.state not in (ExportState.QUEUED, ExportState.RUNNING):
            return
        job.state, job.rows_done, job.error = ExportState.RUNNING, 0, ""
        job.attempts += 1
        job.heartbeat_at = timezone.now()
        job.save(update_fields=["state", "rows_done", "error", "attempts", "heartbeat_at"])
    export = list_export(job.list_name)
    owner = job.owner
    if export is None or not owner.is_active or not may_export(owner, export):
        _finish(job, state=ExportState.FAILED, error=NOT_ALLOWED)
        return
    access = export_access_of(user=owner, export=export, query=QueryDict(job.query))
    if not job.owner_access:  # a job queued before access was recorded: filtered for now
        job.owner_access = access
        job.save(update_fields=["owner_access"])
    elif access != job.owner_access:
        _finish(job, state=ExportState.FAILED, error=ACCESS_CHANGED)
        return
    try:
        name = _write_job_file(job, export)
    except Exception:
        logger.exception("Export %s failed", job.pk)
        _finish(job, state=ExportState.FAILED, error=FAILED)
        return
    _finish(job, state=ExportState.DONE, storage_name=name)


def _job_file_name(job: ExportJob) -> str:
    """Where the job's file is stored: from the job alone, so a rerun after a crash (the
    file saved, its name not yet recorded) finds and replaces the previous attempt's."""
    return f"exports/{job.pk}.{job.format}"


def _delete_job_file(job: ExportJob) -> None:
    storage = export_storage()
    for name in {job.storage_name, _job_file_name(job)} - {""}:
        storage.delete(name)


def _write_job_file(job: ExportJob, export: ListExport) -> str:
    query = QueryDict(job.query)
    owner = job.owner

    def progress(done: int) -> None:
        ExportJob.objects.filter(pk=job.pk).update(rows_done=done, heartbeat_at=timezone.now())

    every = settings.EXPORT_PROGRESS_EVERY
    columns = export.columns_for(owner, query)
    rows = export.rows(owner, query)
    handle, path = tempfile.mkstemp(suffix=f".{job.format}", prefix="export-")
    try:
        if job.format == ExportFormat.XLSX:
            os.close(handle)
            write_xlsx(path, columns, rows, title=export.title, progress=progress, every=every)
        else:
            with os.fdopen(handle, "wb") as target:
                write_csv(
                    target, columns, rows, french=job.french_numbers, progress=progress, every=every
                )
        _delete_job_file(job)  # a previous attempt's file, recorded or not
        with open(path, "rb") as source:
            return export_storage().save(_job_file_name(job), File(source))
    finally:
        os.unlink(path)


def _finish(job: ExportJob, *, state: str, error: str = "", storage_name: str = "") -> None:
    if state == ExportState.FAILED:  # what an interrupted attempt may have saved
        _delete_job_file(job)
    now = timezone.now()
    job.state, job.error, job.finished_at = state, error, now
    fields = ["state", "error", "finished_at"]
    if state == ExportState.DONE:
        job.storage_name = storage_name
        job.rows_done = ExportJob.objects.values_list("rows_done", flat=True).get(pk=job.pk)
        job.expires_at = now + timedelta(hours=settings.EXPORT_RETENTION_HOURS)
        fields += ["storage_name", "rows_done", "expires_at"]
    job.save(update_fields=fields)


def export_file_open(*, job: ExportJob) -> IO[bytes] | None:
    """The job's file, or None once it has expired or gone."""
    if job.state != ExportState.DONE or not job.storage_name:
        return None
    if job.expires_at is not None and job.expires_at <= timezone.now():
        return None
    try:
        return export_storage().open(job.storage_name, "rb")
    except FileNotFoundError:
        logger.error("Export %s: stored file %s is missing", job.pk, job.storage_name)
        return None


# Purge ------------------------------------------------------------------------------------


def export_jobs_purge(*, now: Any = None) -> list[str]:
    """Delete the files of expired exports (their rows stay, marked "expiré", until
    ``EXPORT_HISTORY_DAYS``); hand back the jobs lost with their worker (no sign of life
    for ``EXPORT_STALE_MINUTES``) to run again, or mark them failed after
    ``EXPORT_MAX_ATTEMPTS``. Returns the ids to hand to a worker again."""
    now = now or timezone.now()
    storage = export_storage()
    expired = ExportJob.objects.filter(state=ExportState.DONE, expires_at__lte=now)
    for job_id, name in expired.values_list("pk", "storage_name").iterator():
        if name:
            storage.delete(name)
        ExportJob.objects.filter(pk=job_id).update(state=ExportState.EXPIRED, storage_name="")
    ExportJob.objects.filter(
        created_at__lt=now - timedelta(days=settings.EXPORT_HISTORY_DAYS)
    ).exclude(state__in=(ExportState.QUEUED, ExportState.RUNNING, ExportState.DONE)).delete()
    stale_before = now - timedelta(minutes=settings.EXPORT_STALE_MINUTES)
    stale = (
        ExportJob.objects.filter(state__in=(ExportState.QUEUED, ExportState.RUNNING))
        .exclude(heartbeat_at__gte=stale_before)
        .filter(created_at__lt=stale_before)
    )
    again = []
    for job in stale:
        if job.attempts >= settings.EXPORT_MAX_ATTEMPTS:
            _finish(job, state=ExportState.FAILED, error=INTERRUPTED)
        else:
            ExportJob.objects.filter(pk=job.pk).update(state=ExportState.QUEUED, heartbeat_at=now)
            again.append(str(job.pk))
    return again
