"""viewflow stores each process's flow and each task's node as a dotted string
(``app_label/module.Flow.node``). The flows moved to their stage packages: the strings of the
processes and tasks already in the database are rewritten so they keep resolving; reversed,
they are written back."""

from django.db import migrations

MOVED = {
    "workflows/flows.JourneyFlow": "workflows/journey.flows.JourneyFlow",
    "workflows/flows_application.ApplicationFlow": "workflows/application.flows.ApplicationFlow",
    "workflows/flows_committee.ScoringFlow": "reviewers/flows.ScoringFlow",
    "workflows/flows_committee.FundingLineFlow": "funding/flows.FundingLineFlow",
}


def _rewrite(schema_editor, moves):
    with schema_editor.connection.cursor() as cursor:
        for old, new in moves.items():
            cursor.execute(
                "UPDATE viewflow_process SET flow_class = %s WHERE flow_class = %s", [new, old]
            )
            cursor.execute(
                "UPDATE viewflow_task SET flow_task = %s || substr(flow_task, %s) "
                "WHERE substr(flow_task, 1, %s) = %s",
                [new, len(old) + 1, len(old) + 1, old + "."],
            )


def forwards(apps, schema_editor):
    _rewrite(schema_editor, MOVED)


def backwards(apps, schema_editor):
    _rewrite(schema_editor, {new: old for old, new in MOVED.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0009_process_newest_index"),
        ("viewflow", "0015_task_scheduled"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
