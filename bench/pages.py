"""Pages measured per role, and a client that counts what one page costs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, setup_test_environment
from django.urls import reverse

# The list, inbox and dashboard pages each role lands on.
ROLE_PAGES: dict[str, tuple[str, ...]] = {
    "mel_staff": (
        "home",
        "workflows:inbox",
        "workflows:journey_list",
        "workflows:application_list",
        "applicants:project_list",
        "applicants:qpv_queue",
        "notifications:list",
        "reviewers:session_list",
        "steering:indicators",
    ),
    "incubator": (
        "home",
        "workflows:inbox",
        "workflows:journey_list",
        "workflows:application_list",
        "applicants:project_list",
        "notifications:list",
    ),
    "committee": ("home", "workflows:inbox", "reviewers:session_list", "agenda"),
    "financier": ("home", "workflows:inbox", "workflows:application_list", "notifications:list"),
    "applicant": ("home", "applicants:space", "notifications:list"),
    "steering": ("home", "steering:indicators"),
}
# Tables whose reading is a permission decision (roles, grants, memberships).
PERMISSION_TABLES = (
    "auth_permission",
    "auth_group",
    "accounts_user_groups",
    "accounts_user_user_permissions",
    "guardian_userobjectpermission",
    "guardian_groupobjectpermission",
    "accounts_membership",
)

_environment_ready = False


@dataclass
class PageCost:
    url: str
    status: int
    queries: int
    permission_queries: int
    rows: int | None
    sql: list[str]


def client_for(user: Any) -> Client:
    """A test client signed in as ``user`` (the test environment lets pages be rendered
    with their context captured, on a ``testserver`` host)."""
    global _environment_ready
    if not _environment_ready:
        setup_test_environment()
        _environment_ready = True
    client = Client()
    client.force_login(user)
    return client


def url_for(name: str) -> str:
    if name == "agenda":
        return reverse("workflows:session_agenda", args=[_busiest_session()])
    return reverse(name)


def _busiest_session() -> int:
    """The first territory's session with the most dossiers on its agenda."""
    from django.db.models import Count

    from workflows.models import Application

    busiest = (
        Application.objects.filter(committee_session__committee__slug="demo-comite")
        .values("committee_session")
        .annotate(dossiers=Count("pk"))
        .order_by("-dossiers", "committee_session")
        .first()
    )
    assert busiest is not None  # noqa: S101 - the demo has dossiers on sessions
    return int(busiest["committee_session"])


def measure_page(client: Client, url: str) -> PageCost:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    sql = [q["sql"] for q in ctx.captured_queries]
    return PageCost(
        url=url,
        status=response.status_code,
        queries=len(sql),
        permission_queries=sum(1 for s in sql if is_permission_query(s)),
        rows=_rows(response),
        sql=sql,
    )


def is_permission_query(sql: str) -> bool:
    return any(f'"{table}"' in sql for table in PERMISSION_TABLES)


def _rows(response: Any) -> int | None:
    """Rows the page lists in all (its paginator's count), when it has one."""
    for context in response.context or []:
        page = context.get("page") or context.get("page_obj")
        if page is not None and hasattr(page, "paginator"):
            return int(page.paginator.count)
    return None
