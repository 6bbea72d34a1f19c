"""Register the organisation core's periodic jobs with django-celery-beat."""
from django.db import migrations

SCHEDULES = [
    # name, task, crontab (minute, hour, day_of_month)
    ("审计链每日校验", "appraisal.tasks.audit_verify_chain", ("30", "2", "*")),
    ("审计日志过期清理", "appraisal.tasks.audit_purge_expired", ("0", "3", "1")),
]


def forwards(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, (minute, hour, day) in SCHEDULES:
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=minute, hour=hour, day_of_month=day, month_of_year="*", day_of_week="*",
            timezone="Asia/Shanghai")
        PeriodicTask.objects.update_or_create(name=name, defaults={"task": task, "crontab": crontab})


def backwards(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[name for name, *_ in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("appraisal", "0002_audit_append_only"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
