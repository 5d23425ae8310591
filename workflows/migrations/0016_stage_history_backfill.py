"""Rebuild the history of stages of the dossiers that existed before it was kept, from the
records that carry a date: the journey's creation, its orientations and events; the
application's creation, filing, complement requests, eligibility checks, deliberations,
signatures, payments and final report. Each dossier's current stage gets a row if none of
those gave one (at its latest known date). Rows are marked ``backfilled``."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db import migrations

AFTER_ELIGIBILITY = {
    "eligible", "on_agenda", "adjourned", "rejected", "funding", "not_funded",
    "convention", "follow_up", "closed",
}  # fmt: skip
FUNDED = {"convention", "follow_up", "closed"}
OUTCOME_STAGE = {
    "favourable": "funding",
    "with_conditions": "funding",
    "adjourned": "adjourned",
    "unfavourable": "rejected",
}


def _group(rows: Any) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    for key, *rest in rows:
        grouped[key].append(rest)
    return grouped


def _journey_rows(apps: Any) -> list[tuple[int, str, Any]]:
    Journey = apps.get_model("workflows", "Journey")
    Orientation = apps.get_model("workflows", "Orientation")
    JourneyEvent = apps.get_model("workflows", "JourneyEvent")
    orientations = _group(
        Orientation.objects.values_list("journey_id", "proposed_at", "outcome", "decided_at")
    )
    events = _group(JourneyEvent.objects.values_list("journey_id", "kind", "at"))
    rows: list[tuple[int, str, Any]] = []
    for pk, stage, created in Journey.objects.values_list("pk", "stage", "created").iterator():
        found = [("triage", created)]
        for proposed_at, outcome, decided_at in orientations.get(pk, []):
            found.append(("orientation", proposed_at))
            if outcome == "accepted" and decided_at:
                found.append(("support", decided_at))
        for kind, at in events.get(pk, []):
            if kind in ("redirected", "withdrawn"):
                found.append((kind, at))
            elif kind == "support_concluded" and stage in ("ready", "support_ended"):
                found.append((stage, at))
        rows += _with_current(pk, stage, found)
    return rows


def _application_rows(apps: Any) -> list[tuple[int, str, Any]]:
    get = lambda name, app="workflows": apps.get_model(app, name)  # noqa: E731
    complements = _group(get("ComplementRequest").objects.values_list("application_id", "requested_at"))
    checks = _group(get("EligibilityCheck").objects.values_list("application_id", "checked_at"))
    deliberations = _group(
        get("Deliberation", "reviewers").objects.values_list("application_id", "outcome", "recorded_at")
    )
    signatures = _group(
        get("FundingLine", "funding").objects.values_list("dossier_id", "first_signed_at", "second_signed_at")
    )
    tranches = _group(
        get("Tranche", "funding").objects.filter(released_at__isnull=False).values_list("application_id", "released_at")
    )
    finals = _group(
        get("FollowUpReport", "funding").objects.filter(is_final=True, submitted_at__isnull=False).values_list("application_id", "submitted_at")
    )
    rows: list[tuple[int, str, Any]] = []
    Application = get("Application")
    fields = ("pk", "stage", "created", "submitted_at")
    for pk, stage, created, submitted_at in Application.objects.values_list(*fields).iterator():
        found = [("draft", created)]
        if submitted_at:
            found.append(("submitted", submitted_at))
        found += [("incomplete", at) for (at,) in complements.get(pk, [])]
        checked = [at for (at,) in checks.get(pk, [])]
        if checked and (stage in AFTER_ELIGIBILITY or stage == "ineligible"):
            found.append(("eligible" if stage != "ineligible" else "ineligible", max(checked)))
        found += [(OUTCOME_STAGE[o], at) for o, at in deliberations.get(pk, []) if o in OUTCOME_STAGE]
        signed = [at for pair in signatures.get(pk, []) for at in pair if at]
        if signed and (stage in FUNDED or stage == "not_funded"):
            found.append(("convention" if stage in FUNDED else "not_funded", max(signed)))
        released = [at for (at,) in tranches.get(pk, [])]
        if released and stage in ("follow_up", "closed"):
            found.append(("follow_up", min(released)))
        if stage == "closed" and finals.get(pk):
            found.append(("closed", finals[pk][0][0]))
        rows += _with_current(pk, stage, found)
    return rows


def _with_current(pk: int, stage: str, found: list[tuple[str, Any]]) -> list[tuple[int, str, Any]]:
    known = [(s, at) for s, at in found if at is not None]
    if stage not in {s for s, _ in known}:
        known.append((stage, max(at for _, at in known)))
    return [(pk, s, at) for s, at in sorted(known, key=lambda item: item[1])]


def backfill(apps: Any, schema_editor: Any) -> None:
    StageChange = apps.get_model("workflows", "StageChange")
    if StageChange.objects.exists():
        return
    changes = [
        StageChange(journey_id=pk, stage=stage, at=at, backfilled=True)
        for pk, stage, at in _journey_rows(apps)
    ] + [
        StageChange(application_id=pk, stage=stage, at=at, backfilled=True)
        for pk, stage, at in _application_rows(apps)
    ]
    StageChange.objects.bulk_create(changes, batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0015_stage_history"),
        ("reviewers", "0003_members_consult_their_dossiers"),
        ("funding", "0004_bankdetailsrequest"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
