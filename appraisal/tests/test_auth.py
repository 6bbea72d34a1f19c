"""SECURITY.md items 1–4: named accounts, password rules, lockout, session limits; login audit."""
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from freezegun import freeze_time

from appraisal import accounts
from appraisal.demo import ACCOUNTS, DEMO_PASSWORD, load_demo
from appraisal.models import AuditEvent, Department, Organisation, Person


@pytest.mark.parametrize("password, ok", [
    ("Demo@2025", True),
    ("Kaohe2026", True),  # upper, lower, digit
    ("abcdef1!", True),  # lower, digit, other
    ("abcdefgh", False),  # one class
    ("abcd1234", False),  # two classes
    ("Ab1!", False),  # too short
    ("Password1", False),  # common
    ("12345678", False),  # numeric and common
    ("Aa1!" * 32, True),  # 128 characters
    ("Aa1!" * 32 + "x", False),  # 129 characters
])
def test_password_rules(password, ok):
    if ok:
        validate_password(password)
    else:
        with pytest.raises(ValidationError):
            validate_password(password)


@pytest.mark.django_db
def test_login_and_logout_are_audited_and_rotate_the_session(client, world):
    client.get("/login/")
    before_key = client.session.session_key
    response = client.post("/login/", {"username": "staff", "password": "Test@12345"})
    assert response.status_code == 302
    assert client.session.session_key != before_key
    client.post("/logout/")
    actions = list(AuditEvent.objects.order_by("id").values_list("action", "actor_name"))
    assert ("auth.login", "staff") in actions and ("auth.logout", "staff") in actions


@pytest.mark.django_db
def test_five_failures_lock_the_username_for_thirty_minutes(client, world):
    start = timezone.now()
    with freeze_time(start):
        for _ in range(5):
            response = client.post("/login/", {"username": "staff", "password": "wrong-Pass1"})
        assert response.status_code == 429
        assert "账号已锁定" in response.content.decode()
        response = client.post("/login/", {"username": "staff", "password": "Test@12345"})
        assert response.status_code == 429  # the right password is refused while locked
    assert AuditEvent.objects.filter(action="auth.login_failed").count() >= 5
    lockout = AuditEvent.objects.filter(action="auth.lockout").order_by("id").first()
    assert lockout.object_repr == "staff" and lockout.ip == "127.0.0.1"
    with freeze_time(start + timedelta(minutes=31)):
        response = client.post("/login/", {"username": "staff", "password": "Test@12345"})
        assert response.status_code == 302 and response["Location"] == "/"


@pytest.mark.django_db
def test_idle_session_expires_after_thirty_minutes(client, world):
    start = timezone.now()
    with freeze_time(start):
        client.post("/login/", {"username": "staff", "password": "Test@12345"})
        assert client.get("/").status_code == 200
    with freeze_time(start + timedelta(minutes=29)):
        assert client.get("/").status_code == 200
    with freeze_time(start + timedelta(minutes=29 + 31)):
        response = client.get("/")
        assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.django_db
def test_absolute_session_limit_is_twelve_hours(client, world):
    start = timezone.now()
    with freeze_time(start):
        client.post("/login/", {"username": "staff", "password": "Test@12345"})
    for minutes in range(20, 12 * 60, 20):
        with freeze_time(start + timedelta(minutes=minutes)):
            assert client.get("/").status_code == 200
    with freeze_time(start + timedelta(hours=12, minutes=1)):
        assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_account_created_by_administrator_must_change_password(client, world):
    accounts.account_create(user=world.users["sysadmin"], username="newcomer", password="Start@2025",
                            person=world.colleague)
    client.post("/login/", {"username": "newcomer", "password": "Start@2025"})
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/password/"
    response = client.post("/password/", {"old_password": "Start@2025", "new_password1": "Better#2026x",
                                          "new_password2": "Better#2026x"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_demo_has_no_shared_default_accounts_and_every_role_logs_in(client):
    load_demo(year=2026)
    organisation = Organisation.objects.get()
    assert Department.objects.filter(organisation=organisation).count() == 22
    assert set(Department.objects.values_list("group", flat=True)) == {"综合", "业务", "事业"}
    assert 180 <= Person.objects.count() <= 230
    User = get_user_model()
    assert not User.objects.filter(username__in=["admin", "root", "administrator"], is_active=True).exists()
    assert not User.objects.filter(is_superuser=True).exists()
    for account in ACCOUNTS:
        client.logout()
        response = client.post("/login/", {"username": account.username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, account.username
        assert client.get("/").status_code == 200  # no second factor is required in the demo (appraisal.otp)
