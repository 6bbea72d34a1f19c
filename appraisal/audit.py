"""Append-only, hash-chained audit events (SECURITY.md items 15–17).

``record`` writes inside the caller's transaction: if the audit write fails, the change it
describes is rolled back with it. Who and from where come from the request being served
(``appraisal.middleware.RequestContextMiddleware``) unless passed explicitly.
"""
from __future__ import annotations

import hashlib
import json
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone, translation

from .models import AuditEvent

GENESIS_HASH = "0" * 64
# Events whose values name a rater next to a grade: the audit log page seals them; the audit
# administrator opens one only through an audited trace with a reason (SECURITY.md item 12).
BALLOT_ACTIONS = frozenset({"peer_rating.submit", "satisfaction.submit", "leadership.ballot", "routine.peer_rate"})
# Any constant: the PostgreSQL advisory lock that serialises writers of the chain.
_CHAIN_LOCK_KEY = 7_402_118


@dataclass(frozen=True)
class RequestContext:
    user: object | None
    ip: str | None


current_request: ContextVar[RequestContext | None] = ContextVar("current_request", default=None)
# Who runs a management command (appraisal/management/base.py): named on events without an account.
current_operator: ContextVar[str] = ContextVar("current_operator", default="")


def _actor_name(actor) -> str:
    return getattr(actor, "username", "") if actor else current_operator.get()


def stored_repr(obj) -> str:
    """An object's name as the log keeps it: in the product's language (Chinese), whoever acted."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(obj)[:200]


def _jsonable(value):
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def _digest(prev_hash: str, fields: dict) -> str:
    payload = json.dumps(fields, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256((prev_hash + payload).encode("utf-8")).hexdigest()


def _chained_fields(event: AuditEvent) -> dict:
    return {
        "created_at": event.created_at.isoformat(),
        "actor_id": event.actor_id,
        "actor_name": event.actor_name,
        "ip": event.ip,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "organisation_id": event.organisation_id,
        "old_value": event.old_value,
        "new_value": event.new_value,
        "reason": event.reason,
    }


def record(action: str, *, obj=None, old=None, new=None, reason: str = "", actor=None, ip: str | None = None,
           organisation_id: int | None = None, object_type: str = "", object_repr: str = "") -> AuditEvent:
    """Append one event to the chain in the current transaction and return it."""
    context = current_request.get()
    if actor is None and context is not None:
        actor = context.user
    if ip is None and context is not None:
        ip = context.ip
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if obj is not None:
        object_type = object_type or obj._meta.label
        object_repr = object_repr or stored_repr(obj)
        if organisation_id is None:
            organisation_id = getattr(obj, "organisation_id", None)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
        last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
        event = AuditEvent(
            created_at=timezone.now(),
            actor=actor,
            actor_name=_actor_name(actor),
            ip=ip,
            action=action,
            object_type=object_type,
            object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
            object_repr=object_repr,
            organisation_id=organisation_id,
            old_value=_jsonable(old),
            new_value=_jsonable(new),
            reason=reason or "",
            prev_hash=last or GENESIS_HASH,
        )
        event.hash = _digest(event.prev_hash, _chained_fields(event))
        event.save(force_insert=True)
    return event


def record_many(action: str, events: list[dict], *, actor=None, ip: str | None = None,
                organisation_id: int | None = None, reason: str = "") -> int:
    """Append one event per item of ``events`` in a constant number of queries (one lock, one read of
    the chain's end, one bulk insert), for set-based writes such as a grid of scores. Each item
    holds ``obj`` (or ``object_type``/``object_id``/``object_repr``), ``old``, ``new`` and may
    override ``action`` and ``reason``."""
    if not events:
        return 0
    context = current_request.get()
    if actor is None and context is not None:
        actor = context.user
    if ip is None and context is not None:
        ip = context.ip
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    now = timezone.now()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
        prev = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first() or GENESIS_HASH
        rows = []
        for item in events:
            obj = item.get("obj")
            event = AuditEvent(
                created_at=now, actor=actor, actor_name=_actor_name(actor), ip=ip,
                action=item.get("action", action),
                object_type=item.get("object_type") or (obj._meta.label if obj is not None else ""),
                object_id=item.get("object_id") or (str(obj.pk) if obj is not None and obj.pk is not None else ""),
                object_repr=(item.get("object_repr") or (stored_repr(obj) if obj is not None else ""))[:200],
                organisation_id=item.get("organisation_id", organisation_id),
                old_value=_jsonable(item.get("old")), new_value=_jsonable(item.get("new")),
                reason=item.get("reason", reason) or "", prev_hash=prev)
            event.hash = _digest(event.prev_hash, _chained_fields(event))
            prev = event.hash
            rows.append(event)
        AuditEvent.objects.bulk_create(rows)
    return len(rows)


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_at: int | None
    message: str

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify_chain(batch_size: int = 2000) -> ChainReport:
    """Walk the chain from its oldest kept row; every row must hash to its stored hash and
    link to the previous row's hash. (After a retention purge the first kept row anchors it.)"""
    expected_prev = None
    checked = 0
    last_id = 0
    while True:
        rows = list(AuditEvent.objects.filter(id__gt=last_id).order_by("id")[:batch_size])
        if not rows:
            break
        for event in rows:
            if expected_prev is not None and event.prev_hash != expected_prev:
                return ChainReport(checked, event.id, f"第 {event.id} 号事件的前序哈希与上一条不一致，审计链断裂。")
            if _digest(event.prev_hash, _chained_fields(event)) != event.hash:
                return ChainReport(checked, event.id, f"第 {event.id} 号事件的内容与其哈希不符，可能被篡改。")
            expected_prev = event.hash
            checked += 1
        last_id = rows[-1].id
    return ChainReport(checked, None, f"审计链完整，共校验 {checked} 条事件。")


def purge_expired(now=None) -> int:
    """Delete events older than the retention period (at least 184 days, SECURITY.md item 16)."""
    days = max(int(getattr(settings, "AUDIT_RETENTION_DAYS", 184)), 184)
    cutoff = (now or timezone.now()) - timedelta(days=days)
    deleted, _ = AuditEvent.objects.filter(created_at__lt=cutoff)._purge()
    return deleted


def plain(value):
    """A value as the audit log keeps it: decimals as their shortest text, related objects by name."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if hasattr(value, "pk"):
        return str(value)
    return value


def snapshot(obj, fields: list[str]) -> dict:
    return {name: plain(getattr(obj, name)) for name in fields}


def changes(old: dict | None, new: dict) -> tuple[dict | None, dict]:
    """The (old, new) values of the fields that differ; a creation keeps every new value."""
    if old is None:
        return None, new
    keys = [key for key in new if old.get(key) != new.get(key)]
    return {key: old.get(key) for key in keys}, {key: new[key] for key in keys}
