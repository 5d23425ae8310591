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


def _relabel(apps, schema_editor, forwards):
    content_type = apps.get_model("contenttypes", "ContentType")
    task = apps.get_model("viewflow", "Task")
    for model, app_label in MOVED.items():
        source, target = ("workflows", app_label) if forwards else (app_label, "workflows")
        if content_type.objects.filter(app_label=target, model=model).exists():
            continue  # already relabelled (or created by a run of the new code): keep it
        content_type.objects.filter(app_label=source, model=model).update(app_label=target)
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
