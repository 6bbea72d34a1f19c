"""A month through every state on a public scenario, with frozen time (DOMAIN.md §8): publication,
figures frozen against recomputation, one objection rejected and one accepted (that period only,
old → new to the person), the automatic lock after the window, a reopen with a reason, notices."""
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from freezegun import freeze_time

from appraisal import services as core
from appraisal.errors import StateError, ValidationFailed
from appraisal.models import AuditEvent, Department, Period, PeriodState, Person, Role
from appraisal.tests.factories import person_user, role_user
from indicators.models import IndicatorScore
from periods import services
from periods.models import Objection
from scoring.models import MonthlyResult
from scoring.services import year_compute
from tests.public_scenarios import SCENARIO_DIR
from tests.test_year_workbook import run
from tracelog.models import Notification

SH = ZoneInfo("Asia/Shanghai")
OVERRIDE = {"override": True, "reason": "测试：越过检查清单"}


def at(*args):
    return freeze_time(datetime(*args, tzinfo=SH))


@pytest.fixture
def small(db):
    code, _out, err = run("import_workbook", str(SCENARIO_DIR / "small-11.input.xlsx"))
    assert code == 0, err
    from appraisal.models import AssessmentYear

    year = AssessmentYear.objects.get(organisation__code="ORG11", year=2025)
    year_compute(assessment_year=year)
    people = {p.staff_id: p for p in Person.objects.filter(organisation=year.organisation)}
    return {"year": year, "people": people,
            "office": role_user(Role.OFFICE, year.organisation, "office11"),
            "p1002": person_user(people["1002"], "p1002"), "p1003": person_user(people["1003"], "p1003"),
            "head": person_user(Department.objects.get(organisation=year.organisation, code="D01").head, "h1001")}


def month(year, number):
    return Period.objects.get(assessment_year=year, kind="month", number=number)


def score(year, staff_id, number):
    return MonthlyResult.objects.get(assessment_year=year, person__staff_id=staff_id, month=number).monthly_score


def notes(user):
    return list(Notification.objects.filter(recipient=user).order_by("id").values_list("text", flat=True))


def test_a_month_through_every_state(small):
    year, office = small["year"], small["office"]
    january = month(year, 1)
    # -------- open → scoring → publicity (Monday 29 Sep 2025; window to 13 Oct over National Day)
    with at(2025, 9, 29, 9, 0):
        core.period_transition(user=office, period=january, to_state=PeriodState.SCORING)
        core.period_transition(user=office, period=january, to_state=PeriodState.PUBLICITY, **OVERRIDE)
        year_compute(assessment_year=year)  # the job the move queued (a worker runs it once committed)
    january.refresh_from_db()
    assert str(january.publicity_ends_on) == "2025-10-13" and january.published_at is not None
    published = score(year, "1002", 1)

    # -------- the figures are frozen: an input changes, the pipeline runs, January does not move
    leaf_score = IndicatorScore.objects.filter(period=january, indicator__department__code="D01").first()
    leaf_score.score = Decimal(0)
    leaf_score.save()
    year_compute(assessment_year=year)
    assert score(year, "1002", 1) == published
    leaf_score.refresh_from_db()

    # -------- objections: only the own figure, in publicity, with a reason and evidence
    with at(2025, 10, 9, 10, 0):
        with pytest.raises(ValidationFailed) as refused:
            services.objection_file(user=small["p1002"], period=january, figure="monthly_score", reason="太低",
                                    evidence_text="")
        assert {field for field, _m in refused.value.details} == {"reason", "evidence_text"}
        with pytest.raises(StateError):
            services.objection_file(user=small["p1002"], period=month(year, 2), figure="monthly_score",
                                    reason="二月得分偏低", evidence_text="见二月纪实")
        accepted = services.objection_file(
            user=small["p1002"], period=january, figure="monthly_score", reason="办文办公得分录入有误",
            upload=SimpleUploadedFile("通知.txt", "一月办文办公无差错，附通报。".encode()))
        rejected = services.objection_file(user=small["p1003"], period=january, figure="monthly_grade",
                                           reason="本月工作量大", evidence_text="见本月纪实十二篇")
    assert accepted.published_value == f"{published:.2f}" and accepted.evidence_name == "通知.txt"
    assert any("提出异议" in text for text in notes(office))
    assert any("本部门" in text for text in notes(small["head"]))

    # -------- an open objection holds the automatic lock (the office is told why)
    with at(2025, 10, 14, 0, 10):
        report = services.autolock_due()
    assert report.waiting == [str(january)] and report.locked == []
    assert any("暂不能自动锁定" in text for text in notes(office))
    with pytest.raises(core.GuardRefused):
        core.period_transition(user=office, period=january, to_state=PeriodState.LOCKED)

    # -------- rejected with an answer; accepted with a correction: January recomputed alone
    with at(2025, 10, 14, 9, 0):
        with pytest.raises(ValidationFailed):
            services.objection_reject(user=office, objection=rejected, answer="")
        services.objection_reject(user=office, objection=rejected, answer="工作量等级由部门负责人评定，经核无误。")
        inputs = {i.key: i for i in services.inputs_of(accepted)}
        key = f"score:{leaf_score.indicator_id}"
        assert key in inputs and "workload" in inputs
        february_before = score(year, "1002", 2)
        services.objection_accept(user=office, objection=accepted, input_key=key,
                                  new_value=str(leaf_score.indicator.full_score), answer="经核实予以更正。")
    accepted.refresh_from_db()
    corrected = score(year, "1002", 1)
    assert accepted.state == Objection.State.ACCEPTED and corrected != published
    assert score(year, "1002", 2) == february_before
    assert accepted.changes[1] == {"figure": "月度得分", "old": f"{published:.2f}", "new": f"{corrected:.2f}"}
    assert any(f"{published:.2f} → {corrected:.2f}" in text and "已采纳" in text for text in notes(small["p1002"]))
    assert any("未被采纳" in text and "经核无误" in text for text in notes(small["p1003"]))
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"objection.file", "objection.reject", "objection.accept", "indicator_score.correct"} <= actions

    # -------- the window is over and nothing is open: the beat job locks and tells the office
    with at(2025, 10, 14, 1, 10):
        report = services.autolock_due()
    assert report.locked == [str(january)]
    january.refresh_from_db()
    assert january.state == PeriodState.LOCKED
    assert any("已自动锁定" in text for text in notes(office))

    # -------- reopened with a reason: January moves again, and every person is told old → new
    with at(2025, 10, 20, 9, 0):
        with pytest.raises(ValidationFailed):
            core.period_transition(user=office, period=january, to_state=PeriodState.OPEN, reason="")
        core.period_transition(user=office, period=january, to_state=PeriodState.OPEN, reason="复核发现录入错误")
        leaf_score.refresh_from_db()
        leaf_score.score = Decimal(0)
        leaf_score.save()
        year_compute(assessment_year=year)
    reopened = score(year, "1002", 1)
    assert reopened != corrected
    assert any(f"{corrected:.2f} → {reopened:.2f}" in text for text in notes(small["p1002"]))
    assert AuditEvent.objects.filter(action="scores.republish").exists()


def test_objections_are_read_by_the_person_the_head_and_the_office(client, small):
    year = small["year"]
    january = month(year, 1)
    Period.objects.filter(pk=january.pk).update(state=PeriodState.PUBLICITY, publicity_ends_on="2025-10-13")
    objection = services.objection_file(user=small["p1002"], period=january, figure="monthly_score",
                                        reason="办文办公得分录入有误", evidence_text="见一月通报")
    outsider = person_user(Person.objects.filter(organisation=year.organisation).exclude(
        department__code="D01").exclude(position="局领导").first(), "outsider11")
    for user, status in ((small["p1002"], 200), (small["head"], 200), (small["office"], 200),
                         (small["p1003"], 403), (outsider, 403)):
        client.force_login(user)
        assert client.get(f"/periods/objections/{objection.pk}/").status_code == status
    client.force_login(small["head"])
    page = client.get("/periods/objections/").content.decode()
    assert "办文办公得分录入有误" not in page and small["people"]["1002"].name in page
    assert 'id="accept-form"' not in client.get(f"/periods/objections/{objection.pk}/").content.decode()


def test_period_move_command_prints_the_checklist_and_refuses_in_chinese(small, capsys):
    with at(2025, 9, 29, 9, 0):
        call_command("period_move", "ORG11", "2025", "1", "评分")
        with pytest.raises(CommandError, match="未执行：.*检查清单有未满足的项目") as refused:
            call_command("period_move", "ORG11", "2025", "12", "评分")
            call_command("period_move", "ORG11", "2025", "12", "公示")
        out = capsys.readouterr().out
    assert "检查清单：" in out and "✓ 本期填报已截止" in out
    with pytest.raises(CommandError, match="周期“13”无效"):
        call_command("period_move", "ORG11", "2025", "13", "评分")
    with pytest.raises(CommandError, match="状态“完成”无效"):
        call_command("period_move", "ORG11", "2025", "1", "完成")


def test_period_move_command_names_its_operator_in_the_audit_log(small, monkeypatch):
    from appraisal import audit

    monkeypatch.setenv("SUDO_USER", "ops-li")
    with at(2025, 9, 29, 9, 0):
        call_command("period_move", "ORG11", "2025", "1", "评分", operator="张三")
        call_command("period_move", "ORG11", "2025", "2", "评分")
    first, second = AuditEvent.objects.filter(action="period.advance").order_by("id")[:2]
    assert (first.actor_id, first.actor_name) == (None, "命令行：张三")
    assert second.actor_name == "命令行：ops-li"
    # outside a command nothing is named: a scheduled job's events stay without an operator
    assert audit.current_operator.get() == ""


def test_period_move_command_exits_1_with_a_chinese_message(small, capsys):
    from django.core.management import ManagementUtility

    with pytest.raises(SystemExit) as exit_:
        ManagementUtility(["manage.py", "period_move", "ORG11", "2025", "12", "锁定"]).execute()
    assert exit_.value.code == 1
    assert "未执行：周期不能从“填报”直接变为“锁定”" in capsys.readouterr().err
