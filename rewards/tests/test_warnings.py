"""Pre-appraisal warnings: the run of a warning month (levels, stage targets, bottom three of a shared
indicator), review and issue with a notification to the head, the head's rectification plan, the office's
follow-up and close, overdue flags, the command, and who may do what."""
import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from appraisal.errors import PermissionDeniedError, StateError, ValidationFailed
from appraisal.models import AuditEvent, Scheme
from rewards import prewarnings
from rewards.models import PreWarning, WarningState
from rewards.tests.builders import build
from tracelog.models import Notification


def _rates(d, category, m):
    # department 0 strong; 1 at 79 (关注); 2 at 69 (警告); 3 at 59 (严重警告); 4 and 5 at 95
    return Decimal({0: 100, 1: 79, 2: 69, 3: 59, 4: 95, 5: 95}[d])


@pytest.fixture
def built(db):
    return build("PW", departments=6, leaves=1, rate=_rates)


@pytest.mark.django_db
def test_run_levels_stage_targets_and_bottom_three(built):
    found = {(c.indicator.department.code, c.indicator.name): c
             for c in prewarnings.candidates(built.year, 4)}
    # 办文办公 has a stage target 95 for April: progress = rate / 95
    office = found[("D01", "办文办公")]
    assert (office.rate, office.stage_target, office.progress, office.level, office.bottom_three) == (
        Decimal("79.00"), Decimal("95"), Decimal("83.16"), "关注", True)  # progress is fine, but bottom three
    assert found[("D03", "办文办公")].level == "警告"  # progress 62.11
    assert ("D04", "办文办公") not in found  # progress 100
    # the business leaf (no stage target) compares the rate
    assert found[("D01", "业务0")].level == "关注"
    assert found[("D02", "业务0")].level == "警告"
    assert found[("D03", "业务0")].level == "严重警告"
    assert ("D00", "业务0") not in found
    # bottom three of 共享业务0 by rate: D03 59, D02 69, D01 79 → their own levels are already higher
    assert {k for k, c in found.items() if c.bottom_three and k[1] == "业务0"} == {
        ("D01", "业务0"), ("D02", "业务0"), ("D03", "业务0")}
    assert found[("D03", "业务0")].shared_rank == 6 and found[("D03", "业务0")].shared_count == 6


@pytest.mark.django_db
def test_bottom_three_alone_gives_attention(db):
    built = build("PB", departments=5, leaves=1, rate=lambda d, c, m: Decimal(100 - d))  # 100 … 96: all fine
    found = {c.indicator.department.code for c in prewarnings.candidates(built.year, 4)
             if c.indicator.name == "业务0"}
    assert found == {"D02", "D03", "D04"}
    assert all(c.level == "关注" for c in prewarnings.candidates(built.year, 4) if c.indicator.name == "业务0")


@pytest.mark.django_db
def test_whole_flow_with_notifications_audit_and_overdue(built):
    office, head = built.users["office"], built.users["head"]
    with pytest.raises(ValidationFailed):
        prewarnings.warnings_run(user=office, assessment_year=built.year, month=5)  # not a warning month
    with pytest.raises(PermissionDeniedError):
        prewarnings.warnings_run(user=head, assessment_year=built.year, month=4)
    report = prewarnings.warnings_run(user=office, assessment_year=built.year, month=4)
    assert report.created == PreWarning.objects.filter(state=WarningState.DRAFT).count() > 0
    again = prewarnings.warnings_run(user=office, assessment_year=built.year, month=4)
    assert (again.created, again.refreshed) == (0, report.created)  # re-run refreshes drafts, no duplicates
    # D00's head (the "head" account) is warned on nothing of its own: warn another department's head
    mine = PreWarning.objects.filter(department=built.departments[3]).first()
    built.departments[0].head.user = None
    built.departments[0].head.save()
    built.departments[3].head.user = head
    built.departments[3].head.save()
    head = type(head).objects.get(pk=head.pk)  # the actor is cached per user object
    prewarnings.issue(user=office, warnings=[mine], answer_due=timezone.localdate() + datetime.timedelta(days=5))
    mine.refresh_from_db()
    assert mine.state == WarningState.ISSUED
    assert Notification.objects.filter(recipient=head, url=reverse("results:warning", args=[mine.pk])).exists()
    with pytest.raises(StateError):
        prewarnings.issue(user=office, warnings=[mine])
    with pytest.raises(ValidationFailed) as error:
        prewarnings.answer(user=head, warning=mine, rectification=" ", rectify_by=None)
    assert {k for k, _m in error.value.details} == {"rectification", "rectify_by"}
    with pytest.raises(PermissionDeniedError):
        prewarnings.answer(user=built.users["staff"], warning=mine, rectification="x",
                           rectify_by=timezone.localdate())
    due = timezone.localdate() + datetime.timedelta(days=30)
    prewarnings.answer(user=head, warning=mine, rectification="每周通报进度", rectify_by=due)
    mine.refresh_from_db()
    assert (mine.state, mine.rectify_by, mine.overdue_on(due), mine.overdue_on(due + datetime.timedelta(days=1))) == (
        WarningState.ANSWERED, due, False, True)
    assert Notification.objects.filter(recipient=office).exists()
    prewarnings.follow_up(user=office, warning=mine, text="整改未到位", close=False)
    mine.refresh_from_db()
    assert mine.state == WarningState.ISSUED
    prewarnings.answer(user=head, warning=mine, rectification="加派人手", rectify_by=due)
    prewarnings.follow_up(user=office, warning=mine, text="已整改到位", close=True)
    mine.refresh_from_db()
    assert mine.state == WarningState.CLOSED and not mine.is_open
    actions = list(AuditEvent.objects.filter(action__startswith="warning.").values_list("action", flat=True))
    assert sorted(set(actions)) == ["warning.answer", "warning.close", "warning.issue", "warning.reopen",
                                    "warning.run"]
    # issued warnings survive a re-run untouched
    assert prewarnings.warnings_run(user=office, assessment_year=built.year, month=4).kept == 1


@pytest.mark.django_db
def test_scheme_keys_set_months_and_thresholds(built):
    scheme = Scheme.objects.get(assessment_year=built.year)
    scheme.values = {**scheme.values, "warning.months": "3,6", "warning.attention_below": "60",
                     "warning.warning_below": "50", "warning.serious_below": "40"}
    scheme.save()
    settings = prewarnings.settings_of(built.year)
    assert settings.months == (3, 6)
    levels = {c.indicator.department.code: c.level for c in prewarnings.candidates(built.year, 3, settings)
              if c.indicator.name == "业务0"}
    assert levels == {"D01": "关注", "D02": "关注", "D03": "关注"}  # only the bottom three now


@pytest.mark.django_db
def test_command_dry_run_writes_nothing(built, capsys):
    call_command("warnings_run", "PW", "2025", "4", "--dry-run")
    out = capsys.readouterr().out
    assert "严重警告" in out and "试运行" in out
    assert PreWarning.objects.count() == 0
    call_command("warnings_run", "PW", "2025", "4")
    assert PreWarning.objects.filter(state=WarningState.DRAFT).count() > 0
    with pytest.raises(CommandError):
        call_command("warnings_run", "PW", "2025", "5")
    with pytest.raises(CommandError):
        call_command("warnings_run", "NOPE", "2025", "4")


@pytest.mark.django_db
def test_pages_run_issue_answer(client, built):
    office = built.users["office"]
    client.force_login(office)
    response = client.post(reverse("results:warnings_run", args=[built.year.pk]), {"month": "4"})
    assert response.status_code == 302
    drafts = list(PreWarning.objects.filter(department=built.departments[0]).values_list("pk", flat=True)) or \
        list(PreWarning.objects.values_list("pk", flat=True)[:1])
    target = PreWarning.objects.get(pk=drafts[0])
    # make it the "head" account's department
    target.department = built.departments[0]
    target.save()
    response = client.post(reverse("results:warnings_issue", args=[built.year.pk]),
                           {"warning": [target.pk], "answer_due": "2099-01-01"})
    assert response.status_code == 302
    client.force_login(built.users["head"])
    page = client.get(reverse("results:warnings") + f"?year={built.year.pk}").content.decode()
    assert f'data-warning="{target.pk}"' in page and 'data-state="draft"' not in page  # heads never see drafts
    url = reverse("results:warning_answer", args=[target.pk])
    bad = client.post(url, {"rectification": "", "rectify_by": "not a date"})
    assert bad.status_code == 400 and "is-invalid" in bad.content.decode()
    ok = client.post(url, {"rectification": "整改", "rectify_by": "2099-02-01"})
    assert ok.status_code == 302
    target.refresh_from_db()
    assert target.state == WarningState.ANSWERED
    # another department's head cannot read it
    client.force_login(built.users["staff"])
    assert client.get(reverse("results:warning", args=[target.pk])).status_code == 403


@pytest.mark.django_db
def test_scheme_update_validates_and_keeps_the_warning_months(built):
    from appraisal.models import Scheme
    from appraisal.scheme import SCHEME_DEFAULTS, validate_scheme
    from appraisal.services import scheme_update

    scheme = Scheme.objects.get(assessment_year=built.year)
    values = {k: v for k, v in scheme.as_decimals().items()}
    assert validate_scheme({"warning.attention_below": Decimal("60"), "warning.serious_below": Decimal("65")})
    with pytest.raises(ValidationFailed) as error:
        scheme_update(user=built.users["office"], scheme=scheme, values=values, months={"warning.months": "4,13"})
    assert error.value.details[0][0] == "warning.months"
    scheme_update(user=built.users["office"], scheme=scheme, values=values, months={"warning.months": "8、4，6"})
    scheme.refresh_from_db()
    assert scheme.values["warning.months"] == "4,6,8" and prewarnings.settings_of(built.year).months == (4, 6, 8)
    # saving the numbers alone keeps the months; the engine and the leaderboard still read the numbers
    scheme_update(user=built.users["office"], scheme=scheme, values={**values, "warning.serious_below": Decimal(50)})
    scheme.refresh_from_db()
    assert scheme.values["warning.months"] == "4,6,8" and scheme.as_decimals()["warning.serious_below"] == 50
    assert set(scheme.as_decimals()) == set(SCHEME_DEFAULTS)
    from scoring.loader import load_year

    assert load_year(type(built.year).objects.get(pk=built.year.pk)).scheme["warning.serious_below"] == 50


@pytest.mark.django_db
def test_scheme_page_edits_the_warning_months(client, built):
    from appraisal.models import Scheme

    client.force_login(built.users["office"])
    url = reverse("scheme_edit", args=[built.year.pk])
    page = client.get(url).content.decode()
    assert 'name="warning.months"' in page and "预考核预警" in page
    scheme = Scheme.objects.get(assessment_year=built.year)
    data = {k: str(v) for k, v in scheme.as_decimals().items()}
    bad = client.post(url, {**data, "warning.months": "4,八"})
    assert bad.status_code == 200 and "不是 1 到 12 的月份" in bad.content.decode()
    assert client.post(url, {**data, "warning.months": "5,9"}).status_code == 302
    assert prewarnings.settings_of(built.year).months == (5, 9)
