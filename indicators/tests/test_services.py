"""Invalid plans, weights and scores are refused with Chinese messages; nothing partial is saved."""
from decimal import Decimal as D

import pytest

from appraisal import services as core
from appraisal.errors import PermissionDeniedError, StateError, ValidationFailed
from appraisal.models import AuditEvent, Period, PeriodState
from indicators import services
from indicators.models import CommonScore, Indicator, IndicatorScore, ResponsibilityWeight

pytestmark = pytest.mark.django_db


def month(year, n=1):
    return Period.objects.get(assessment_year=year, kind="month", number=n)


def test_indicator_edit_is_validated_against_the_whole_plan(world, year, plan):
    leaf = plan["monthly"]
    leaf.cycle = "年度"
    leaf.kind = "加分"
    with pytest.raises(ValidationFailed) as error:
        services.indicator_save(user=world.users["office"], indicator=leaf)
    messages = [m for _c, m in error.value.details]
    assert any("须为“月度”或“半年”" in m for m in messages)
    assert any("只有共同类指标可以是加分" in m for m in messages)
    leaf.refresh_from_db()
    assert (leaf.cycle, leaf.kind) == ("月度", "常规")
    assert not AuditEvent.objects.filter(action__startswith="indicator.").exists()


def test_moving_an_indicator_into_its_own_subtree_is_refused(world, year, plan):
    group = Indicator.objects.create(assessment_year=year, code="B0", name="分组", category="业务类",
                                     parent=plan["业务类"])
    child = Indicator.objects.create(assessment_year=year, code="B01", name="子项", category="业务类", parent=group,
                                     department=world.department, full_score=D("5"), cycle="月度")
    group.parent = child
    with pytest.raises(ValidationFailed) as error:
        services.indicator_save(user=world.users["office"], indicator=group)
    assert any("循环" in m for _c, m in error.value.details)


def test_moving_a_subtree_to_another_category_recategorises_it(world, year, plan):
    group = Indicator.objects.create(assessment_year=year, code="B0", name="分组", category="业务类",
                                     parent=plan["业务类"])
    Indicator.objects.create(assessment_year=year, code="B01", name="子项", category="业务类", parent=group,
                             department=world.department, full_score=D("5"), cycle="月度")
    group.parent = plan["管理类"]
    group.category = ""
    services.indicator_save(user=world.users["office"], indicator=group, reason="调整归类")
    assert Indicator.objects.get(code="B01").category == "管理类"
    event = AuditEvent.objects.get(action="indicator.update")
    assert event.new_value["category"] == "管理类" and event.reason == "调整归类"


def test_weights_sixty_forty_then_ninety_refused(world, year, plan):
    head = world.users["head"]
    leaf = plan["monthly"]
    services.weights_set(user=head, indicator=leaf, weights={world.staff.pk: D("60"), world.colleague.pk: D("40")})
    assert {w.person_id: w.weight for w in leaf.weights.all()} == {world.staff.pk: D("60"),
                                                                  world.colleague.pk: D("40")}
    with pytest.raises(ValidationFailed) as error:
        services.weights_set(user=head, indicator=leaf, weights={world.staff.pk: D("60"),
                                                                  world.colleague.pk: D("30")})
    assert any("合计为 90%，应为 100%" in m for _k, m in error.value.details)
    assert {w.person_id: w.weight for w in leaf.weights.all()} == {world.staff.pk: D("60"),
                                                                  world.colleague.pk: D("40")}
    events = list(AuditEvent.objects.filter(action="weights.set"))
    assert len(events) == 1 and events[0].new_value == {"1002": "60", "1003": "40"}


def test_weights_only_for_members_and_by_own_head(world, year, plan):
    with pytest.raises(ValidationFailed) as error:
        services.weights_set(user=world.users["office"], indicator=plan["monthly"],
                             weights={world.outsider.pk: D("100")})
    assert any("不属于该指标的责任部门" in m for _k, m in error.value.details)
    with pytest.raises(PermissionDeniedError):
        services.weights_set(user=world.users["outsider"], indicator=plan["monthly"],
                             weights={world.staff.pk: D("100")})
    with pytest.raises(PermissionDeniedError):
        services.weights_set(user=world.users["leader"], indicator=plan["monthly"],
                             weights={world.staff.pk: D("100")})
    assert not ResponsibilityWeight.objects.exists()


@pytest.mark.parametrize("score, ok", [(D("0"), True), (D("12"), True), (D("12.01"), False), (D("-1"), False)])
def test_indicator_score_bounds(world, year, plan, score, ok):
    call = dict(user=world.users["office"], indicator=plan["monthly"], period=month(year), score=score)
    if ok:
        services.indicator_score_set(**call)
        assert IndicatorScore.objects.get().score == score
    else:
        with pytest.raises(ValidationFailed, match="须在 0 到 12 之间"):
            services.indicator_score_set(**call)
        assert not IndicatorScore.objects.exists()


def test_score_refused_in_wrong_cycle_or_after_publication(world, year, plan):
    office = world.users["office"]
    half = Period.objects.get(assessment_year=year, kind="half", number=1)
    with pytest.raises(ValidationFailed, match="考核周期是月度"):
        services.indicator_score_set(user=office, indicator=plan["monthly"], period=half, score=D("5"))
    period = month(year, 2)
    for state in (PeriodState.SCORING, PeriodState.PUBLICITY):
        core.period_transition(user=office, period=period, to_state=state, override=True, reason="测试：越过检查清单")
    with pytest.raises(StateError, match="“公示”状态"):
        services.indicator_score_set(user=office, indicator=plan["monthly"], period=period, score=D("5"))
    with pytest.raises(PermissionDeniedError):
        services.indicator_score_set(user=world.users["leader"], indicator=plan["monthly"], period=month(year),
                                     score=D("5"))


def test_score_change_is_audited_with_old_and_new(world, year, plan):
    office = world.users["office"]
    services.indicator_score_set(user=office, indicator=plan["monthly"], period=month(year), score=D("8"))
    services.indicator_score_set(user=office, indicator=plan["monthly"], period=month(year), score=D("9.5"),
                                 reason="复核更正")
    event = AuditEvent.objects.filter(action="indicator_score.set").order_by("-id").first()
    assert event.old_value == {"score": "8", "actual": "", "comment": "", "evidence": ""}
    assert event.new_value["score"] == "9.5" and event.reason == "复核更正"


@pytest.mark.parametrize("key, value, ok", [
    ("common", D("10"), True), ("common", D("10.5"), False), ("veto", D("1"), True), ("veto", D("0.5"), False),
])
def test_common_scores(world, year, plan, key, value, ok):
    call = dict(user=world.users["office"], indicator=plan[key], person=world.staff, value=value)
    if ok:
        services.common_score_set(**call)
        assert CommonScore.objects.get().value == value
    else:
        with pytest.raises(ValidationFailed):
            services.common_score_set(**call)
        assert not CommonScore.objects.exists()


def test_leaders_get_no_common_scores(world, year, plan):
    with pytest.raises(ValidationFailed, match="局领导"):
        services.common_score_set(user=world.users["office"], indicator=plan["common"], person=world.leader_person,
                                  value=D("5"))


def test_new_year_copies_plan_and_weights(world, year, plan):
    office = world.users["office"]
    services.weights_set(user=office, indicator=plan["monthly"], weights={world.staff.pk: D("100")})
    next_year = core.year_open(user=office, organisation=world.organisation, year=2026)
    result = services.plan_copy(user=office, source=year, target=next_year)
    assert result.indicators == Indicator.objects.filter(assessment_year=year).count() and result.weights == 1
    copied = Indicator.objects.get(assessment_year=next_year, code="B1")
    assert copied.parent.code == "B" and copied.parent.assessment_year == next_year
    assert copied.weights.get().person == world.staff
    with pytest.raises(ValidationFailed, match="已有指标"):
        services.plan_copy(user=office, source=year, target=next_year)
    # Editing the new year leaves last year's plan alone.
    copied.full_score = D("12")
    services.indicator_save(user=office, indicator=copied)
    assert Indicator.objects.get(assessment_year=year, code="B1").full_score == D("10")
