"""Pages of the indicator system: forms through the test client, and query counts that do not
grow with the number of indicators."""
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from appraisal.models import Period
from indicators.models import Indicator, IndicatorScore, ResponsibilityWeight

pytestmark = pytest.mark.django_db


def grow_plan(year, department, people, groups: int, leaves_per_group: int = 4):
    root = Indicator.objects.get(assessment_year=year, code="B")
    for g in range(groups):
        group = Indicator.objects.create(assessment_year=year, code=f"G{g}", name=f"分组{g}", category="业务类",
                                         parent=root, department=department)
        for i in range(leaves_per_group):
            leaf = Indicator.objects.create(assessment_year=year, code=f"G{g}-{i}", name=f"指标{g}-{i}",
                                            category="业务类", parent=group, department=department,
                                            full_score=D("10"), cycle="月度")
            ResponsibilityWeight.objects.bulk_create([ResponsibilityWeight(indicator=leaf, person=p, weight=w)
                                                      for p, w in zip(people, (D("60"), D("40")))])
            IndicatorScore.objects.create(indicator=leaf, score=D("8"),
                                          period=Period.objects.get(assessment_year=year, kind="month", number=1))


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("page", ["tree", "department", "person"])
def test_query_count_does_not_grow_with_the_plan(client, world, year, plan, page):
    people = [world.staff, world.colleague]
    urls = {
        "tree": f"/indicators/{year.pk}/",
        "department": f"/indicators/{year.pk}/departments/{world.department.pk}/",
        "person": f"/indicators/{year.pk}/people/{world.staff.pk}/",
    }
    client.force_login(world.users["office"])
    grow_plan(year, world.department, people, groups=2)
    small = count_queries(client, urls[page])
    Indicator.objects.filter(code__startswith="G", code__contains="-").delete()
    Indicator.objects.filter(code__startswith="G").delete()
    grow_plan(year, world.department, people, groups=25)
    assert Indicator.objects.filter(assessment_year=year).count() > 120
    assert count_queries(client, urls[page]) == small


def test_tree_shows_totals_and_department_links(client, world, year, plan):
    client.force_login(world.users["leader"])
    text = client.get(f"/indicators/{year.pk}/").content.decode()
    assert "登记效率" in text and "分值合计" in text
    assert f"/indicators/{year.pk}/departments/{world.department.pk}/" in text
    assert "新增一级指标" not in text  # leaders read, never write


def test_office_edits_a_leaf_and_sees_chinese_errors(client, world, year, plan):
    client.force_login(world.users["office"])
    leaf = plan["monthly"]
    url = f"/indicators/{year.pk}/{leaf.pk}/edit/"
    form = client.get(url).context["form"]
    data = {k: ("" if v is None else getattr(v, "pk", v)) for k, v in form.initial.items()}
    data.update(full_score="0", reason="")
    assert "末级指标的分值须大于 0" in client.post(url, data).content.decode()
    data.update(full_score="10", cycle="年度", kind="扣分")
    text = client.post(url, data).content.decode()
    assert "须为“月度”或“半年”" in text and "只有共同类指标可以是加分、扣分或否决指标" in text
    leaf.refresh_from_db()
    assert leaf.full_score == D("10")
    data.update(full_score="15", cycle="月度", kind="常规", name="登记效率（新）")
    response = client.post(url, data)
    assert response.status_code == 302
    leaf.refresh_from_db()
    assert (leaf.full_score, leaf.name) == (D("15"), "登记效率（新）")


def test_head_splits_weights_through_the_form(client, world, year, plan):
    client.force_login(world.users["head"])
    url = f"/indicators/{year.pk}/{plan['monthly'].pk}/weights/"
    response = client.post(url, {f"w{world.staff.pk}": "60", f"w{world.colleague.pk}": "30"})
    assert "合计为 90%，应为 100%" in response.content.decode()
    assert not ResponsibilityWeight.objects.exists()
    response = client.post(url, {f"w{world.staff.pk}": "60", f"w{world.colleague.pk}": "40"})
    assert response.status_code == 302
    assert ResponsibilityWeight.objects.count() == 2
    page = client.get(url).content.decode()  # issue 14: 60, not 60.0000
    assert f'name="w{world.staff.pk}" value="60"' in page and "60.0000" not in page
    client.force_login(world.users["outsider"])
    assert client.get(url).status_code == 403


def test_score_entry_page_saves_all_rows_or_none(client, world, year, plan):
    client.force_login(world.users["office"])
    period = Period.objects.get(assessment_year=year, kind="month", number=1)
    url = f"/indicators/{year.pk}/scores/?period={period.pk}&department={world.department.pk}"
    page = client.get(url).content.decode()
    assert "登记效率" in page and "服务满意度" not in page  # half-year leaf not in a month
    extra = Indicator.objects.create(assessment_year=year, code="B3", name="案件办结", category="业务类",
                                     parent=plan["业务类"], department=world.department, full_score=D("5"),
                                     cycle="月度")
    response = client.post(url, {f"s{plan['monthly'].pk}": "9", f"s{extra.pk}": "7"})
    assert "有 1 处得分有误，均未保存" in response.content.decode()
    assert "须在 0 到 5 之间" in response.content.decode()
    assert not IndicatorScore.objects.exists()
    response = client.post(url, {f"s{plan['monthly'].pk}": "9", f"s{extra.pk}": "4.5", f"c{extra.pk}": "按期办结"})
    assert response.status_code == 302
    assert {s.indicator.code: s.score for s in IndicatorScore.objects.select_related("indicator")} == {
        "B1": D("9"), "B3": D("4.5")}


def test_civil_servant_opens_own_person_table(client, world, year, plan):
    ResponsibilityWeight.objects.create(indicator=plan["monthly"], person=world.staff, weight=D("100"))
    client.force_login(world.users["staff"])
    response = client.get("/indicators/mine/", follow=True)
    text = response.content.decode()
    assert "一人一表" in text and "登记效率" in text and "100%" in text
    assert client.get(f"/indicators/{year.pk}/people/{world.colleague.pk}/").status_code == 403


def test_common_score_page_saves_the_whole_department_or_nothing(client, world, year, plan):
    from indicators.models import CommonScore

    client.force_login(world.users["office"])
    url = f"/indicators/{year.pk}/common-scores/?department={world.department.pk}"
    page = client.get(url).content.decode()
    assert "工作纪律" in page and "严重违纪" in page and "陈局长" not in page
    common, veto = plan["common"].pk, plan["veto"].pk
    response = client.post(url, {f"v_{world.staff.pk}_{common}": "9.5", f"v_{world.colleague.pk}_{veto}": "2"})
    assert "否决指标只能填 0（未否决）或 1（否决）" in response.content.decode()
    assert not CommonScore.objects.exists()
    response = client.post(url, {f"v_{world.staff.pk}_{common}": "9.5", f"v_{world.colleague.pk}_{veto}": "1"})
    assert response.status_code == 302
    assert {(c.person.staff_id, c.indicator.code): c.value for c in CommonScore.objects.all()} == {
        ("1002", "C1"): D("9.5"), ("1003", "C9"): D("1")}
