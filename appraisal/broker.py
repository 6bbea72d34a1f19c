"""Sending Celery tasks from a web request without ever waiting on the broker (issue 15,
SECURITY.md item 19), and asking it how it is (the health page).

Each send opens its own short-lived connection with short connect and socket timeouts and no
retry, so a broker that refuses or hangs costs a request about ``BROKER_PUBLISH_TIMEOUT`` seconds,
not Celery's defaults (20 connection retries, then a result backend that retries 20 times). The
result backend is never consulted: the caller keeps the job's state in the database, and when the
send fails the job waits there until the watchdog sends it again.
"""
from __future__ import annotations

import logging
from contextlib import contextmanager

from django.conf import settings

logger = logging.getLogger(__name__)


def _timeout() -> float:
    return float(getattr(settings, "BROKER_PUBLISH_TIMEOUT", 1.0))


@contextmanager
def connection(app=None):
    """A fresh broker connection that gives up quickly."""
    if app is None:
        from appraisal.celery import app
    timeout = _timeout()
    options = {"socket_timeout": timeout, "socket_connect_timeout": timeout, "max_retries": 0,
               "connect_retries_timeout": timeout}
    conn = app.connection_for_write(connect_timeout=timeout, transport_options=options)
    try:
        yield conn
    finally:
        try:
            conn.release()
        except Exception:  # noqa: BLE001 — closing a dead connection may fail too; nothing to do
            logger.debug("closing the broker connection failed", exc_info=True)


def send(task, *, args=(), kwargs=None, **options) -> bool:
    """Publish ``task``: True when the broker took it, False on any broker failure (logged).
    With eager Celery (the embedded default) the task runs here, now."""
    if task.app.conf.task_always_eager:
        task.apply_async(args=args, kwargs=kwargs, **options)
        return True
    try:
        with connection(task.app) as conn:
            task.apply_async(args=args, kwargs=kwargs, connection=conn, retry=False, ignore_result=True, **options)
    except Exception as error:  # noqa: BLE001 — refused, timed out, reset, bad reply: all mean "not sent"
        logger.warning("broker unavailable, %s not sent: %s", task.name, error)
        return False
    return True


def ping() -> tuple[bool, str]:
    """Whether the broker answers now (connect and one round trip), with the error if not."""
    from appraisal.celery import app

    if app.conf.task_always_eager:
        return True, ""
    try:
        with connection(app) as conn:
            conn.ensure_connection(max_retries=0, timeout=_timeout())
            conn.default_channel.client.ping()
    except Exception as error:  # noqa: BLE001
        return False, f"{type(error).__name__}: {error}"[:300]
    return True, ""


def workers(timeout: float | None = None) -> list[str]:
    """The names of the workers that answer a ping within ``timeout`` seconds."""
    from appraisal.celery import app

    with connection(app) as conn:
        replies = app.control.ping(timeout=timeout or _timeout(), connection=conn)
    return sorted(name for reply in replies for name in reply)
