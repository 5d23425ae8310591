"""Large exports are prepared in the background: confirmed, queued, written with their
progress, downloaded by their owner only while kept, then purged; a job lost with its
worker is run again, then marked failed."""

from __future__ import annotations

import datetime
from typing import Any, cast

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation, User
from exports.models import ExportFormat, ExportJob, ExportState
from exports.services import export_job_run, export_jobs_purge
from exports.tasks import purge_exports
from tests.conftest import login
from tests.exports.helpers import export_url
from tests.test_query_counts import _make_projects

pytestmark = pytest.mark.django_db


@pytest.fixture
def big(settings: Any, incubator_x: Organisation) -> None:
    """Five projects, more than the two an export may write at once here."""
    settings.EXPORT_SYNC_MAX_ROWS = 2
    settings.EXPORT_PROGRESS_EVERY = 2
    _make_projects(5, incubator_x)


def _start(client: Client, captured: Any, fmt: str = "csv", query: str = "tri=nom") -> ExportJob:
    with captured(execute=True):
        response = client.post(
            reverse("exports:export", args=["projets"]),
            {"format": fmt, "nombres_fr": "on", "tri": "nom"},
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("exports:jobs")
    return ExportJob.objects.get()


def _body(response: Any) -> bytes:
    return b"".join(cast(Any, response).streaming_content)


def test_a_large_export_asks_to_confirm_then_runs_in_the_background(
    client: Client, mel_staff: User, big: None, django_capture_on_commit_callbacks: Any
) -> None:
    login(client, mel_staff)
    page = client.get(reverse("applicants:project_list")).content.decode()
    assert "arrière-plan" in page
    assert f'method="post" action="{reverse("exports:export", args=["projets"])}"' in page
    confirm = client.get(export_url("projets", "tri=nom"))
    assert confirm.status_code == 200
    assert "5\u00a0projets" in confirm.content.decode().replace("&nbsp;", "\u00a0")
    assert not ExportJob.objects.exists()  # a GET never starts a job

    job = _start(client, django_capture_on_commit_callbacks)
    assert job.state == ExportState.DONE
    assert (job.rows_total, job.rows_done, job.attempts) == (5, 5, 1)
    assert job.query == "tri=nom"
    assert job.french_numbers
    assert job.expires_at is not None
    assert job.expires_at - job.finished_at == datetime.timedelta(hours=24)  # type: ignore[operator]

    jobs = client.get(reverse("exports:jobs")).content.decode().replace("&nbsp;", "\u00a0")
    assert "Télécharger" in jobs
    assert "Prêt : 5\u00a0lignes" in jobs
    assert 'http-equiv="refresh"' not in jobs
    download = client.get(reverse("exports:download", args=[job.pk]))
    assert download.status_code == 200
    lines = _body(download).decode("utf-8").splitlines()
    assert len(lines) == 6
    assert lines[0].startswith("\ufeffN° de projet;")


def test_xlsx_jobs_write_a_workbook(
    client: Client, mel_staff: User, big: None, django_capture_on_commit_callbacks: Any
) -> None:
    login(client, mel_staff)
    job = _start(client, django_capture_on_commit_callbacks, fmt=ExportFormat.XLSX)
    assert job.state == ExportState.DONE
    body = _body(client.get(reverse("exports:download", args=[job.pk])))
    assert body.startswith(b"PK")


def test_a_running_job_shows_its_progress_and_refreshes_itself(
    client: Client, mel_staff: User
) -> None:
    login(client, mel_staff)
    ExportJob.objects.create(
        owner=mel_staff, list_name="projets", list_title="Projets", format="csv",
        state=ExportState.RUNNING, rows_done=1200, rows_total=5000,
    )  # fmt: skip
    page = client.get(reverse("exports:jobs")).content.decode().replace("&nbsp;", "\u00a0")
    # No timer the reader did not choose (WCAG 2.2.1); one link turns it on, one off.
    assert 'http-equiv="refresh"' not in page
    assert "?suivi=1" in page
    page = client.get(reverse("exports:jobs") + "?suivi=1").content.decode()
    assert 'http-equiv="refresh"' in page
    assert "Arrêter la mise à jour automatique" in page
    page = page.replace("&nbsp;", "\u00a0")
    assert "1\u00a0200\u00a0lignes écrites sur 5\u00a0000 (24\u00a0%)" in page
    assert '<progress id="avancement-' in page
    assert 'max="5000" value="1200"' in page
    assert "Voir où il en est" in page


def test_only_the_owner_downloads_and_only_while_active(
    client: Client,
    mel_staff: User,
    mel_team: Organisation,
    incubator_x_member: User,
    big: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    login(client, mel_staff)
    job = _start(client, django_capture_on_commit_callbacks)
    url = reverse("exports:download", args=[job.pk])
    colleague = User.objects.create_user(email="collegue@mel.example.org", password="x" * 12)
    from accounts.services import membership_add

    membership_add(organisation=mel_team, user=colleague)
    for other in (colleague, incubator_x_member):
        client.force_login(other)
        assert client.get(url).status_code == 404
        assert str(job.pk) not in client.get(reverse("exports:jobs")).content.decode()
    User.objects.filter(pk=mel_staff.pk).update(is_active=False)
    client.force_login(mel_staff)
    assert client.get(url).status_code != 200


def test_an_expired_export_is_purged_and_says_so(
    client: Client, mel_staff: User, big: None, django_capture_on_commit_callbacks: Any
) -> None:
    login(client, mel_staff)
    job = _start(client, django_capture_on_commit_callbacks)
    name = job.storage_name
    assert default_storage.exists(name)
    ExportJob.objects.filter(pk=job.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    response = client.get(reverse("exports:download", args=[job.pk]))
    assert response.status_code == 302  # back to "Mes exports", with a message
    purge_exports()
    job.refresh_from_db()
    assert job.state == ExportState.EXPIRED
    assert job.storage_name == ""
    assert not default_storage.exists(name)
    page = client.get(reverse("exports:jobs")).content.decode()
    assert "Expiré" in page
    assert "Télécharger" not in page


def test_running_a_job_twice_is_harmless(
    client: Client, mel_staff: User, big: None, django_capture_on_commit_callbacks: Any
) -> None:
    login(client, mel_staff)
    job = _start(client, django_capture_on_commit_callbacks)
    name = job.storage_name
    export_job_run(job_id=str(job.pk))  # the task delivered again
    job.refresh_from_db()
    assert (job.state, job.storage_name, job.attempts) == (ExportState.DONE, name, 1)


def test_a_job_lost_with_its_worker_is_run_again_then_failed(
    mel_staff: User, big: None, django_capture_on_commit_callbacks: Any
) -> None:
    long_ago = timezone.now() - datetime.timedelta(hours=2)
    job = ExportJob.objects.create(
        owner=mel_staff, list_name="projets", list_title="Projets", format="csv", rows_total=5,
        state=ExportState.RUNNING, attempts=1, created_at=long_ago, heartbeat_at=long_ago,
    )  # fmt: skip
    assert export_jobs_purge() == [str(job.pk)]
    job.refresh_from_db()
    assert job.state == ExportState.QUEUED
    export_job_run(job_id=str(job.pk))  # what the purge task hands to a worker
    job.refresh_from_db()
    assert (job.state, job.attempts, job.rows_done) == (ExportState.DONE, 2, 5)

    ExportJob.objects.filter(pk=job.pk).update(state=ExportState.RUNNING, heartbeat_at=long_ago)
    assert export_jobs_purge() == []
    job.refresh_from_db()
    assert job.state == ExportState.FAILED
    assert "interrompue" in job.error


def test_a_job_whose_owner_left_fails_in_plain_french(mel_staff: User, big: None) -> None:
    job = ExportJob.objects.create(
        owner=mel_staff, list_name="projets", list_title="Projets", format="csv", rows_total=5
    )
    User.objects.filter(pk=mel_staff.pk).update(is_active=False)
    export_job_run(job_id=str(job.pk))
    job.refresh_from_db()
    assert job.state == ExportState.FAILED
    assert job.error.startswith("Votre compte ne permet plus")
    assert not job.storage_name
