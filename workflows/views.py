"""Front door of the journey: the landing page, each persona's home, the inbox."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.http import AuthenticatedRequest
from accounts.listing import list_page_context
from funding.selectors import bank_details_todos
from workflows.dashboards import dashboard_context
from workflows.filters import InboxFilter
from workflows.inbox import inbox_page

PAGE_SIZE = 25


def home(request: HttpRequest) -> HttpResponse:
    """Public presentation for visitors; each signed-in persona gets its own home."""
    if not request.user.is_authenticated:
        return render(request, "home_public.html")
    return render(request, "home.html", dashboard_context(request.user))


@login_required
def inbox(request: AuthenticatedRequest) -> HttpResponse:
    filterset = InboxFilter(request.GET)
    page = inbox_page(
        user=request.user,
        number=request.GET.get("page"),
        per_page=PAGE_SIZE,
        narrowed=filterset.narrowed(),
    )
    noun = ("étape en attente", "étapes en attente")
    context = list_page_context(request, filterset, page, noun=noun)
    # What the holder was asked outside any step (bank details): listed with their steps.
    context["bank_details_todos"] = bank_details_todos(person_id=request.user.pk)
    return render(request, "workflows/inbox.html", context)
