"""On PostgreSQL, the table refuses UPDATE and DELETE whatever the client (a trigger).

A database superuser or the table's owner can still disable the trigger, or TRUNCATE the
table (no TRUNCATE trigger: Django's test flush uses TRUNCATE). The hash chain is what
detects such tampering (``manage.py verify_audit_chain``). Nothing to do on SQLite.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION audit_auditrecord_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING
        MESSAGE = 'audit_auditrecord est en ajout seul : ' || TG_OP || ' refusé',
        ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_auditrecord_append_only
    BEFORE UPDATE OR DELETE ON audit_auditrecord
    FOR EACH ROW EXECUTE FUNCTION audit_auditrecord_refuse_change();
"""

DROP = """
DROP TRIGGER IF EXISTS audit_auditrecord_append_only ON audit_auditrecord;
DROP FUNCTION IF EXISTS audit_auditrecord_refuse_change();
"""


def _run_on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(_run_on_postgresql(CREATE), _run_on_postgresql(DROP))]
