"""Register the trace-log reminders with django-celery-beat (times in Asia/Shanghai)."""
from django.db import migrations

SCHEDULES = [
    # name, task, crontab (minute, hour, day_of_week)
    ("纪实到期与逾期提醒", "tracelog.tasks.tracelog_send_reminders", ("5", "*", "*")),
    ("纪实缺报部门汇总", "tracelog.tasks.tracelog_head_digest", ("30", "8", "1-5")),
]


def forwards(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, (minute, hour, day_of_week) in SCHEDULES:
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=minute, hour=hour, day_of_month="*", month_of_year="*", day_of_week=day_of_week,
            timezone="Asia/Shanghai")
        PeriodicTask.objects.update_or_create(name=name, defaults={"task": task, "crontab": crontab})


def backwards(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[name for name, *_ in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("tracelog", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
