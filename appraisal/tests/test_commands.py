import io

import pytest
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
