"""DOMAIN.md §8 and SECURITY.md item 9: periods move forward step by step; going back needs a reason."""
from decimal import Decimal

import pytest

from appraisal import services
from appraisal.errors import PermissionDeniedError, StateError, ValidationFailed
from appraisal.models import AuditEvent, Period, PeriodState


def month(year, number=1):
    return Period.objects.get(assessment_year=year, kind="month", number=number)


@pytest.mark.django_db
def test_year_opens_with_fifteen_open_periods_and_default_scheme(year):
    assert Period.objects.filter(assessment_year=year).count() == 15
    assert set(Period.objects.filter(assessment_year=year).values_list("state", flat=True)) == {"open"}
    assert year.scheme.as_decimals()["monthly.dept_weight"] == Decimal("0.4")


OVERRIDE = {"override": True, "reason": "测试：越过检查清单"}


@pytest.mark.django_db
@pytest.mark.parametrize("path, target, options, error", [
    ([], PeriodState.SCORING, {}, None),
    ([], PeriodState.PUBLICITY, OVERRIDE, StateError),  # skipping a step
    ([], PeriodState.LOCKED, OVERRIDE, StateError),
    ([PeriodState.SCORING], PeriodState.OPEN, {}, ValidationFailed),  # back without a reason
    ([PeriodState.SCORING], PeriodState.OPEN, {"reason": "评分有误需重填"}, None),
    ([PeriodState.SCORING], PeriodState.PUBLICITY, {}, services.GuardRefused),  # workload grades missing
    ([PeriodState.SCORING], PeriodState.PUBLICITY, {"override": True, "reason": "太短"[:1]}, services.GuardRefused),
    ([PeriodState.SCORING, PeriodState.PUBLICITY], PeriodState.LOCKED, {}, services.GuardRefused),  # window open
    ([PeriodState.SCORING, PeriodState.PUBLICITY], PeriodState.LOCKED, OVERRIDE, None),
    ([PeriodState.SCORING, PeriodState.PUBLICITY, PeriodState.LOCKED], PeriodState.OPEN, {}, ValidationFailed),
    ([PeriodState.SCORING, PeriodState.PUBLICITY, PeriodState.LOCKED], PeriodState.OPEN,
     {"reason": "复核发现录入错误"}, None),
    ([], "bogus", {}, ValidationFailed),
])
def test_transition_table(world, year, path, target, options, error):
    office = world.users["office"]
    period = month(year)
    for state in path:
        services.period_transition(user=office, period=period, to_state=state, **OVERRIDE)
    if error:
        with pytest.raises(error):
            services.period_transition(user=office, period=period, to_state=target, **options)
    else:
        services.period_transition(user=office, period=period, to_state=target, **options)
        period.refresh_from_db()
        assert period.state == target


@pytest.mark.django_db
def test_a_transition_produces_exactly_one_audit_event(world, year):
    before = AuditEvent.objects.count()
    services.period_transition(user=world.users["office"], period=month(year), to_state=PeriodState.SCORING)
    events = list(AuditEvent.objects.order_by("-id")[: AuditEvent.objects.count() - before])
    assert len(events) == 1
    event = events[0]
    assert event.action == "period.advance" and event.actor_name == "office"
    assert event.old_value == {"state": "open"} and event.new_value["state"] == "scoring"
    assert event.new_value["checklist"] == [{"check": "filings_closed", "label": "本期填报已截止", "ok": True,
                                             "problems": []}]


@pytest.mark.django_db
def test_reopen_records_reason(world, year):
    office = world.users["office"]
    period = month(year)
    for state in (PeriodState.SCORING, PeriodState.PUBLICITY, PeriodState.LOCKED):
        services.period_transition(user=office, period=period, to_state=state, **OVERRIDE)
    services.period_transition(user=office, period=period, to_state=PeriodState.OPEN, reason="复核发现录入错误")
    event = AuditEvent.objects.order_by("-id").first()
    assert event.action == "period.reopen" and event.reason == "复核发现录入错误"


@pytest.mark.django_db
def test_only_the_office_moves_periods(world, year):
    for role in ("staff", "head", "leader", "sysadmin"):
        with pytest.raises(PermissionDeniedError):
            services.period_transition(user=world.users[role], period=month(year), to_state=PeriodState.SCORING)


@pytest.mark.django_db
def test_period_page_transition_and_error_message(client, world, year):
    client.force_login(world.users["office"])
    period = month(year, 3)
    response = client.post(f"/periods/{period.pk}/transition/", {"to_state": "locked"}, follow=True)
    assert "不能从“填报”直接变为“锁定”" in response.content.decode()
    response = client.post(f"/periods/{period.pk}/transition/", {"to_state": "scoring"}, follow=True)
    assert "3月 已变为“评分”" in response.content.decode()
    period.refresh_from_db()
    assert period.state == "scoring"
    assert client.get(f"/periods/{period.pk}/transition/").status_code == 405


@pytest.mark.django_db
def test_scheme_form_refuses_invalid_values_in_chinese(client, world, year):
    client.force_login(world.users["office"])
    page = client.get(f"/years/{year.pk}/scheme/")
    form = page.context["form"]
    data = {key: str(field.initial) for key, field in form.fields.items() if key != "reason"}
    data["monthly.dept_weight"] = "0.5"  # 0.5 + 0.6 != 1
    data["workload.非常大"] = "2"
    response = client.post(f"/years/{year.pk}/scheme/", data)
    text = response.content.decode()
    assert response.status_code == 200
    assert "monthly.dept_weight" in text and "1.5" in text
    year.scheme.refresh_from_db()
    assert year.scheme.as_decimals()["monthly.dept_weight"] == Decimal("0.4")
    data["monthly.dept_weight"] = "0.3"
    data["monthly.peer_weight"] = "0.7"
    data["workload.非常大"] = "1.2"
    response = client.post(f"/years/{year.pk}/scheme/", data, follow=True)
    assert "考核方案已保存" in response.content.decode()
    year.scheme.refresh_from_db()
    assert year.scheme.values["monthly.dept_weight"] == "0.3"
    event = AuditEvent.objects.filter(action="scheme.update").get()
    assert event.new_value["monthly.peer_weight"] == "0.7"


@pytest.mark.django_db
def test_scheme_form_shows_the_floors_and_the_leadership_keys_in_chinese(client, world, year):
    client.force_login(world.users["office"])
    text = client.get(f"/years/{year.pk}/scheme/").content.decode()
    for heading in ("民主测评", "360度满意度测评", "领导班子考核"):
        assert f"<legend>{heading}</legend>" in text
    assert "民主测评：计分所需最少评价人数（匿名下限）" in text and "班子测评权重：自评" in text
    page = client.get(f"/years/{year.pk}/scheme/")
    data = {key: str(field.initial) for key, field in page.context["form"].fields.items() if key != "reason"}
    data.update({"peer.min_raters": "0", "leadership.group.自评": "0.2", "leadership.team_grade.较好": "95"})
    text = client.post(f"/years/{year.pk}/scheme/", data).content.decode()
    assert "大于等于1的整数" in text and "班子测评四类评价主体权重之和应为1" in text
    assert "不能高于“leadership.team_grade.好”的值90" in text
    data.update({"peer.min_raters": "5", "leadership.group.自评": "0.1", "leadership.team_grade.较好": "80"})
    assert "考核方案已保存" in client.post(f"/years/{year.pk}/scheme/", data, follow=True).content.decode()
    year.scheme.refresh_from_db()
    assert year.scheme.as_decimals()["peer.min_raters"] == Decimal("5")


@pytest.mark.django_db
def test_moving_to_publicity_queues_the_pipeline(world, year, django_capture_on_commit_callbacks):
    from scoring.models import ScoringJob

    office = world.users["office"]
    period = month(year, 5)
    services.period_transition(user=office, period=period, to_state=PeriodState.SCORING)
    assert not ScoringJob.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.period_transition(user=office, period=period, to_state=PeriodState.PUBLICITY, **OVERRIDE)
    job = ScoringJob.objects.get()
    assert job.assessment_year == year and job.requested_by == office
    from django.conf import settings

    # eager Celery ran it on commit; with a broker it waits there for a worker
    assert job.state == ("pending" if settings.REDIS_URL else "done")
