"""The multi-year department rules (DOMAIN.md §7.3): table tests over standings."""
from decimal import Decimal

import pytest

from rewards.history import ADMONISH, PROMOTE, REORGANISE, Standing, department_notes

D = Decimal


def s(rank, ranked=10, score="85"):
    return Standing(rank, ranked, D(score) if score is not None else None)


@pytest.mark.parametrize("history, notes", [
    ({2025: s(1)}, [PROMOTE]),
    ({2025: s(9)}, []),  # bottom three once
    ({2024: s(8), 2025: s(10)}, [ADMONISH]),  # two years running
    ({2023: s(9), 2025: s(10)}, []),  # 2024 missing: the run is broken
    ({2024: s(7), 2025: s(10)}, []),  # 7th of 10 is not bottom three
    ({2023: s(8, score="79"), 2024: s(9, score="78"), 2025: s(10, score="75")}, [ADMONISH, REORGANISE]),
    ({2023: s(8, score="82"), 2024: s(9, score="78"), 2025: s(10, score="75")}, [ADMONISH]),  # not all below 80
    ({2023: s(8, score=None), 2024: s(9, score="78"), 2025: s(10, score="75")}, [ADMONISH]),
    ({2024: s(2, ranked=2), 2025: s(2, ranked=2)}, [ADMONISH]),  # two departments: the second is bottom
    ({2025: s(1, ranked=1)}, []),  # alone: neither first nor last
    ({2025: s(None)}, []),  # not ranked
    ({2024: s(10)}, []),  # nothing for the year looked at
])
def test_department_notes(history, notes):
    assert department_notes(history, 2025, D("80")) == notes


# ---------------------------------------------------------------- the history a locked year leaves

from appraisal import services as core  # noqa: E402
from appraisal.models import AssessmentYear, AuditEvent, Department, Period, PeriodState, Role  # noqa: E402
from appraisal.tests.factories import role_user  # noqa: E402
from rewards.models import DepartmentHistory, GradeHistory  # noqa: E402
from scoring.models import AnnualResult, DepartmentAnnualResult  # noqa: E402
from scoring.services import year_compute  # noqa: E402
from tests.public_scenarios import SCENARIO_DIR  # noqa: E402
from tests.test_year_workbook import run  # noqa: E402


@pytest.fixture
def small(db):
    code, _out, err = run("import_workbook", str(SCENARIO_DIR / "small-11.input.xlsx"))
    assert code == 0, err
    year = AssessmentYear.objects.get(organisation__code="ORG11", year=2025)
    year_compute(assessment_year=year)
    return {"year": year, "office": role_user(Role.OFFICE, year.organisation, "office11")}


def test_a_locked_year_becomes_history_and_the_rules_read_it(client, small, django_capture_on_commit_callbacks):
    year, office = small["year"], small["office"]
    last = DepartmentAnnualResult.objects.filter(assessment_year=year, overall_rank__isnull=False) \
        .order_by("-overall_rank").first()
    ranked = DepartmentAnnualResult.objects.filter(assessment_year=year, overall_rank__isnull=False).count()
    # the office enters 2024: the same department last then too, below the pass line
    client.force_login(office)
    response = client.post("/periods/history/", {
        "form": "department", "department-department": last.department_id, "department-year": "2024",
        "department-overall_rank": str(ranked), "department-ranked": str(ranked), "department-annual_score": "70"})
    assert response.status_code == 302
    response = client.post("/periods/history/", {"form": "grade", "grade-staff_id": "1002", "grade-year": "2024",
                                                  "grade-grade": "称职"})
    assert response.status_code == 302
    response = client.post("/periods/history/", {"form": "grade", "grade-staff_id": "9999", "grade-year": "2024",
                                                  "grade-grade": "优秀"})
    assert "本单位没有工号为“9999”的人员" in response.content.decode()
    assert GradeHistory.objects.filter(person__staff_id="1002", year=2024, grade="称职").exists()
    assert AuditEvent.objects.filter(action__in=["history.grade", "history.department"]).count() == 2

    # lock everything (the office overrides the window with a reason; the order is respected)
    periods = sorted(Period.objects.filter(assessment_year=year),
                     key=lambda p: ({"month": 0, "half": 1, "year": 2}[p.kind], p.number))
    for period in periods:
        for state in (PeriodState.SCORING, PeriodState.PUBLICITY, PeriodState.LOCKED):
            core.period_transition(user=office, period=period, to_state=state, override=True,
                                   reason="测试：越过检查清单")
    grades = dict(AnnualResult.objects.filter(assessment_year=year).values_list("person_id", "grade"))
    assert dict(GradeHistory.objects.filter(year=2025).values_list("person_id", "grade")) == grades
    standing = DepartmentHistory.objects.get(department_id=last.department_id, year=2025)
    assert (standing.overall_rank, standing.ranked) == (last.overall_rank, ranked)

    page = client.get(f"/results/?year={year.pk}").content.decode()
    assert "连续两年排名后三位：负责人诫勉谈话" in page
    assert "排名第一：负责人列为提拔重用考虑" in page
    page = client.get(f"/results/departments/{last.department_id}/?year={year.pk}").content.decode()
    assert "连续两年排名后三位" in page
    import io

    import openpyxl

    from tests.job_helpers import fetch_results

    export = fetch_results(client, django_capture_on_commit_callbacks, f"/results/{year.pk}/export/")
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content)))
    notes = [row for row in workbook["部门多年规则"].iter_rows(min_row=2, values_only=True)]
    assert any("连续两年排名后三位" in row[2] for row in notes)
    # a locked year's history is not edited by hand
    response = client.post("/periods/history/", {"form": "grade", "grade-staff_id": "1002", "grade-year": "2025",
                                                  "grade-grade": "称职"})
    assert "已在本系统锁定" in response.content.decode()
    assert Department.objects.filter(pk=last.department_id).exists()
