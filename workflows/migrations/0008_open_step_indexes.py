"""Indexes of the open steps by who may take them, one per branch of the inbox's query
(``selectors.open_tasks_for``): by owner, by the permission a step asks for, and by the object
it is checked on. Partial, like ``workflows_open_human_task``: they hold the open human
steps only, so they do not grow with history. viewflow's table is left unmodified: the
indexes are ours, created and dropped by this migration (PostgreSQL and SQLite alike)."""

from django.db import migrations

OPEN = "flow_task_type = 'HUMAN' AND status IN ('NEW', 'ASSIGNED')"
INDEXES = {
    "workflows_open_step_owner": f"(owner_id, created, id) WHERE {OPEN}",
    "workflows_open_step_permission": f"(owner_permission, created, id) WHERE {OPEN} AND owner_id IS NULL",
    "workflows_open_step_object": (
        "(owner_permission_content_type_id, owner_permission_obj_pk) "
        f"WHERE {OPEN} AND owner_id IS NULL"
    ),
}


class Migration(migrations.Migration):
    dependencies = [("workflows", "0007_open_human_task_index")]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {name} ON viewflow_task {definition}",
            f"DROP INDEX IF EXISTS {name}",
        )
        for name, definition in INDEXES.items()
    ]
