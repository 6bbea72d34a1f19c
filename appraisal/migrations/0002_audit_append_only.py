"""SECURITY.md item 16: on PostgreSQL the database itself refuses updates of audit events and
deletes of events younger than the retention period (184 days)."""
from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION appraisal_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'audit events are append-only (update refused)';
    END IF;
    IF TG_OP = 'DELETE' AND OLD.created_at > now() - interval '184 days' THEN
        RAISE EXCEPTION 'audit events younger than the retention period cannot be deleted';
    END IF;
    RETURN OLD;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS appraisal_auditevent_append_only ON appraisal_auditevent;
CREATE TRIGGER appraisal_auditevent_append_only BEFORE UPDATE OR DELETE ON appraisal_auditevent
    FOR EACH ROW EXECUTE FUNCTION appraisal_auditevent_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS appraisal_auditevent_append_only ON appraisal_auditevent;
DROP FUNCTION IF EXISTS appraisal_auditevent_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("appraisal", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
