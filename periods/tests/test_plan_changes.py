"""Plan changes by month (DOMAIN.md §8): once a period left 填报, a change of a full score, cycle, kind,
bonus cap or responsibility weight needs a reason and an open effective month; earlier periods keep
the values they were scored with, so recomputing them gives identical figures (SQLite here; CI's
second pass runs the same test on PostgreSQL)."""
from decimal import Decimal

import pytest

from appraisal import services as core
from appraisal.errors import ValidationFailed
from appraisal.models import AuditEvent, Period, PeriodState
from indicators import services
from indicators.models import Indicator, IndicatorScore, PlanChange, ResponsibilityWeight
from scoring import plan_versions
from scoring.models import MonthlyResult
from scoring.services import year_compute
from scoring.yeardata import IndicatorData

D = Decimal
OVERRIDE = {"override": True, "reason": "测试：越过检查清单"}
REASON = "2025年6月28日局务会议决定"


@pytest.fixture
def scored(world, year):
    b1 = Indicator.objects.create(assessment_year=year, code="B1", name="办文办公", category="业务类",
                                  department=world.department, full_score=D("10"), cycle="月度")
    b2 = Indicator.objects.create(assessment_year=year, code="B2", name="行政审批", category="业务类",
                                  department=world.department, full_score=D("20"), cycle="月度")
    ResponsibilityWeight.objects.bulk_create([
        ResponsibilityWeight(indicator=b1, person=world.staff, weight=D("60")),
        ResponsibilityWeight(indicator=b1, person=world.colleague, weight=D("40")),
        ResponsibilityWeight(indicator=b2, person=world.staff, weight=D("100"))])
    months = list(Period.objects.filter(assessment_year=year, kind="month").order_by("number"))
    IndicatorScore.objects.bulk_create(
        [IndicatorScore(indicator=b1, period=p, score=D("7.5") + D(p.number) / 10) for p in months]
        + [IndicatorScore(indicator=b2, period=p, score=D("15") + D(p.number) / 4) for p in months])
    return {"b1": b1, "b2": b2, "months": months}


def figures(year) -> dict:
    return {(r.person_id, r.month): (r.responsibility_rate, r.monthly_score, r.monthly_grade)
            for r in MonthlyResult.objects.filter(assessment_year=year)}


@pytest.mark.django_db
def test_a_weight_changed_from_july_leaves_january_to_june_identical_to_the_cent(world, year, scored):
    office = world.users["office"]
    year_compute(assessment_year=year)
    before = figures(year)
    core.period_transition(user=office, period=scored["months"][0], to_state=PeriodState.SCORING, **OVERRIDE)

    weights = {world.staff.pk: D("30"), world.colleague.pk: D("70")}
    with pytest.raises(ValidationFailed) as refused:
        services.weights_set(user=office, indicator=scored["b1"], weights=weights)
    assert {field for field, _m in refused.value.details} == {"reason", "effective_month"}
    with pytest.raises(ValidationFailed, match="调整未保存") as refused:
        services.weights_set(user=office, indicator=scored["b1"], weights=weights, reason=REASON, effective_month=1)
    assert "1月已进入评分" in refused.value.details[0][1]
    services.weights_set(user=office, indicator=scored["b1"], weights=weights, reason=REASON, effective_month=7)
    b2 = scored["b2"]
    b2.full_score = D("25")
    services.indicator_save(user=office, indicator=b2, reason=REASON, effective_month=7)
    assert PlanChange.objects.count() == 3
    assert AuditEvent.objects.filter(action="plan.change", reason=REASON).count() == 2

    year_compute(assessment_year=year)
    after = figures(year)
    for (person, month), value in before.items():
        if month <= 6:
            assert after[(person, month)] == value, (person, month)
    staff = world.staff.pk
    assert all(after[(staff, m)][0] != before[(staff, m)][0] for m in range(7, 13))
    # July onward is scored with today's plan: B1 at 30 %, B2 out of 25
    july_b1, july_b2 = D("8.2"), D("16.75")
    expected = (D("0.3") * july_b1 + july_b2) / (D("0.3") * 10 + 25) * 100
    assert after[(staff, 7)][0] == expected.quantize(D("0.01"))


@pytest.mark.django_db
def test_before_any_period_left_open_the_plan_changes_freely(world, year, scored):
    b1 = scored["b1"]
    b1.full_score = D("12")
    services.indicator_save(user=world.users["office"], indicator=b1)
    assert not PlanChange.objects.exists()


@pytest.mark.django_db
def test_a_change_cannot_take_effect_before_a_later_one_of_the_same_item(world, year, scored):
    office = world.users["office"]
    core.period_transition(user=office, period=scored["months"][0], to_state=PeriodState.SCORING, **OVERRIDE)
    b2 = scored["b2"]
    b2.full_score = D("25")
    services.indicator_save(user=office, indicator=b2, reason=REASON, effective_month=9)
    b2.full_score = D("30")
    with pytest.raises(ValidationFailed):
        services.indicator_save(user=office, indicator=b2, reason=REASON, effective_month=7)


def leaf(code, full, cycle="月度", kind="常规"):
    return IndicatorData(code=code, name=code, parent_code=None, category="业务类", department_code="D1",
                         full_score=D(full), cycle=cycle, kind=kind)


@pytest.mark.parametrize("month, full, cycle, weight", [
    (6, D("20"), "月度", D("60")),  # before both changes
    (7, D("25"), "月度", D("60")),  # the full score changed from July
    (9, D("25"), "半年", D("30")),  # cycle and weight changed from September
    (13, D("25"), "半年", D("30")),  # today's plan
])
def test_plan_as_of_a_month(month, full, cycle, weight):
    today = [leaf("B1", "25", "半年")]
    weights = {("B1", "1002"): D("30")}
    changes = [plan_versions.PlanChange(1, 7, "B1", "full_score", "20"),
               plan_versions.PlanChange(2, 9, "B1", "cycle", "月度"),
               plan_versions.PlanChange(3, 9, "B1", "weight", "60", "1002")]
    indicators, in_force = plan_versions.plan_as_of(today, weights, changes, month)
    assert (indicators[0].full_score, indicators[0].cycle, in_force[("B1", "1002")]) == (full, cycle, weight)


def test_an_added_weight_is_absent_before_its_month():
    _indicators, in_force = plan_versions.plan_as_of([leaf("B1", "10")], {("B1", "1003"): D("50")},
                                                     [plan_versions.PlanChange(1, 4, "B1", "weight", None, "1003")], 3)
    assert ("B1", "1003") not in in_force


@pytest.mark.django_db
def test_the_plan_workbook_changes_a_plan_in_use_only_with_a_reason_and_a_month_and_july_on(world, year, scored):
    """The Excel import is the same rule as the pages: once the year is in use, changed full scores
    and weights need a basis and an open effective month, are recorded as plan changes, and the
    months before keep their figures to the cent."""
    from indicators import plan_io

    office = world.users["office"]
    year_compute(assessment_year=year)
    before = figures(year)
    core.period_transition(user=office, period=scored["months"][0], to_state=PeriodState.SCORING, **OVERRIDE)
    book = plan_io.plan_export(user=office, assessment_year=year)
    import io

    import openpyxl
    workbook = openpyxl.load_workbook(io.BytesIO(book))
    plan_sheet, weight_sheet = workbook["指标"], workbook["责任比重"]
    header = [c.value for c in plan_sheet[1]]
    for row in plan_sheet.iter_rows(min_row=2):
        if row[0].value == "B2":
            row[header.index("分值")].value = 25
    for row in weight_sheet.iter_rows(min_row=2):
        if row[0].value == "B1":
            row[2].value = 30 if str(row[1].value) == world.staff.staff_id else 70
    out = io.BytesIO()
    workbook.save(out)
    content = out.getvalue()

    refused = plan_io.plan_import(user=office, assessment_year=year, content=content)
    assert not refused.written and refused.plan_changes == 2
    assert any(e.startswith("修改原因：") for e in refused.errors)
    assert any(e.startswith("生效月份：请选择") for e in refused.errors)
    early = plan_io.plan_import(user=office, assessment_year=year, content=content, reason=REASON, effective_month=1)
    assert not early.written and any("1月已进入评分" in e for e in early.errors)
    assert Indicator.objects.get(pk=scored["b2"].pk).full_score == D("20") and not PlanChange.objects.exists()
    preview = plan_io.plan_import(user=office, assessment_year=year, content=content, dry_run=True,
                                  reason=REASON, effective_month=7)
    assert preview.errors == [] and not preview.written and (preview.plan_changes, preview.effective_month) == (2, 7)

    report = plan_io.plan_import(user=office, assessment_year=year, content=content, reason=REASON, effective_month=7)
    assert report.errors == [] and report.written
    assert {(c.indicator.code, c.field, c.person_id, c.old_value, c.new_value, c.effective_month)
            for c in PlanChange.objects.select_related("indicator")} == {
        ("B2", "full_score", None, "20", "25", 7),
        ("B1", "weight", world.staff.pk, "60", "30", 7), ("B1", "weight", world.colleague.pk, "40", "70", 7)}
    assert AuditEvent.objects.filter(action="plan.change", reason=REASON).count() == 2
    assert AuditEvent.objects.get(action="plan.import").new_value["plan_changes"] == 2

    year_compute(assessment_year=year)
    after = figures(year)
    assert all(after[key] == value for key, value in before.items() if key[1] <= 6)
    july_b1, july_b2 = D("8.2"), D("16.75")
    expected = (D("0.3") * july_b1 + july_b2) / (D("0.3") * 10 + 25) * 100
    assert after[(world.staff.pk, 7)][0] == expected.quantize(D("0.01"))


@pytest.mark.django_db
def test_the_import_page_asks_for_the_basis_once_the_year_is_in_use(client, world, year, scored):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from indicators import plan_io

    office = world.users["office"]
    client.force_login(office)
    url = f"/indicators/{year.pk}/import/"
    assert 'name="effective_month"' not in client.get(url).content.decode()
    core.period_transition(user=office, period=scored["months"][0], to_state=PeriodState.SCORING, **OVERRIDE)
    assert 'name="effective_month"' in client.get(url).content.decode()
    content = plan_io.plan_export(user=office, assessment_year=year)
    import io

    import openpyxl
    book = openpyxl.load_workbook(io.BytesIO(content))
    header = [c.value for c in book["指标"][1]]
    for row in book["指标"].iter_rows(min_row=2):
        if row[0].value == "B2":
            row[header.index("分值")].value = 25
    out = io.BytesIO()
    book.save(out)

    def post(**data):
        upload = SimpleUploadedFile("plan.xlsx", out.getvalue())
        return client.post(url, {"file": upload, **data})

    page = post().content.decode()
    assert "修改原因：" in page and "未导入任何数据" in page
    response = post(reason=REASON, effective_month="7")
    assert response.status_code == 302
    assert PlanChange.objects.get().new_value == "25"
