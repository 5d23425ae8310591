"""Exports of the staff lists: the file at once when small, a background job when large;
"Mes exports", the page of one's jobs; the download of a job's file, for its owner only."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse, QueryDict, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache

from accounts.http import AuthenticatedRequest
from accounts.listing import french_plural
from exports.forms import ExportForm
from exports.models import ExportFormat, ExportJob
from exports.registry import ListExport, list_export, list_query, may_export
from exports.selectors import export_access_of, export_jobs_of
from exports.services import (
    QUERY_TOO_LONG,
    export_csv_stream,
    export_file_open,
    export_job_create,
    export_query_fits,
    export_xlsx_file,
)
from exports.tasks import run_export_job

REFUSED = "Les exports sont réservés aux équipes de la MEL et des organisations partenaires."
REFRESH_SECONDS = 10
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ACCESS_CHANGED = (
    "Vos accès ont changé depuis la préparation de ce fichier : il ne peut plus être "
    "téléchargé. Demandez l'export de nouveau depuis la liste, qui montre ce que vos accès "
    "actuels permettent de voir."
)


def _export_or_404(request: AuthenticatedRequest, name: str) -> ListExport:
    export = list_export(name)
    if export is None:
        raise Http404("Cette liste n'existe pas.")
    if not may_export(request.user, export):
        raise PermissionDenied(REFUSED)
    return export


# The files hold personal data (names, e-mails, SIRET): never kept by a browser or a proxy
# (``never_cache``: Cache-Control no-store, private).
@never_cache
@login_required
def export_list(request: AuthenticatedRequest, name: str) -> HttpResponseBase:
    """The list as a file, with the filters, search and sort its page had. Small: the file
    at once. Large: a confirmation (GET), then a background job (POST)."""
    export = _export_or_404(request, name)
    data = request.POST if request.method == "POST" else request.GET
    form = ExportForm(data)
    # Only what the list's page reads: a tracker or stray parameter takes no room in a job.
    query = export.known_query(request.user, list_query(data))
    context = {
        "export": export,
        "form": form,
        "list_query": query.urlencode(),
        "hidden": list(query.lists()),
        "retention_hours": settings.EXPORT_RETENTION_HOURS,
    }
    if not form.is_valid():
        return render(request, "exports/confirm.html", context, status=400)
    fmt, french = form.cleaned_data["format"], form.cleaned_data["nombres_fr"]
    total = export.count(request.user, query)
    if total <= settings.EXPORT_SYNC_MAX_ROWS:
        return _file_now(request, export, query, fmt, french)
    if not export_query_fits(query=query):  # refused, never cut (the page's rows or none)
        form.add_error(None, QUERY_TOO_LONG)
        return render(request, "exports/confirm.html", context, status=400)
    if request.method != "POST":
        context.update(total=total, noun=french_plural(total, *export.noun))
        return render(request, "exports/confirm.html", context)
    job = export_job_create(
        owner=request.user,
        export=export,
        query=query,
        format=fmt,
        french_numbers=french,
        rows_total=total,
    )
    transaction.on_commit(lambda: run_export_job.delay(str(job.pk)))
    messages.success(
        request,
        "Votre export est en préparation. Il apparaît ci-dessous ; le lien de "
        "téléchargement s'affichera quand il sera prêt (mettez la page à jour pour le voir).",
    )
    return redirect("exports:jobs")


def _file_now(
    request: AuthenticatedRequest, export: ListExport, query: QueryDict, fmt: str, french: bool
) -> HttpResponseBase:
    stamp = timezone.localtime().strftime("%Y-%m-%d-%Hh%M")
    filename = f"{export.name}-{stamp}.{fmt}"
    if fmt == ExportFormat.XLSX:
        handle = export_xlsx_file(export=export, user=request.user, query=query)
        return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX_TYPE)
    lines = export_csv_stream(export=export, user=request.user, query=query, french=french)
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    return response


@login_required
def job_list(request: AuthenticatedRequest) -> HttpResponse:
    """The reader's exports: progress while prepared, the link while kept."""
    if not may_export(request.user):
        raise PermissionDenied(REFUSED)
    jobs = export_jobs_of(user=request.user)
    rows = [{"job": job, "list_url": _list_url(job)} for job in jobs]
    return render(
        request,
        "exports/jobs.html",
        {
            "rows": rows,
            "running": any(job.in_progress for job in jobs),
            # Reloading by itself only when asked (WCAG 2.2.1: a page must not refresh on
            # a timer its reader did not choose and cannot stop).
            "follow": request.GET.get("suivi") == "1",
            "refresh_seconds": REFRESH_SECONDS,
            "retention_hours": settings.EXPORT_RETENTION_HOURS,
            "sync_max_rows": settings.EXPORT_SYNC_MAX_ROWS,
        },
    )


def _list_url(job: ExportJob) -> str:
    export = list_export(job.list_name)
    if export is None:
        return ""
    return f"{reverse(export.page)}?{job.query}" if job.query else reverse(export.page)


@never_cache
@login_required
def job_download(request: AuthenticatedRequest, pk: str) -> HttpResponseBase:
    """The job's file, for its owner only (anyone else: not found), while it is kept and
    while the owner's access is the one it was filtered for."""
    job = ExportJob.objects.filter(pk=pk, owner=request.user).first()
    if job is None or not request.user.is_active:
        raise Http404("Cet export n'existe pas.")
    export = list_export(job.list_name)
    if export is None or not may_export(request.user, export):
        raise PermissionDenied(REFUSED)
    access = export_access_of(user=request.user, export=export, query=QueryDict(job.query))
    if access != job.owner_access:
        messages.error(request, ACCESS_CHANGED)
        return redirect("exports:jobs")
    handle = export_file_open(job=job)
    if handle is None:
        messages.error(request, "Ce fichier n'est plus disponible : demandez l'export de nouveau.")
        return redirect("exports:jobs")
    content_type = XLSX_TYPE if job.format == ExportFormat.XLSX else "text/csv; charset=utf-8"
    return FileResponse(
        handle, as_attachment=True, filename=job.file_name, content_type=content_type
    )
