"""An index of the steps people still have to take, in inbox order.

Every inbox reads ``viewflow_task`` filtered on open human steps and sorted by creation; as
history piles up, closed steps outnumber open ones by far, so the index holds only the open
ones (partial index, PostgreSQL and SQLite alike). viewflow's own table is left unmodified:
the index is ours, created and dropped by this migration."""

from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS workflows_open_human_task ON viewflow_task (created, id) "
    "WHERE flow_task_type = 'HUMAN' AND status IN ('NEW', 'ASSIGNED')"
)
DROP = "DROP INDEX IF EXISTS workflows_open_human_task"


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0006_application_event_staff_only"),
        ("viewflow", "0015_task_scheduled"),
    ]

    operations = [migrations.RunSQL(CREATE, DROP)]
