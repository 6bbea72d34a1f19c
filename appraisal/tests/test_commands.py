import io
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from appraisal import audit
from appraisal.models import AccountFlag, AuditEvent, RoleAssignment


@pytest.mark.django_db
def test_create_admin_makes_a_named_administrator_who_must_change_password(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("Strong#Pass2026\n"))
    out = io.StringIO()
    call_command("create_admin", "zhang.san", "--role", "sysadmin", "--password-stdin", stdout=out)
    assert "已建立系统管理员账号" in out.getvalue()
    assert RoleAssignment.objects.get(user__username="zhang.san").role == "sysadmin"
    assert AccountFlag.objects.get(user__username="zhang.san").must_change_password
    monkeypatch.setattr("sys.stdin", io.StringIO("Strong#Pass2026\n"))
    with pytest.raises(CommandError, match="三员分立"):
        call_command("create_admin", "zhang.san", "--role", "auditor", "--password-stdin")
    monkeypatch.setattr("sys.stdin", io.StringIO("weak\n"))
    with pytest.raises(CommandError):
        call_command("create_admin", "li.si", "--role", "auditor", "--password-stdin")
    with pytest.raises(CommandError, match="实名账号"):
        call_command("create_admin", "admin", "--role", "auditor", "--password-stdin")


@pytest.mark.django_db
def test_verify_audit_chain_command():
    audit.record("x", object_type="t")
    out = io.StringIO()
    call_command("verify_audit_chain", stdout=out)
    assert "审计链完整，共校验 1 条事件" in out.getvalue()
    assert AuditEvent.objects.count() == 1


def test_production_settings_pass_the_deployment_checklist():
    env = dict({k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}, DJANGO_SETTINGS_MODULE="appraisal.settings.production",
               SECRET_KEY="a-long-random-production-secret-key-for-the-check-0123456789abcdef",
               ALLOWED_HOSTS="kaohe.example.gov.cn")
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=settings.BASE_DIR, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_a_missing_secret_key():
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="appraisal.settings.production", SECRET_KEY="")
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=settings.BASE_DIR, env=env,
                            capture_output=True, text=True)
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr
