"""An index of viewflow's processes newest first: the journey and application lists are
sorted by their process's creation and stop at a page; without it, PostgreSQL sorted every
journey of a region to show the first 25. viewflow's table is left unmodified: the index is
ours, created and dropped by this migration."""

from django.db import migrations

CREATE = "CREATE INDEX IF NOT EXISTS workflows_process_newest ON viewflow_process (created, id)"
DROP = "DROP INDEX IF EXISTS workflows_process_newest"


class Migration(migrations.Migration):
    dependencies = [("workflows", "0008_open_step_indexes")]

    operations = [migrations.RunSQL(CREATE, DROP)]
