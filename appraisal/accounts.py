"""Accounts, roles and password resets: the administrators' services (三员分立, SECURITY.md 2, 8, 15).

- Roles (security administrator): at most one of the three administrator roles per account, and
  none together with an appraisal role or a person record (access.admin_roles_conflict).
- Accounts (system administrator): creation, deactivation and password resets, each audited.
  Every account made or reset by an administrator must change its password at the next login.
- Person ↔ account links: the office of the person's organisation or the system administrator;
  never an administrator's account.
- Password resets of an administrator's account follow the two-person rule with split knowledge
  (see README "密码重置"): the system administrator requests and sees one half of the new
  password; the approving administrator (security administrator for the system and audit
  administrators, audit administrator for the security administrator) sees the other half.

Every change records its audit event and tells the owner in the same transaction.
"""
from __future__ import annotations

import secrets
import string
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import access, audit
from .errors import PermissionDeniedError, StateError, ValidationFailed
from .events import account_notice
from .models import (
    ADMIN_ROLES, AccountFlag, Organisation, PasswordReset, PasswordResetState, Person, Role, RoleAssignment,
)

SEPARATION_MESSAGE = _("三员分立：系统管理员、安全管理员、审计管理员不能由同一账号兼任，也不能兼任考核角色或关联人员档案。")


def _require(user, rule: str, obj=None) -> None:
    if not access.can(user, rule, obj):
        raise PermissionDeniedError(_("您没有执行此操作的权限。"))


def notify_owner(account, text: str, url: str = "") -> None:
    """In-app notification now (in the transaction); e-mail after commit where an address is known."""
    account_notice.send(sender=type(account), account=account, text=text, url=url)
    address = account.email or getattr(Person.objects.filter(user=account).first(), "email", "")
    if address:
        transaction.on_commit(lambda: send_mail(_("【绩效考核平台】账号安全提醒"), text, settings.DEFAULT_FROM_EMAIL,
                                                [address], fail_silently=True))


def _must_change(account) -> None:
    AccountFlag.objects.update_or_create(user=account, defaults={"must_change_password": True})


# ---------------------------------------------------------------- roles (security administrator)

def role_assign(*, user, account, role: str, organisation: Organisation | None = None,
                reason: str = "") -> RoleAssignment:
    _require(user, "roles.manage")
    if role not in Role.values:
        raise ValidationFailed(_("未知角色。"))
    if account.pk == user.pk:
        raise ValidationFailed(_("不能给自己分配角色。"))
    with transaction.atomic():
        existing = set(RoleAssignment.objects.select_for_update().filter(user=account).values_list("role", flat=True))
        if role in existing:
            raise ValidationFailed(_("该账号已拥有此角色。"))
        has_person = Person.objects.filter(user=account).exists()
        if access.admin_roles_conflict(existing, role, has_person=has_person):
            raise ValidationFailed(SEPARATION_MESSAGE)
        assignment = RoleAssignment.objects.create(user=account, role=role, organisation=organisation)
        audit.record("role.assign", actor=user, obj=account, new={"role": role, "organisation": str(organisation or "")},
                     reason=reason, object_type="auth.User",
                     organisation_id=organisation.pk if organisation else None)
        notify_owner(account, _("您的账号被授予角色：%(role)s。") % {"role": Role(role).label})
    return assignment


def role_revoke(*, user, assignment: RoleAssignment, reason: str = "") -> None:
    _require(user, "roles.manage")
    with transaction.atomic():
        audit.record("role.revoke", actor=user, obj=assignment.user, old={"role": assignment.role}, reason=reason,
                     object_type="auth.User", organisation_id=assignment.organisation_id)
        assignment.delete()


# ---------------------------------------------------------------- accounts (system administrator)

def account_create(*, user, username: str, password: str, person: Person | None = None):
    """A named account; it must change its password at first login."""
    _require(user, "accounts.manage")
    User = get_user_model()
    with transaction.atomic():
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationFailed(_("账号“%(name)s”已存在。") % {"name": username})
        account = User.objects.create_user(username=username, password=password)
        _must_change(account)
        audit.record("account.create", actor=user, obj=account, object_type="auth.User",
                     new={"username": username, "must_change_password": True})
        if person is not None:
            person_link(user=user, person=person, account=account, reason=_("新建账号时关联"))
    return account


def account_set_active(*, user, account, active: bool, reason: str):
    _require(user, "accounts.manage")
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ValidationFailed(_("停用或启用账号须填写原因。"))
    if account.pk == user.pk:
        raise ValidationFailed(_("不能停用自己的账号。"))
    with transaction.atomic():
        account = get_user_model().objects.select_for_update().get(pk=account.pk)
        if account.is_active == active:
            return account
        account.is_active = active
        account.save(update_fields=["is_active"])
        audit.record("account.activate" if active else "account.deactivate", actor=user, obj=account,
                     object_type="auth.User", old={"is_active": not active}, new={"is_active": active}, reason=reason)
    # Django refuses the sessions of an inactive account on their next request (ModelBackend).
    return account


def person_link(*, user, person: Person, account, reason: str = "") -> Person:
    """Link a person record to an account (or unlink with account=None). Administrators' accounts
    are refused: their owners act only as administrators."""
    _require(user, "accounts.link", person)
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        old = person.user.username if person.user_id else None
        if account is not None:
            if access.is_administrator(account):
                raise ValidationFailed(SEPARATION_MESSAGE)
            if Person.objects.filter(user=account).exclude(pk=person.pk).exists():
                raise ValidationFailed(_("该账号已关联其他人员。"))
        new = account.username if account is not None else None
        if old == new:
            return person
        person.user = account
        person.save(update_fields=["user"])
        audit.record("person.link_account", actor=user, obj=person, old={"account": old}, new={"account": new},
                     reason=reason)
        if account is not None:
            notify_owner(account, _("您的账号已关联人员档案：%(person)s。") % {"person": person})
    return person


# ---------------------------------------------------------------- password resets

def approver_role_for(account) -> str | None:
    """Who must approve a reset of this account (two-person rule), or None for an ordinary account."""
    held = set(RoleAssignment.objects.filter(user=account, role__in=ADMIN_ROLES).values_list("role", flat=True))
    if Role.SECADMIN in held:
        return Role.AUDITOR
    if held:  # system or audit administrator
        return Role.SECADMIN
    return None


def _temporary_password(length: int) -> str:
    """Random, with all four character classes (the password rules hold for it too)."""
    alphabet = string.ascii_letters + string.digits + "#%+=@"
    while True:
        value = "".join(secrets.choice(alphabet) for _ in range(length))
        if (any(c.islower() for c in value) and any(c.isupper() for c in value) and any(c.isdigit() for c in value)
                and any(c in "#%+=@" for c in value)):
            return value


@dataclass(frozen=True)
class ResetOutcome:
    reset: PasswordReset
    password_part: str  # the whole temporary password, or the requester's half
    needs_approval: bool


def _apply_password(account, password: str, reset: PasswordReset, actor, action: str) -> None:
    account.set_password(password)
    account.save(update_fields=["password"])
    _must_change(account)
    audit.record(action, actor=actor, obj=account, object_type="auth.User", reason=reset.reason,
                 new={"reset": reset.pk, "must_change_password": True,
                      "requested_by": reset.requested_by.username,
                      "approved_by": reset.decided_by.username if reset.decided_by_id else None})
    notify_owner(account, _("您的登录密码已由管理员重置（%(when)s）。请向管理员当面领取临时密码，登录后须立即修改；"
                            "如非本人申请，请立即联系安全管理员。") % {"when": timezone.localtime().strftime("%Y-%m-%d %H:%M")})


def password_reset_request(*, user, account, reason: str) -> ResetOutcome:
    """The system administrator resets an account's password. Ordinary accounts at once; an
    administrator's account waits for the approving administrator."""
    _require(user, "accounts.manage")
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise ValidationFailed(_("重置密码须填写原因（至少 4 个字）。"))
    if account.pk == user.pk:
        raise ValidationFailed(_("不能重置自己的密码，请使用“修改密码”。"))
    approver = approver_role_for(account)
    with transaction.atomic():
        get_user_model().objects.select_for_update().get(pk=account.pk)
        if PasswordReset.objects.filter(account=account, state=PasswordResetState.PENDING).exists():
            raise StateError(_("该账号已有待批准的密码重置申请。"))
        if approver is None:
            password = _temporary_password(14)
            reset = PasswordReset.objects.create(account=account, requested_by=user, reason=reason,
                                                 state=PasswordResetState.DONE, decided_at=timezone.now())
            _apply_password(account, password, reset, user, "account.password_reset")
            return ResetOutcome(reset, password, needs_approval=False)
        first = _temporary_password(8)
        reset = PasswordReset.objects.create(account=account, requested_by=user, reason=reason,
                                             approver_role=approver, first_half=first)
        audit.record("account.password_reset_request", actor=user, obj=account, object_type="auth.User",
                     reason=reason, new={"reset": reset.pk, "approver_role": approver})
    return ResetOutcome(reset, first, needs_approval=True)


def password_reset_decide(*, user, reset: PasswordReset, approve: bool, reason: str = "") -> str | None:
    """The approving administrator approves (and is shown the second half) or rejects."""
    _require(user, "password_reset.approve")
    with transaction.atomic():
        reset = PasswordReset.objects.select_for_update().select_related("account", "requested_by").get(pk=reset.pk)
        if reset.state != PasswordResetState.PENDING:
            raise StateError(_("该申请已处理。"))
        if not access.actor_for(user).has(reset.approver_role):
            raise PermissionDeniedError(_("此重置须由%(role)s批准。") % {"role": Role(reset.approver_role).label})
        if user.pk in (reset.requested_by_id, reset.account_id):
            raise PermissionDeniedError(_("申请人和被重置账号本人不能批准。"))
        reset.decided_by, reset.decided_at = user, timezone.now()
        if not approve:
            reset.state, reset.first_half = PasswordResetState.REJECTED, ""
            reset.save(update_fields=["decided_by", "decided_at", "state", "first_half"])
            audit.record("account.password_reset_reject", actor=user, obj=reset.account, object_type="auth.User",
                         reason=reason, new={"reset": reset.pk})
            return None
        second = _temporary_password(8)
        password = reset.first_half + second
        reset.state, reset.first_half = PasswordResetState.DONE, ""
        reset.save(update_fields=["decided_by", "decided_at", "state", "first_half"])
        _apply_password(reset.account, password, reset, user, "account.password_reset")
    return second
