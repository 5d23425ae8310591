"""The API's access matrix: every endpoint (list and detail) by every persona (by API key,
by session for the holders, anonymous, a revoked key) by own and foreign objects. No
unauthorised 2xx: a list never holds a foreign object, a foreign detail is a 404, and the
steering reader and the lab read the indicators only. Prints the number of cells."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.api.conftest import ApiWorld, bearer

pytestmark = pytest.mark.django_db

KEY_PERSONAS = (
    "support_x", "support_y", "committee", "financier_f", "financier_g", "mel", "reader",
    "lab", "revoked",
)  # fmt: skip
SESSION_PERSONAS = ("holder_a", "holder_b")
PERSONAS = (*KEY_PERSONAS, *SESSION_PERSONAS, "anonymous")


def _viewers(w: ApiWorld) -> dict[str, dict[int, frozenset[str]]]:
    """For each endpoint, each object's id and who may read it."""
    sees_a = frozenset({"mel", "support_x", "financier_f", "holder_a"})
    sees_b = frozenset({"mel", "support_y", "holder_b"})
    return {
        "dossiers": {w.a.pk: sees_a, w.b.pk: sees_b},
        "decisions": {w.decision_a.pk: sees_a},
        "lignes-financement": {w.line_a.pk: frozenset({"mel", "financier_f"})},
        "tranches": {t.pk: sees_a for t in w.tranches_a},
    }


def _client(w: ApiWorld, persona: str) -> tuple[Client, dict[str, str]]:
    client = Client()
    if persona in w.users:
        client.force_login(w.users[persona])
        return client, {}
    if persona in w.keys:
        return client, bearer(w.keys[persona])
    return client, {}


def test_no_persona_reads_what_the_pages_do_not_show_it(api_world: ApiWorld) -> None:
    w = api_world
    cells, failures, granted = 0, [], 0
    for persona in PERSONAS:
        client, headers = _client(w, persona)
        for endpoint, objects in _viewers(w).items():
            response: Any = client.get(f"/api/v1/{endpoint}/", headers=headers)
            cells += 1
            if 200 <= response.status_code < 300:
                listed = {row["id"] for row in response.json()["results"]}
                for pk in listed:
                    if persona not in objects.get(pk, frozenset()):
                        failures.append(f"{endpoint} list shows {pk} to {persona}")
                own = {pk for pk, viewers in objects.items() if persona in viewers}
                if own - listed:
                    failures.append(f"{endpoint} list hides {own - listed} from {persona}")
            elif persona not in ("anonymous", "revoked"):
                failures.append(f"{endpoint} list refused to {persona}: {response.status_code}")
            for pk, viewers in objects.items():
                response = client.get(f"/api/v1/{endpoint}/{pk}/", headers=headers)
                cells += 1
                ok = 200 <= response.status_code < 300
                granted += ok
                if ok and persona not in viewers:
                    failures.append(f"{endpoint}/{pk} read by {persona}")
                if not ok and persona in viewers:
                    failures.append(f"{endpoint}/{pk} refused to {persona}: {response.status_code}")
                signed = persona not in ("anonymous", "revoked")
                if not ok and signed and response.status_code != 404:
                    failures.append(f"{endpoint}/{pk} {response.status_code} for {persona}")
        response = client.get("/api/v1/indicateurs/", headers=headers)
        cells += 1
        allowed = persona in ("mel", "reader", "lab")
        if (200 <= response.status_code < 300) != allowed:
            failures.append(f"indicateurs: {response.status_code} for {persona}")
    summary = f"API access matrix: {cells} cells, {granted} detail reads granted"
    print(f"{summary}, {len(failures)} failures")  # noqa: T201
    print("\n".join(failures))  # noqa: T201
    assert failures == []


def test_a_revoked_or_unknown_key_gets_a_french_401(api_world: ApiWorld) -> None:
    client = Client()
    for key in (api_world.keys["revoked"], "mel_000000000000_faux", "mel_abc"):
        response: Any = client.get("/api/v1/dossiers/", headers=bearer(key))
        assert response.status_code == 401, key
        assert "Demandez une nouvelle clé" in response.json()["detail"], key


def test_only_mel_staff_read_the_holders_email(api_world: ApiWorld) -> None:
    client = Client()
    url = f"/api/v1/dossiers/{api_world.a.pk}/"
    staff: Any = client.get(url, headers=bearer(api_world.keys["mel"]))
    incubator: Any = client.get(url, headers=bearer(api_world.keys["support_x"]))
    assert staff.json()["holder_email"] == api_world.a.holder.user.email
    assert incubator.json()["holder_email"] is None
    assert incubator.json()["project_title"] == api_world.a.project.title
