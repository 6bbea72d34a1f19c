"""绩效之窗 (the nightly leaderboard kept per day, with movements), the per-indicator analysis, the
trends and the explanations: figures, published-only, and query counts that do not grow with the
number of departments and indicators."""
import datetime
from decimal import Decimal

import openpyxl
import io
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from appraisal.models import Period, PeriodState
from indicators.models import IndicatorScore
from rewards import analysis, leaderboard, publication, window
from rewards.models import LeaderboardDay
from rewards.tests.builders import build

DAY = datetime.date(2025, 5, 5)


@pytest.mark.django_db
def test_nightly_leaderboard_ranks_and_movements():
    built = build("W1", departments=5)
    year = built.year
    # day 1: rates 90, 85, 80, 75, 70 for departments 0…4 (months 1–3 published)
    assert leaderboard.compute_day(year, DAY) == 5
    lines = {line.department.code: line for line in LeaderboardDay.objects.filter(day=DAY).select_related("department")}
    # total = 0.6 B + 0.2 G + 0.2 S over the parts present; S comes from published halves only (none yet)
    assert lines["D00"].business_rate == Decimal("90.00") and lines["D00"].management_rate == Decimal("90.00")
    assert lines["D00"].total == Decimal("90.00") and lines["D00"].satisfaction_score is None
    assert [lines[f"D{i:02d}"].overall_rank for i in range(5)] == [1, 2, 3, 4, 5]
    assert lines["D00"].group_rank == 1 and lines["D03"].group_rank == 2  # D00, D03 综合; D01, D04 业务; D02 事业
    assert lines["D04"].group_rank == 2
    assert not lines["D00"].provisional and lines["D00"].through == "3月"
    # a week later: department 4 caught up in month 4 (now published, in publicity: 暂定)
    IndicatorScore.objects.filter(indicator__department=built.departments[4], period__number=4).update(score=0)
    for score in IndicatorScore.objects.filter(indicator__department=built.departments[4], period__number__lte=4):
        score.score = score.indicator.full_score
        score.save()
    Period.objects.filter(assessment_year=year, kind="month", number=4).update(state=PeriodState.PUBLICITY)
    later = DAY + datetime.timedelta(days=7)
    leaderboard.compute_day(year, later)
    shown = window.window(year)
    assert shown.day == later and shown.earlier_day == DAY and shown.in_publicity and shown.through == "4月"
    table = [(r.department.code, r.rank, r.movement) for r in shown.rows]
    assert table == [("D04", 1, 4), ("D00", 2, -1), ("D01", 3, -1), ("D02", 4, -1), ("D03", 5, -1)]
    # in its group, by category: 业务 group is D01, D04
    group = window.window(year, group="业务", category="业务")
    assert [(r.department.code, r.rank, r.movement) for r in group.rows] == [("D04", 1, 1), ("D01", 2, -1)]
    # re-running a day replaces its lines; the history has one point per kept day
    leaderboard.compute_day(year, later)
    assert LeaderboardDay.objects.filter(day=later).count() == 5
    history = window.rank_history(year, built.departments[4])
    assert [(p.day, p.overall_rank) for p in history] == [(DAY, 5), (later, 1)]


@pytest.mark.django_db
def test_year_published_uses_the_annual_score_and_common_rate():
    from scoring.models import AnnualResult, DepartmentAnnualResult

    built = build("W2", departments=3)
    year = built.year
    DepartmentAnnualResult.objects.create(assessment_year=year, department=built.departments[2],
                                          annual_score=Decimal("99.50"))
    AnnualResult.objects.create(assessment_year=year, person=built.staff[2], department=built.departments[2],
                                common_score=Decimal("92.00"), annual_score=Decimal("90"), grade="优秀")
    Period.objects.filter(assessment_year=year, kind="year").update(state=PeriodState.LOCKED)
    leaderboard.compute_day(year, DAY)
    line = LeaderboardDay.objects.get(day=DAY, department=built.departments[2])
    assert (line.total, line.common_rate, line.overall_rank) == (Decimal("99.50"), Decimal("92.00"), 1)


@pytest.mark.django_db
def test_nightly_job_is_scheduled_and_runs_for_the_current_year(beat_schedules):
    from django_celery_beat.models import PeriodicTask

    from rewards.tasks import leaderboard_nightly

    assert PeriodicTask.objects.filter(task="rewards.tasks.leaderboard_nightly", enabled=True).exists()
    built = build("W3", departments=3)
    assert leaderboard.nightly(datetime.date(2025, 6, 1)) == 3
    assert leaderboard.nightly(datetime.date(2024, 6, 1)) == 0
    assert LeaderboardDay.objects.filter(assessment_year=built.year, day=datetime.date(2025, 6, 1)).count() == 3
    # the task on the real calendar: 2025 is this year or last year with its year-end still open
    today = datetime.date.today()
    assert leaderboard_nightly.apply().get() == (3 if today.year in (2025, 2026) else 0)
    Period.objects.filter(assessment_year=built.year, kind="year").update(state=PeriodState.LOCKED)
    assert leaderboard.nightly(datetime.date(2026, 1, 2)) == 0  # last year's, once its year-end is locked


@pytest.mark.django_db
def test_analysis_top_bottom_and_spread_of_published_months_only():
    built = build("A1", departments=6, published=(1, 2))
    year = built.year
    result = analysis.analyse(year, publication.published(year), span_key="m2", department_id=built.departments[5].pk)
    assert [s.key for s in result.spans] == ["m1", "m2"]
    item = next(i for i in result.indicators if i.name == "办文办公")
    assert [(r.department.code, r.rate, r.rank) for r in item.rows][:2] == [("D00", Decimal("90.00"), 1),
                                                                           ("D01", Decimal("85.00"), 2)]
    assert [r.department.code for r in item.top] == ["D00", "D01", "D02"]
    assert [r.department.code for r in item.bottom] == ["D05", "D04", "D03"]
    assert (item.spread.highest, item.spread.lowest, item.spread.mean) == (Decimal("90.00"), Decimal("65.00"),
                                                                            Decimal("77.50"))
    standing = result.standing()
    assert standing and all(row.department.code == "D05" and row.bottom for _i, row in standing)
    # month 3 is not published: not offered, and asking for it falls back to the latest published month
    assert analysis.analyse(year, publication.published(year), span_key="m3").span.key == "m2"


@pytest.mark.django_db
def test_analysis_export_is_a_workbook_and_audited(client):
    from appraisal.models import AuditEvent

    built = build("A2", departments=4)
    client.force_login(built.users["staff"])
    response = client.get(reverse("results:analysis_export") + f"?year={built.year.pk}&span=m3")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content) if response.streaming else
                                             response.content))
    assert book.sheetnames == ["汇总", "部门得分率"]
    rows = list(book["部门得分率"].iter_rows(values_only=True))
    assert rows[0][:5] == ("共享指标", "部门编码", "部门", "得分率（%）", "排名")
    assert len(rows) == 1 + 4 * 3  # three shared indicators × four departments
    assert AuditEvent.objects.filter(action="analysis.export").count() == 1


def _page_queries(client, user, url):
    client.force_login(user)
    client.get(url)  # warm caches (sessions, content types)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries), response


@pytest.mark.django_db
def test_page_queries_do_not_grow_with_departments_and_indicators(client):
    small, large = build("Q1", departments=3, leaves=1), build("Q2", departments=12, leaves=4)
    for built in (small, large):
        leaderboard.compute_day(built.year, DAY)
        leaderboard.compute_day(built.year, DAY + datetime.timedelta(days=7))
        from rewards import prewarnings

        prewarnings.warnings_run(user=None, assessment_year=built.year, month=4)
    pages = [
        ("staff", lambda b: reverse("results:window") + f"?year={b.year.pk}"),
        ("staff", lambda b: reverse("results:window") + f"?year={b.year.pk}&group=业务&category=管理"),
        ("staff", lambda b: reverse("results:window_department", args=[b.departments[1].pk]) + f"?year={b.year.pk}"),
        ("staff", lambda b: reverse("results:analysis") + f"?year={b.year.pk}&span=m3"),
        ("leader", lambda b: reverse("results:trends") + f"?year={b.year.pk}"),
        ("staff", lambda b: reverse("results:trends") + f"?year={b.year.pk}"),
        ("staff", lambda b: reverse("results:explain", args=[b.staff[0].pk, "m2"]) + f"?year={b.year.pk}"),
        ("office", lambda b: reverse("results:warnings") + f"?year={b.year.pk}"),
        ("head", lambda b: reverse("results:warnings") + f"?year={b.year.pk}"),
        ("office", lambda b: reverse("home")),
        ("leader", lambda b: reverse("home")),
        ("head", lambda b: reverse("home")),
        ("staff", lambda b: reverse("home")),
    ]
    for role, url in pages:
        counts = [_page_queries(client, b.users[role], url(b))[0] for b in (small, large)]
        assert counts[0] == counts[1], (role, url(small), counts)


@pytest.mark.django_db
def test_explanation_of_a_monthly_score(client):
    from scoring.models import MonthlyResult, PeerRating

    built = build("E1", departments=2)
    person = built.staff[0]
    MonthlyResult.objects.filter(person=person, month=2).update(
        responsibility_rate=Decimal("90.00"), peer_score=Decimal("85.00"), monthly_score=Decimal("87.00"))
    period = Period.objects.get(assessment_year=built.year, kind="month", number=2)
    colleagues = [p for p in person.department.members.all() if p.pk != person.pk]
    PeerRating.objects.bulk_create([PeerRating(period=period, rater=c, ratee=person, grade="良好") for c in colleagues])
    _n, response = _page_queries(client, built.users["staff"],
                                 reverse("results:explain", args=[person.pk, "m2"]) + f"?year={built.year.pk}")
    html = response.content.decode()
    assert "0.4 × 90.00 × 1.00 + 0.6 × 85.00" in html
    assert "办文办公" in html and "业务0" in html  # the leaves behind R
    assert "data-raters" not in html and "p-withheld" in html  # two raters: below the floor, no count
    for name in (c.name for c in colleagues):
        assert name not in html
    # month 4 is not published: no explanation for the person
    assert client.get(reverse("results:explain", args=[person.pk, "m4"]) + f"?year={built.year.pk}").status_code == 404


@pytest.mark.django_db
def test_explanations_of_half_and_annual_scores_and_grade(client):
    from scoring.models import AnnualResult, DepartmentAnnualResult, PersonHalfResult, SatisfactionRating

    built = build("E2", departments=2)
    person, department = built.staff[0], built.departments[0]
    PersonHalfResult.objects.create(assessment_year=built.year, person=person, department=department, half="上半年",
                                    responsibility_rate=Decimal("90.00"), half_score=Decimal("89.00"))
    half = Period.objects.get(assessment_year=built.year, kind="half", number=1)
    SatisfactionRating.objects.bulk_create([SatisfactionRating(period=half, group="机关部门", department=department,
                                                               rater_label=f"r{i}", grade="优") for i in range(4)])
    AnnualResult.objects.create(assessment_year=built.year, person=person, department=department,
                                monthly_average=Decimal("88.00"), half_average=Decimal("89.00"),
                                common_score=Decimal("95.00"), annual_score=Decimal("89.80"), department_rank=1,
                                grade="优秀", bonus_coefficient=Decimal("1.2"))
    DepartmentAnnualResult.objects.create(assessment_year=built.year, department=department,
                                          annual_score=Decimal("85"), overall_rank=1, excellent_quota=1)
    client.force_login(built.users["staff"])
    base = reverse("results:explain", args=[person.pk, "year"]) + f"?year={built.year.pk}"
    assert client.get(base).status_code == 404  # the year is not published yet
    Period.objects.filter(assessment_year=built.year, kind__in=["half", "year"]).update(state=PeriodState.PUBLICITY)
    html = client.get(base).content.decode()
    assert "0.4 × 88.00 + 0.4 × 89.00 + 0.2 × 95.00" in html and "优秀名额 1 个" in html and "公示中" in html
    html = client.get(reverse("results:explain", args=[person.pk, "h1"]) + f"?year={built.year.pk}").content.decode()
    assert "0.8 × Rh + 0.2 × S" in html and 'data-raters="4"' in html
    # a colleague may not open it
    client.force_login(built.users["head"])
    other = reverse("results:explain", args=[built.staff[1].pk, "year"]) + f"?year={built.year.pk}"
    assert client.get(other).status_code == 403


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_nightly_job_through_a_real_worker():
    from rewards.tasks import leaderboard_nightly
    from tests.services import celery_worker, require_services

    require_services()
    built = build("WR", departments=3)
    today = datetime.date.today()
    with celery_worker() as queue:
        count = leaderboard_nightly.apply_async(queue=queue).get(timeout=120)
    expected = 3 if today.year in (2025, 2026) else 0
    assert count == expected
    assert LeaderboardDay.objects.filter(assessment_year=built.year).count() == expected


@pytest.mark.django_db
def test_only_approved_scores_count():
    from indicators.models import ScoreStatus

    built = build("AP", departments=4)
    IndicatorScore.objects.filter(indicator__department=built.departments[3]).update(status=ScoreStatus.SUBMITTED)
    leaderboard.compute_day(built.year, DAY)
    line = LeaderboardDay.objects.get(day=DAY, department=built.departments[3])
    assert (line.total, line.overall_rank) == (None, None)
    item = next(i for i in analysis.analyse(built.year, publication.published(built.year)).indicators
                if i.name == "办文办公")
    assert built.departments[3] not in [r.department for r in item.rows]
