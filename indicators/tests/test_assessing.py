"""Scoring by assessors (考核主体): who reaches which leaf, actual values computed on save, submit /
approve / return, the pipeline reading approved scores only, and a set-based grid save."""
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from appraisal import access
from appraisal import services as core
from appraisal.errors import PermissionDeniedError, StateError, ValidationFailed
from appraisal.models import AssessorDesignation, AuditEvent, Department, Period, PeriodState
from appraisal.tests.factories import DepartmentFactory, PersonFactory, person_user
from indicators import assessing
from indicators.models import Indicator, IndicatorScore, ScoreStatus
from scoring.loader import load_year

pytestmark = pytest.mark.django_db


def month(year, number=1):
    return Period.objects.get(assessment_year=year, kind="month", number=number)


@pytest.fixture
def assessed(world, year, plan):
    """办公室 (D01, head 李处长) assesses B10 of 登记处 and B11 of its own; the office B12; 登记处 (D02)
    assesses B13 of 办公室. 王科员 (staff) is designated by the head; 赵科员 (colleague) is not."""
    make = Indicator.objects.create
    common = dict(assessment_year=year, category="业务类", parent=plan["业务类"], cycle="月度", full_score=D("10"))
    leaves = {
        "B10": make(code="B10", name="登记处办结率", department=world.other_department,
                    assessor_department=world.department, standard_key="target_rate",
                    standard_params={"target_rate": "95", "k_up": "0.2", "k_down": "0.5"}, **common),
        "B11": make(code="B11", name="办公室公文质量", department=world.department,
                    assessor_department=world.department, **common),
        "B12": make(code="B12", name="登记处数据质量", department=world.other_department, **common),
        "B13": make(code="B13", name="办公室服务", department=world.department,
                    assessor_department=world.other_department, **common),
    }
    AssessorDesignation.objects.create(department=world.department, user=world.users["staff"])
    world.users["colleague"] = person_user(world.colleague, "colleague")
    return leaves


# role -> the leaves it may score (the office: all)
REACH = {
    "head": {"B10", "B11"},
    "staff": {"B10", "B11"},  # designated by the head of 办公室
    "colleague": set(),  # a member of 办公室, not designated
    "outsider": set(),  # a member of 登记处, which has no head account here
    "leader": set(),
    "office": {"B10", "B11", "B12", "B13"},
    "auditor": set(),
}


@pytest.mark.parametrize("role", sorted(REACH))
@pytest.mark.parametrize("code", ["B10", "B11", "B12", "B13"])
def test_an_assessor_reaches_exactly_the_leaves_its_department_assesses(client, world, year, assessed, role, code):
    user = world.users[role]
    leaf = assessed[code]
    allowed = code in REACH[role]
    assert access.can(user, "scores.assess", leaf) is allowed
    client.force_login(user)
    response = client.get(f"/indicators/{year.pk}/scores/preview/", {"leaf": leaf.pk, "actual": "95"})
    assert response.status_code == (200 if allowed else 403)
    cell = {leaf.pk: assessing.CellInput(actual="96", score="8")}
    if allowed:
        assessing.scores_save(user=user, period=month(year), cells=cell)
        assert IndicatorScore.objects.filter(indicator=leaf).exists()
    else:
        with pytest.raises((PermissionDeniedError, ValidationFailed)):
            assessing.scores_save(user=user, period=month(year), cells=cell)
        assert not IndicatorScore.objects.exists()


def test_grid_lists_the_units_leaves_across_departments(client, world, year, assessed):
    client.force_login(world.users["staff"])
    page = client.get(f"/indicators/{year.pk}/scores/").content.decode()
    assert "登记处办结率" in page and "办公室公文质量" in page
    assert "登记处数据质量" not in page and "办公室服务" not in page
    assert client.get(f"/indicators/{year.pk}/scores/review/").status_code == 403


def test_current_period_is_the_one_being_scored_never_a_locked_one(world, year):
    office = world.users["office"]
    periods = assessing.scoring_periods(year)
    assert assessing.current_period(periods) == month(year, 1)
    for number in (1, 2):
        for state in (PeriodState.SCORING, PeriodState.PUBLICITY, PeriodState.LOCKED):
            core.period_transition(user=office, period=month(year, number), to_state=state, override=True,
                                   reason="测试：越过检查清单")
    core.period_transition(user=office, period=month(year, 3), to_state=PeriodState.SCORING)
    assert assessing.current_period(assessing.scoring_periods(year)) == month(year, 3)


def test_actual_value_is_computed_and_kept_with_the_standard(world, year, assessed):
    leaf = assessed["B10"]
    assessing.scores_save(user=world.users["staff"], period=month(year),
                          cells={leaf.pk: assessing.CellInput(actual="93%", comment="系统统计", evidence="OA-2025-17")})
    score = IndicatorScore.objects.get(indicator=leaf)
    assert (score.score, score.actual_value, score.status) == (D("9.00"), "93%", ScoreStatus.DRAFT)
    assert score.standard_key == "target_rate" and score.standard_params["k_down"] == "0.5"
    assert "实际完成率（%） 93%" in score.explanation and "9 分" in score.explanation
    with pytest.raises(ValidationFailed) as error:
        assessing.scores_save(user=world.users["staff"], period=month(year),
                              cells={leaf.pk: assessing.CellInput(actual="九十")})
    assert "不是有效的数字" in error.value.details[0][1]


def test_preview_shows_the_score_before_saving(client, world, year, assessed):
    client.force_login(world.users["head"])
    url = f"/indicators/{year.pk}/scores/preview/"
    data = client.get(url, {"leaf": assessed["B10"].pk, "actual": "90"}).json()
    assert data["ok"] and data["score"] == "7.50" and "目标值（%）=95" in data["explanation"]
    assert client.get(url, {"leaf": assessed["B10"].pk, "actual": "x"}).json()["ok"] is False
    assert not IndicatorScore.objects.exists()


def test_submit_return_correct_resubmit_approve(world, year, assessed):
    staff, office, period = world.users["staff"], world.users["office"], month(year)
    b10, b11 = assessed["B10"], assessed["B11"]
    unit = next(u for u in assessing.units_for(staff, year) if u.department == world.department)
    assessing.scores_save(user=staff, period=period, cells={b10.pk: assessing.CellInput(actual="95"),
                                                            b11.pk: assessing.CellInput(score="8")})
    assert load_year(year).monthly_scores == {}  # drafts are not computed
    assert assessing.scores_submit(user=staff, period=period, unit=unit) == 2
    with pytest.raises(ValidationFailed) as error:
        assessing.scores_save(user=staff, period=period, cells={b11.pk: assessing.CellInput(score="9")})
    assert "得分待审核，不能修改" in error.value.details[0][1]
    s10, s11 = (IndicatorScore.objects.get(indicator=leaf) for leaf in (b10, b11))
    with pytest.raises(ValidationFailed) as error:
        assessing.scores_review(user=office, period=period, decisions={s11.pk: (assessing.RETURN, "")})
    assert "退回须写明原因" in error.value.details[0][1]
    with pytest.raises(PermissionDeniedError):
        assessing.scores_review(user=staff, period=period, decisions={s10.pk: (assessing.APPROVE, "")})
    assert assessing.scores_review(user=office, period=period, decisions={
        s10.pk: (assessing.APPROVE, ""), s11.pk: (assessing.RETURN, "公文差错 2 处，应扣分")}) == (1, 1)
    s11.refresh_from_db()
    assert (s11.status, s11.review_reason) == (ScoreStatus.RETURNED, "公文差错 2 处，应扣分")
    assert load_year(year).monthly_scores == {(1, "B10"): D("10.00")}
    assert assessing.unapproved_leaves(period) == 4  # B1, B11, B12, B13
    assessing.scores_save(user=staff, period=period, cells={b11.pk: assessing.CellInput(score="7")})
    assert assessing.scores_submit(user=staff, period=period, unit=unit) == 1
    assessing.scores_review(user=office, period=period, decisions={s11.pk: (assessing.APPROVE, "")})
    assert load_year(year).monthly_scores == {(1, "B10"): D("10.00"), (1, "B11"): D("7.00")}
    actions = list(AuditEvent.objects.filter(action__startswith="indicator_score.").values_list("action", flat=True))
    assert actions.count("indicator_score.submit") == 3 and actions.count("indicator_score.return") == 1
    assert actions.count("indicator_score.approve") == 2
    returned = AuditEvent.objects.get(action="indicator_score.return")
    assert returned.reason == "公文差错 2 处，应扣分" and returned.actor == office


def test_office_entries_are_approved_and_locked_periods_are_read_only(world, year, assessed):
    office, period = world.users["office"], month(year, 2)
    assessing.scores_save(user=office, period=period, cells={assessed["B12"].pk: assessing.CellInput(score="6")})
    assert IndicatorScore.objects.get().status == ScoreStatus.APPROVED
    for state in (PeriodState.SCORING, PeriodState.PUBLICITY):
        core.period_transition(user=office, period=period, to_state=state, override=True, reason="测试：越过检查清单")
    with pytest.raises(StateError, match="只读"):
        assessing.scores_save(user=world.users["head"], period=period,
                              cells={assessed["B11"].pk: assessing.CellInput(score="6")})


def test_designation_by_the_head_is_audited_and_lapses_when_the_person_moves(world, year, assessed):
    head, colleague = world.users["head"], world.users["colleague"]
    assert not access.can(colleague, "scores.assess", assessed["B11"])
    with pytest.raises(PermissionDeniedError):
        assessing.designate(user=world.users["staff"], department=world.department, person=world.colleague)
    assessing.designate(user=head, department=world.department, person=world.colleague)
    assert AuditEvent.objects.filter(action="assessor.designate").count() == 1
    colleague = type(colleague).objects.get(pk=colleague.pk)  # a new request: roles are computed afresh
    assert access.can(colleague, "scores.assess", assessed["B11"])
    world.colleague.department = world.other_department
    world.colleague.save()
    colleague = type(colleague).objects.get(pk=colleague.pk)
    assert not access.can(colleague, "scores.assess", assessed["B11"])


def _grid(world, year, prefix: str, departments: int, leaves: int):
    """An assessing department that assesses `leaves` leaves in each of `departments` departments,
    half of them by hand and half from a number of incidents."""
    organisation = world.organisation
    assessor = DepartmentFactory(organisation=organisation, code=f"{prefix}TJ", name=f"{prefix}统计处")
    head = PersonFactory(department=assessor, staff_id=f"{prefix}9001")
    assessor.head = head
    assessor.save()
    user = person_user(head, f"{prefix}-head")
    root = Indicator.objects.get(assessment_year=year, code="B")
    targets = [DepartmentFactory(organisation=organisation, code=f"{prefix}{d:02d}") for d in range(departments)]
    Indicator.objects.bulk_create([
        Indicator(assessment_year=year, code=f"{prefix}{d:02d}-{i:02d}", name=f"指标{i}", category="业务类",
                  parent=root, department=target, assessor_department=assessor, cycle="月度", full_score=D("10"),
                  standard_key="per_incident" if i % 2 else "manual",
                  standard_params={"points_per_incident": "1"} if i % 2 else {})
        for d, target in enumerate(targets) for i in range(leaves)])
    cells = {leaf.pk: assessing.CellInput(actual=str(n % 3), score=str(n % 10), comment="按月核定")
             for n, leaf in enumerate(Indicator.objects.filter(assessor_department=assessor))}
    return user, cells


def _statements(queries) -> int:
    """Statements sent, counting the batches SQLite needs for one bulk statement (999 parameters
    each) as one: on PostgreSQL a bulk statement is a single query anyway."""
    count, previous = 0, None
    for query in queries:
        sql = query["sql"]
        head = None
        if sql.startswith("INSERT"):
            head = sql.split(" VALUES ")[0]
        elif sql.startswith(("UPDATE", "DELETE")):
            head = sql.split(" WHERE ")[0]
        if head is None or head != previous:
            count += 1
        previous = head
    return count


def _save_counting(user, period, cells) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        assessing.scores_save(user=user, period=period, cells=cells)
    return len(captured.captured_queries), _statements(captured.captured_queries)


def test_grid_save_is_set_based_whatever_its_size(world, year, plan):
    """Saving 3 × 4 cells and 20 departments × 30 leaves costs the same statements: one validation
    pass, one upsert, the audit rows in one insert; no per-cell query."""
    period = month(year)
    small_user, small = _grid(world, year, "S", 3, 4)
    large_user, large = _grid(world, year, "L", 20, 30)
    small_queries, small_statements = _save_counting(small_user, period, small)
    large_queries, large_statements = _save_counting(large_user, period, large)
    assert IndicatorScore.objects.count() == 12 + 600
    assert AuditEvent.objects.filter(action="indicator_score.set").count() == 612
    assert large_statements == small_statements <= 15
    if connection.vendor == "postgresql":  # no batching there: the raw count is constant too
        assert large_queries == small_queries
    # changing every cell again (an update of 600 stored scores) costs no more
    changed = {pk: assessing.CellInput(actual="1", score="5", comment="复核") for pk in large}
    assert _save_counting(large_user, period, changed)[1] <= small_statements + 1


def test_unapproved_scores_are_listed_by_assessing_unit(world, year, assessed):
    staff, period = world.users["staff"], month(year)
    assessing.scores_save(user=staff, period=period, cells={assessed["B10"].pk: assessing.CellInput(actual="95"),
                                                            assessed["B11"].pk: assessing.CellInput(score="8")})
    unit = next(u for u in assessing.units_for(staff, year) if u.department == world.department)
    assessing.scores_submit(user=staff, period=period, unit=unit)
    assessing.scores_save(user=world.users["office"], period=period,
                          cells={assessed["B12"].pk: assessing.CellInput(score="6")})
    assert assessing.unapproved_items(period) == ["办公室：2 项得分未审定（待审核 2）"]


def test_head_designates_and_revokes_on_the_grid_page(client, world, year, assessed):
    client.force_login(world.users["head"])
    page = client.get(f"/indicators/{year.pk}/scores/?unit={world.department.pk}").content.decode()
    # the department name is marked as data (translate="no") inside the heading
    assert '<span translate="no">办公室</span>的评分人' in page and "王科员" in page and "赵科员" in page
    response = client.post(f"/indicators/{year.pk}/assessors/{world.department.pk}/add/",
                           {"person": world.colleague.pk})
    assert response.status_code == 302
    assert AssessorDesignation.objects.filter(department=world.department, user=world.users["colleague"]).exists()
    designation = AssessorDesignation.objects.get(user=world.users["staff"])
    client.post(f"/indicators/{year.pk}/assessors/{designation.pk}/revoke/")
    assert not AssessorDesignation.objects.filter(pk=designation.pk).exists()
    assert AuditEvent.objects.filter(action="assessor.revoke").count() == 1
    client.force_login(world.users["staff"])  # no longer designated, and never a head
    assert client.post(f"/indicators/{year.pk}/assessors/{world.department.pk}/add/",
                       {"person": world.staff.pk}).status_code == 403


def test_publicity_checklist_counts_unapproved_scores_as_missing(world, year, assessed):
    from appraisal import period_guards

    period = month(year)
    assessing.scores_save(user=world.users["staff"], period=period,
                          cells={assessed["B11"].pk: assessing.CellInput(score="8")})
    checklist = period_guards.evaluate(period_guards.gather(period, PeriodState.PUBLICITY), PeriodState.PUBLICITY)
    result = next(r for r in checklist.results if r.code == "leaves_approved")
    assert result.problems == ("办公室：1 项得分未审定（未提交 1）",)


def test_the_review_page_opens_on_the_period_being_scored_not_a_locked_one_with_waiting_scores(
        client, world, year, assessed):
    """Issue 14: scores left waiting in a period the office locked (with override) do not make the
    review page open on that locked period while another is being scored."""
    staff, office = world.users["staff"], world.users["office"]
    unit = next(u for u in assessing.units_for(staff, year) if u.department == world.department)
    assessing.scores_save(user=staff, period=month(year), cells={assessed["B11"].pk: assessing.CellInput(score="8")})
    assessing.scores_submit(user=staff, period=month(year), unit=unit)
    for state in (PeriodState.SCORING, PeriodState.PUBLICITY, PeriodState.LOCKED):
        core.period_transition(user=office, period=month(year), to_state=state, override=True, reason="测试：强制锁定")
    core.period_transition(user=office, period=month(year, 2), to_state=PeriodState.SCORING)
    client.force_login(office)
    response = client.get(f"/indicators/{year.pk}/scores/review/")
    assert response.context["period"] == month(year, 2)
    assert client.get(f"/indicators/{year.pk}/scores/review/", {"period": month(year).pk}).context["period"] \
        == month(year)  # still reachable when asked for
