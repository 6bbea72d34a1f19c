"""The anonymity floors on every page and export (issue 8 item 5; DOMAIN.md §4.2, §5).

The attack: with one rater, the results page hid P but showed R, c and M, so P = (M − 0.4·R·c) / 0.6
gave back that colleague's grade; the export showed 民主测评得分 75; staff saw a 360° S resting on one rater.

Here a person's month rests on a single colleague's rating and a department's half on a single 360°
rating. The year is imported, computed and published twice, the lone rater choosing the best grade the
first time and the worst the second. Whatever the ratee, the head, a colleague or a leader can open, and
the results export, must be the same both times: then nothing they show can give the grade back.
"""
from __future__ import annotations

import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from appraisal.exchange.writer import read_results
from appraisal.models import AssessmentYear, Department, Period, PeriodState, Person, Role
from appraisal.tests.factories import person_user, role_user
from scoring.models import DepartmentHalfResult, MonthlyResult
from scoring.services import year_compute
from tests.public_scenarios import input_path
from tests.test_year_workbook import run

RATEE, LONE_RATER, MONTH = "1002", "1003", 3
DEPARTMENT, HALF = "D01", "上半年"


def workbook(tmp_path, peer_grade: str, satisfaction_grade: str, floors: int | None = None):
    """small-11 with 1002's March resting on 1003 alone and D01's first half on one 360° rating."""
    book = openpyxl.load_workbook(input_path("small-11"))
    if floors is not None:
        if "方案参数" not in book.sheetnames:
            book.create_sheet("方案参数").append(["参数", "值"])
        scheme = book["方案参数"]
        scheme.append(["peer.min_raters", floors])
        scheme.append(["satisfaction.min_raters", floors])
    peer = book["民主测评"]
    for row in range(peer.max_row, 1, -1):
        month, rater, ratee, _grade = (c.value for c in peer[row][:4])
        if month == MONTH and str(ratee) == RATEE:
            if str(rater) == LONE_RATER:
                peer.cell(row=row, column=4).value = peer_grade
            else:
                peer.delete_rows(row)
    satisfaction = book["满意度测评"]
    kept = False
    for row in range(satisfaction.max_row, 1, -1):
        half, _group, _rater, department, _grade = (c.value for c in satisfaction[row][:5])
        if half == HALF and department == DEPARTMENT:
            if kept:
                satisfaction.delete_rows(row)
            else:
                satisfaction.cell(row=row, column=5).value = satisfaction_grade
                kept = True
    path = tmp_path / f"floors-{peer_grade}-{floors}.xlsx"
    book.save(path)
    return path


def load(path) -> AssessmentYear:
    # the second variant replaces the year: the office would reopen its published periods first
    # (an import refuses a year with periods in publicity or locked)
    Period.objects.filter(assessment_year__organisation__code="ORG11", assessment_year__year=2025).update(
        state=PeriodState.OPEN)
    code, _out, err = run("import_workbook", str(path))
    assert code == 0, err
    year = AssessmentYear.objects.get(organisation__code="ORG11", year=2025)
    year_compute(assessment_year=year)
    Period.objects.filter(assessment_year=year).update(state=PeriodState.PUBLICITY)
    return year


CSRF = re.compile(r'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]*">')
SHOWN = re.compile(r"\d+\.\d+|优秀|良好|中等|差|称职|基本称职|不称职|—\*?|\b\d+ ?人")


def shown(html: str) -> list[str]:
    """Every figure, grade, count and dash a page shows, in order (ids and links left out)."""
    text = CSRF.sub("", html)
    text = re.sub(r'(href|action|value|data-[a-z-]+|id|for|name)="[^"]*"', "", text)
    return SHOWN.findall(text)


def everything_they_see(client, year, tag: str, capture) -> dict[str, list[str]]:
    organisation = year.organisation
    ratee = Person.objects.get(organisation=organisation, staff_id=RATEE)
    colleague = Person.objects.get(organisation=organisation, staff_id="1004")
    department = Department.objects.get(organisation=organisation, code=DEPARTMENT)
    march = Period.objects.get(assessment_year=year, kind="month", number=MONTH)
    accounts = {
        "ratee": person_user(ratee, f"ratee{tag}"),
        "head": person_user(department.head, f"head{tag}"),
        "colleague": person_user(colleague, f"colleague{tag}"),
        "leader": role_user(Role.LEADER, organisation, f"leader{tag}"),
    }
    person_pages = [reverse("results:person", args=[ratee.pk]),
                    reverse("results:explain", args=[ratee.pk, f"m{MONTH}"]) + f"?year={year.pk}",
                    reverse("results:explain", args=[ratee.pk, "h1"]) + f"?year={year.pk}"]
    pages = {
        "ratee": [reverse("results:mine"), reverse("scoring:peer_ballot"), *person_pages[1:]],
        "head": [reverse("results:department", args=[department.pk]), *person_pages,
                 reverse("scoring:peer_results") + f"?department={department.pk}&period={march.pk}"],
        "colleague": [reverse("results:mine"), reverse("results:window")],
        "leader": [reverse("results:overview"), reverse("results:department", args=[department.pk]), *person_pages,
                   reverse("scoring:peer_results") + f"?department={department.pk}&period={march.pk}",
                   reverse("results:window")],
    }
    seen = {}
    for who, urls in pages.items():
        client.force_login(accounts[who])
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (who, url, response.status_code)
            seen[f"{who} {url.split('?')[0]}"] = shown(response.content.decode())
        client.logout()
    office = role_user(Role.OFFICE, organisation, f"office{tag}")
    client.force_login(office)
    from tests.job_helpers import fetch_results

    response = fetch_results(client, capture, reverse("results:export", args=[year.pk]))
    content = b"".join(response.streaming_content) if response.streaming else response.content
    seen["export"] = read_results(io.BytesIO(content))
    client.logout()
    return seen


@pytest.mark.django_db
def test_a_lone_rater_cannot_be_recomputed_from_anything_shown(client, tmp_path, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    best = everything_they_see(client, load(workbook(tmp_path, "优秀", "优")), "a", capture)
    year = AssessmentYear.objects.get(organisation__code="ORG11", year=2025)

    # the rule: P and S undefined, M = R × c (the recomputation gives R × c back, not the grade)
    result = MonthlyResult.objects.get(assessment_year=year, person__staff_id=RATEE, month=MONTH)
    assert result.peer_score is None and result.responsibility_rate is not None
    assert result.monthly_score == (result.responsibility_rate * result.workload_coefficient).quantize(
        Decimal("0.01"))
    half = DepartmentHalfResult.objects.get(assessment_year=year, department__code=DEPARTMENT, half=HALF)
    assert half.satisfaction_score is None
    export = best["export"]
    assert export["月度成绩"][(RATEE, MONTH)]["民主测评得分"] is None
    assert export["部门半年成绩"][(DEPARTMENT, HALF)]["满意度得分"] is None

    worst = everything_they_see(client, load(workbook(tmp_path, "差", "差")), "b", capture)
    assert worst.keys() == best.keys()
    for page in best:
        assert worst[page] == best[page], page


@pytest.mark.django_db
def test_the_comparison_sees_a_lone_rater_when_the_scheme_allows_one(client, tmp_path,
                                                                      django_capture_on_commit_callbacks):
    """The check above can fail: with both floors lowered to 1 the lone rater's grade shows through."""
    capture = django_capture_on_commit_callbacks
    best = everything_they_see(client, load(workbook(tmp_path, "优秀", "优", floors=1)), "a", capture)
    worst = everything_they_see(client, load(workbook(tmp_path, "差", "差", floors=1)), "b", capture)
    assert best["export"]["月度成绩"][(RATEE, MONTH)]["民主测评得分"] == Decimal("95")
    assert worst["export"]["月度成绩"][(RATEE, MONTH)]["民主测评得分"] == Decimal("60")
    differing = {page for page in best if best[page] != worst[page]}
    assert "export" in differing and "ratee /results/mine/" in differing, differing
    assert any(page.startswith("head /results/departments/") for page in differing), differing


@pytest.mark.django_db
def test_peer_results_follow_the_years_floor(client, tmp_path):
    """Raising peer.min_raters hides aggregates that rest on fewer ratings on the ballot pages too."""
    from scoring import ballot_selectors

    year = load(workbook(tmp_path, "优秀", "优"))
    department = Department.objects.get(organisation=year.organisation, code=DEPARTMENT)
    april = Period.objects.get(assessment_year=year, kind="month", number=4)
    shown_before = {m.staff_id: agg.shown for m, agg in ballot_selectors.department_aggregates(department, april)}
    assert any(shown_before.values())
    scheme = year.scheme
    scheme.values = {**scheme.values, "peer.min_raters": "50"}
    scheme.save()
    april = Period.objects.get(pk=april.pk)
    assert not any(agg.shown for _m, agg in ballot_selectors.department_aggregates(department, april))
    head = person_user(department.head, "head-floor")
    client.force_login(head)
    page = client.get(reverse("scoring:peer_results") + f"?department={department.pk}&period={april.pk}")
    assert "评价人不足 50 人，不显示" in page.content.decode()
