"""Second factor (SECURITY.md item 5): TOTP through django-otp, with backup (static) codes.

- Any account may enrol (QR code or the key typed in), and is then asked for a code at every
  sign-in; ten single-use backup codes are shown once at enrolment.
- The security administrator makes it mandatory per role (SecondFactorPolicy); an account with a
  required role and no device is sent to enrolment right after its password, before any page.
- At sign-in (appraisal.signals) the session gets OTP_STATE: "verify" (has a device), "enrol"
  (required, none yet) or nothing; AccessMiddleware keeps the account on these pages until the
  code is given. Every enrolment, removal, failure and policy change is an audit event.
"""
from __future__ import annotations

import base64
import io

import qrcode
import qrcode.image.svg
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import devices_for_user, match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import access, audit
from .errors import PermissionDeniedError, ValidationFailed
from .models import Role, SecondFactorPolicy

OTP_STATE = "otp_state"  # session key: "verify" | "enrol"
VERIFY, ENROL = "verify", "enrol"
BACKUP_CODES = 10
MAX_FAILURES = 5  # wrong codes in one sign-in before the session is ended

# the roles the policy can name, in the order the page shows them
POLICY_ROLES = [Role.OFFICE, Role.LEADER, Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR, access.HEAD, access.STAFF]


def required_roles() -> set[str]:
    return set(SecondFactorPolicy.objects.filter(required=True).values_list("role", flat=True))


def is_required(user) -> bool:
    return bool(access.actor_for(user).roles & required_roles())


def has_device(user) -> bool:
    return any(True for _device in devices_for_user(user, confirmed=True))


def state_at_login(user) -> str | None:
    if has_device(user):
        return VERIFY
    if is_required(user):
        return ENROL
    return None


def policy_set(*, user, required: set[str], reason: str = "") -> None:
    if not access.can(user, "roles.manage"):
        raise PermissionDeniedError(_("您没有执行此操作的权限。"))
    unknown = set(required) - set(POLICY_ROLES)
    if unknown:
        raise ValidationFailed(_("未知角色。"))
    with transaction.atomic():
        before = required_roles()
        for role in POLICY_ROLES:
            SecondFactorPolicy.objects.update_or_create(role=role, defaults={"required": role in required})
        if before != set(required):
            audit.record("otp.policy", actor=user, object_type="appraisal.SecondFactorPolicy",
                         object_repr=_("二次验证策略"), old={"required": sorted(before)},
                         new={"required": sorted(required)}, reason=reason)


# ---------------------------------------------------------------- enrolment

def pending_device(user) -> TOTPDevice:
    """The unconfirmed TOTP device being enrolled (one per account; a fresh key each start)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("手机验证器"), confirmed=False)
    return device


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URL as an inline SVG (no external service, nothing to load)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode("utf-8")
    return svg[svg.index("<svg"):]  # drop the XML declaration


def manual_key(device: TOTPDevice) -> str:
    key = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(key[i:i + 4] for i in range(0, len(key), 4))


def enrol_confirm(*, user, token: str) -> tuple[list[str], TOTPDevice]:
    """Confirm the pending device with a code from the app; return the backup codes (shown once)."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
        if device is None or not device.verify_token((token or "").strip().replace(" ", "")):
            audit.record("otp.enrol_failed", actor=user, obj=user, object_type="auth.User")
            raise ValidationFailed(_("验证码不正确，请核对手机时间后重试。"))
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_backup_codes(user)
        audit.record("otp.enrol", actor=user, obj=user, object_type="auth.User", new={"device": "totp"})
    return codes, device


def _new_backup_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name=_("备用码"), confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=code) for code in codes])
    return codes


def backup_codes_renew(*, user) -> list[str]:
    with transaction.atomic():
        if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            raise ValidationFailed(_("请先启用手机验证器。"))
        codes = _new_backup_codes(user)
        audit.record("otp.backup_codes", actor=user, obj=user, object_type="auth.User")
    return codes


def remove(*, user) -> None:
    """Switch the second factor off for one's own account (not when a role requires it)."""
    if is_required(user):
        raise ValidationFailed(_("您的角色必须启用二次验证，不能关闭。"))
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        audit.record("otp.remove", actor=user, obj=user, object_type="auth.User")


# ---------------------------------------------------------------- sign-in

def verify(*, user, token: str):
    """The device that accepts this code (TOTP or one backup code, which is then used up), or None."""
    token = (token or "").strip().replace(" ", "").lower()
    device = match_token(user, token) if token else None
    if device is None:
        audit.record("otp.failed", actor=user, obj=user, object_type="auth.User")
    else:
        audit.record("otp.verified", actor=user, obj=user, object_type="auth.User",
                     new={"method": "backup_code" if isinstance(device, StaticDevice) else "totp"})
    return device
