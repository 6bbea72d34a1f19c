"""SECURITY.md item 5 / issue 8 item 9: TOTP second factor with QR enrolment, backup codes, the
sign-in step on every path (admin included), and the security administrator's per-role switch."""
import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from appraisal import otp
from appraisal.models import AuditEvent


def code_for(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def enrol(client, user) -> list[str]:
    client.force_login(user)
    page = client.get(reverse("otp_setup")).content.decode()
    assert "<svg" in page and "otpauth" not in page  # the QR code is drawn inline, the key never leaves as a URL
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(reverse("otp_setup"), {"action": "confirm", "token": code_for(device)})
    return response.context["codes"]


@pytest.mark.django_db
def test_enrolment_gives_ten_backup_codes_and_is_audited(client, world):
    codes = enrol(client, world.users["staff"])
    assert len(codes) == 10 and len(set(codes)) == 10
    assert TOTPDevice.objects.get(user=world.users["staff"]).confirmed
    assert AuditEvent.objects.filter(action="otp.enrol", actor_name="staff").exists()


@pytest.mark.django_db
def test_a_wrong_code_does_not_enrol(client, world):
    client.force_login(world.users["staff"])
    client.get(reverse("otp_setup"))
    response = client.post(reverse("otp_setup"), {"action": "confirm", "token": "000000"})
    assert "验证码不正确" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=world.users["staff"], confirmed=True).exists()


@pytest.mark.django_db
def test_sign_in_asks_for_the_code_on_every_path(client, world):
    user = world.users["sysadmin"]
    codes = enrol(client, user)
    client.logout()
    client.force_login(user)  # the password step
    for url in ("/", reverse("account_list"), "/admin/", "/admin/appraisal/organisation/"):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("otp_verify")), url
    response = client.post(reverse("otp_verify"), {"token": "999999"})
    assert "验证码不正确" in response.content.decode()
    assert AuditEvent.objects.filter(action="otp.failed").count() == 1
    device = TOTPDevice.objects.get(user=user)
    device.refresh_from_db()
    # the code of this 30-second step was used at enrolment (django-otp refuses a replay)
    device.throttling_failure_count, device.throttling_failure_timestamp, device.last_t = 0, None, -1
    device.save()
    StaticDevice.objects.filter(user=user).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    response = client.post(reverse("otp_verify") + "?next=/admin/", {"token": code_for(device), "next": "/admin/"})
    assert response.status_code == 302 and response.url == "/admin/"
    assert client.get("/admin/appraisal/organisation/").status_code == 200
    # a backup code works once
    client.logout()
    client.force_login(user)
    assert client.post(reverse("otp_verify"), {"token": codes[0]}).status_code == 302
    assert client.get(reverse("account_list")).status_code == 200
    client.logout()
    client.force_login(user)
    assert client.post(reverse("otp_verify"), {"token": codes[0]}).status_code == 200  # used up


@pytest.mark.django_db
def test_five_wrong_codes_end_the_session(client, world):
    enrol(client, world.users["staff"])
    client.logout()
    client.force_login(world.users["staff"])
    for _ in range(otp.MAX_FAILURES):
        response = client.post(reverse("otp_verify"), {"token": "123"})
    assert response.url == reverse("login")
    assert client.get("/").url.startswith("/login/")


@pytest.mark.django_db
def test_the_security_administrator_makes_it_mandatory_per_role(client, world):
    client.force_login(world.users["secadmin"])
    response = client.post(reverse("otp_policy"), {"required": ["office", "auditor"], "reason": "等保测评整改"})
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="otp.policy")
    assert event.new_value == {"required": ["auditor", "office"]} and event.reason == "等保测评整改"
    # the office must enrol before anything else; staff is not affected
    client.force_login(world.users["office"])
    assert client.get(reverse("year_list")).url == reverse("otp_setup")
    assert client.get("/admin/").url == reverse("otp_setup")
    enrol(client, world.users["office"])
    assert client.get(reverse("year_list")).status_code == 200
    # a required role cannot switch it off
    response = client.post(reverse("otp_setup"), {"action": "remove"})
    assert "必须启用" in response.content.decode()
    client.force_login(world.users["staff"])
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_only_the_security_administrator_sets_the_policy(client, world):
    for role in ("sysadmin", "auditor", "office"):
        client.force_login(world.users[role])
        assert client.post(reverse("otp_policy"), {"required": ["staff"]}).status_code == 403
    assert not otp.required_roles()
