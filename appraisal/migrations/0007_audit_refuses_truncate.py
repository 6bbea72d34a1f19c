"""SECURITY.md item 16: TRUNCATE bypasses row triggers, so the audit table also gets a
statement-level trigger that refuses it on PostgreSQL."""
from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION appraisal_auditevent_no_truncate() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only (truncate refused)';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS appraisal_auditevent_no_truncate ON appraisal_auditevent;
CREATE TRIGGER appraisal_auditevent_no_truncate BEFORE TRUNCATE ON appraisal_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION appraisal_auditevent_no_truncate();
"""

DROP = """
DROP TRIGGER IF EXISTS appraisal_auditevent_no_truncate ON appraisal_auditevent;
DROP FUNCTION IF EXISTS appraisal_auditevent_no_truncate();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("appraisal", "0006_separation_and_password_resets")]
    operations = [migrations.RunPython(forwards, backwards)]
