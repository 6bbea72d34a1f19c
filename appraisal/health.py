"""The state of the services the product needs, for the office's health page (issue 15): the
database, the message broker, the workers and Celery beat. Each check is bounded in time (a broker
that hangs costs about BROKER_PUBLISH_TIMEOUT seconds), so the page itself never hangs.

Beat and workers are judged by what they leave in the database: every periodic task that matters
records its last run (``record_beat``), which proves that beat scheduled it and a worker ran it.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from . import broker
from .models import ServiceBeat

OK, WARNING, DOWN, OFF = "ok", "warning", "down", "off"
WATCHDOG = "scoring.watchdog"
# The watchdog runs every minute: three missed runs mean beat (or every worker) has stopped.
BEAT_LATE_AFTER = timedelta(minutes=3)


@dataclass(frozen=True)
class Check:
    name: str
    status: str  # ok, warning, down, off (not used in this installation)
    summary: str
    detail: str = ""


def record_beat(name: str) -> None:
    ServiceBeat.objects.update_or_create(name=name, defaults={"at": timezone.now()})


def checks() -> list[Check]:
    eager = bool(settings.CELERY_TASK_ALWAYS_EAGER)
    result = [_database()]
    if eager:
        off = _("未配置 Redis：计算任务在网页进程内直接执行（内置模式）。")
        return result + [Check(_("消息队列"), OFF, off), Check(_("计算进程"), OFF, off), Check(_("定时任务"), OFF, off)]
    broker_check = _broker()
    return result + [broker_check, _workers(broker_check.status == OK), _beat()]


def _database() -> Check:
    started = time.monotonic()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # noqa: BLE001
        return Check(_("数据库"), DOWN, _("无法连接"), f"{type(error).__name__}: {error}"[:300])
    elapsed = (time.monotonic() - started) * 1000
    return Check(_("数据库"), OK, _("正常（%(vendor)s，响应 %(ms).0f 毫秒）") % {
        "vendor": connection.vendor, "ms": elapsed})


def _broker() -> Check:
    started = time.monotonic()
    ok, error = broker.ping()
    elapsed = (time.monotonic() - started) * 1000
    if ok:
        return Check(_("消息队列"), OK, _("正常（Redis，响应 %(ms).0f 毫秒）") % {"ms": elapsed})
    return Check(_("消息队列"), DOWN, _("无法连接：新的计算任务会保存在数据库中排队，恢复后自动发送。"), error)


def _last_beat():
    return ServiceBeat.objects.filter(name=WATCHDOG).values_list("at", flat=True).first()


def _workers(broker_ok: bool) -> Check:
    if broker_ok:
        try:
            names = broker.workers()
        except Exception as error:  # noqa: BLE001
            names, error_text = [], f"{type(error).__name__}: {error}"[:300]
        else:
            error_text = ""
        if names:
            return Check(_("计算进程"), OK, _("%(n)s 个在线") % {"n": len(names)}, "、".join(names))
        return Check(_("计算进程"), DOWN, _("没有计算进程应答：计算任务将一直排队。"), error_text)
    beat = _last_beat()
    if beat and timezone.now() - beat < BEAT_LATE_AFTER:
        return Check(_("计算进程"), WARNING, _("消息队列不可用，无法询问；最近一次执行定时任务：%(time)s") % {
            "time": _local(beat)})
    return Check(_("计算进程"), DOWN, _("消息队列不可用，无法询问；近期没有执行记录。"))


def _beat() -> Check:
    beat = _last_beat()
    if beat is None:
        return Check(_("定时任务"), DOWN, _("从未运行：请启动 celery beat（任务看护、补发与审计校验依赖它）。"))
    if timezone.now() - beat > BEAT_LATE_AFTER:
        return Check(_("定时任务"), DOWN, _("已停止：最近一次运行于 %(time)s。") % {"time": _local(beat)})
    return Check(_("定时任务"), OK, _("正常：最近一次运行于 %(time)s。") % {"time": _local(beat)})


def _local(moment) -> str:
    from django.utils.formats import date_format

    return date_format(timezone.localtime(moment), "Y-m-d H:i:s")
