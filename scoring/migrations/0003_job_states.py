"""Honest job states (issue 15): retrying, heartbeat, fencing token, one active job per year; the
watchdog (the former requeue) runs every minute."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


ACTIVE = ["pending", "running", "retrying"]
WATCHDOG = "计分任务补发"


def close_duplicates(apps, schema_editor):
    """Older installations may hold several unfinished jobs of one year: keep the newest."""
    ScoringJob = apps.get_model("scoring", "ScoringJob")
    seen = set()
    for job in ScoringJob.objects.filter(state__in=ACTIVE).order_by("-id"):
        if job.assessment_year_id in seen:
            job.state = "failed"
            job.message = "升级时发现同一年度有多个未完成的任务，此旧任务已标记为失败。"
            job.save(update_fields=["state", "message"])
        seen.add(job.assessment_year_id)


def watchdog_every_minute(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.update_or_create(name=WATCHDOG, defaults={"task": "scoring.tasks.requeue_pending_jobs",
                                                                   "interval": every})


def watchdog_every_five_minutes(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    every, _ = IntervalSchedule.objects.get_or_create(every=5, period="minutes")
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=WATCHDOG).update(interval=every)


class Migration(migrations.Migration):

    dependencies = [
        ('appraisal', '0004_department_is_active'),
        ('scoring', '0002_schedules'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('django_celery_beat', '0019_alter_periodictasks_options'),
    ]

    operations = [
        migrations.RunPython(close_duplicates, migrations.RunPython.noop),
        migrations.RunPython(watchdog_every_minute, watchdog_every_five_minutes),
        migrations.AddField(
            model_name='scoringjob',
            name='attempts',
            field=models.PositiveSmallIntegerField(default=0, verbose_name='执行次数'),
        ),
        migrations.AddField(
            model_name='scoringjob',
            name='dispatched_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='发送到消息队列时间'),
        ),
        migrations.AddField(
            model_name='scoringjob',
            name='heartbeat_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='最后心跳'),
        ),
        migrations.AddField(
            model_name='scoringjob',
            name='next_attempt_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='下次重试时间'),
        ),
        migrations.AddField(
            model_name='scoringjob',
            name='requeues',
            field=models.PositiveSmallIntegerField(default=0, verbose_name='自动重排次数'),
        ),
        migrations.AddField(
            model_name='scoringjob',
            name='retry_of',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='scoring.scoringjob', verbose_name='重试自'),
        ),
        migrations.AlterField(
            model_name='scoringjob',
            name='state',
            field=models.CharField(choices=[('pending', '排队中'), ('running', '计算中'), ('retrying', '等待重试'), ('done', '已完成'), ('failed', '失败')], default='pending', max_length=8, verbose_name='状态'),
        ),
        migrations.AddConstraint(
            model_name='scoringjob',
            constraint=models.UniqueConstraint(condition=models.Q(('state__in', ['pending', 'running', 'retrying'])), fields=('assessment_year',), name='scoring_job_one_active_per_year'),
        ),
    ]
