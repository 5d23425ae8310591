"""A fresh PostgreSQL database for a run, and the dataset grown in it."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/mel_ess_bench"


def recreate(url: str) -> None:
    """Drop and create the database named in ``url`` (connecting to ``postgres``)."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name or parts.scheme not in {"postgres", "postgresql"}:
        raise SystemExit(f"Base de benchmark invalide (PostgreSQL attendu) : {url}")
    admin = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _admin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(scheme="postgresql", path="/postgres")), parts.path.lstrip("/")


def sibling(url: str, suffix: str) -> str:
    """The URL of a database next to ``url``'s, named ``<name>_<suffix>``."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"{parts.path}_{suffix}"))


def clone(template: str, to: str) -> None:
    """(Re)create ``to`` as a copy of ``template`` (which must have no open session)."""
    admin, name = _admin(to)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        connection.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(_admin(template)[1])
            )
        )


def drop(url: str) -> None:
    admin, name = _admin(url)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def prepare() -> int:
    """Schema, reference data and the demo (driven through the engine). Returns dossiers."""
    from django.core.management import call_command

    from workflows.models import Journey

    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_territory", verbosity=0)
    call_command("load_programme_rules", verbosity=0)
    call_command("seed_demo", verbosity=0, stdout=_Null())
    return Journey.objects.count()


def grow(to: int) -> int:
    """Grow the dataset to about ``to`` dossiers; returns how many there are."""
    from django.db import connection

    from demo.scale import seed_scale
    from workflows.models import Journey

    missing = to - Journey.objects.count()
    if missing > 0:
        seed_scale(count=missing)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return Journey.objects.count()


def describe(*, seconds: float) -> dict[str, int]:
    """What the dataset holds now (for the report), and how long it took to make."""
    from guardian.models import GroupObjectPermission, UserObjectPermission
    from viewflow.workflow.models import Task

    from accounts.models import Organisation, OrganisationKind, User
    from notifications.models import Notification
    from workflows.models import Application, Journey

    return {
        "dossiers": Journey.objects.count(),
        "candidatures": Application.objects.count(),
        "territoires": Organisation.objects.filter(kind=OrganisationKind.COMMITTEE).count(),
        "utilisateurs": User.objects.count(),
        "tâches viewflow": Task.objects.count(),
        "lignes guardian": UserObjectPermission.objects.count()
        + GroupObjectPermission.objects.count(),
        "notifications": Notification.objects.count(),
        "secondes": round(seconds),
    }


class _Null:
    def write(self, *args: object, **kwargs: object) -> None:
        pass

    def flush(self) -> None:
        pass
