"""Celery tasks of the exports: thin, the work is in ``exports.services``."""

from __future__ import annotations

from celery import shared_task

from exports.services import export_job_run, export_jobs_purge

# A large export may take longer than the default limits (60 s soft, 5 min hard).
TIME_LIMIT, SOFT_TIME_LIMIT = 60 * 60, 55 * 60


@shared_task(acks_late=True, time_limit=TIME_LIMIT, soft_time_limit=SOFT_TIME_LIMIT)
def run_export_job(job_id: str) -> None:
    export_job_run(job_id=job_id)


@shared_task
def purge_exports() -> None:
    for job_id in export_jobs_purge():
        run_export_job.delay(job_id)
