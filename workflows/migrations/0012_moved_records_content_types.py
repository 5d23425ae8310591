"""The moved records keep their identity: their content types (and so their permissions,
the object permissions granted on them and the steps checked on them) are relabelled to
their new apps, and the permission each open funding-line step asks for is rewritten
(``workflows.sign_fundingline`` becomes ``funding.sign_fundingline``). Reversible."""

from django.db import migrations

MOVED = {
    "scoring": "reviewers",
    "criterionscore": "reviewers",
    "conflictdeclaration": "reviewers",
    "deliberation": "reviewers",
    "fundingline": "funding",
    "convention": "funding",
    "tranche": "funding",
    "followupreport": "funding",
}


def _make_room(apps, target):
    """A partial ``migrate`` of one app (``migrate funding``) lets post_migrate create the
    new content type, empty, before this runs: it is deleted (its permissions, and the
    model-wide grants post_migrate re-syncs, with it) so the old one, which holds the
    grants, can take its label. One that holds object grants or steps is never dropped."""
    referenced = any(
        apps.get_model(*name).objects.filter(content_type=target).exists()
        for name in (("guardian", "GroupObjectPermission"), ("guardian", "UserObjectPermission"))
    ) or apps.get_model("viewflow", "Task").objects.filter(
        owner_permission_content_type=target
    ).exists()
    if referenced:
        raise RuntimeError(
            f"{target.app_label}.{target.model} already holds grants or steps: merge it by hand "
            "before migrating (see workflows/migrations/0012)."
        )
    target.delete()


def _relabel(apps, schema_editor, forwards):
    content_type = apps.get_model("contenttypes", "ContentType")
    task = apps.get_model("viewflow", "Task")
    for model, app_label in MOVED.items():
        source, target = ("workflows", app_label) if forwards else (app_label, "workflows")
        sources = content_type.objects.filter(app_label=source, model=model)
        if not sources.exists():
            continue  # nothing to move (already relabelled, or a fresh database)
        existing = content_type.objects.filter(app_label=target, model=model).first()
        if existing is not None:
            _make_room(apps, existing)
        sources.update(app_label=target)
    old, new = "workflows.sign_fundingline", "funding.sign_fundingline"
    if not forwards:
        old, new = new, old
    task.objects.filter(owner_permission=old).update(owner_permission=new)


def forwards(apps, schema_editor):
    _relabel(apps, schema_editor, forwards=True)


def backwards(apps, schema_editor):
    _relabel(apps, schema_editor, forwards=False)


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0011_committee_and_award_records_move"),
        ("reviewers", "0002_selection_records_from_workflows"),
        ("funding", "0003_award_records_from_workflows"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("viewflow", "0015_task_scheduled"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
