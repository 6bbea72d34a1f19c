"""The indicator tree is rendered once per plan version: a second visit renders nothing again, and
every change to what the tree shows — through a form, a bulk update that sends no signal, a
department renamed, a deletion — shows at once, per language and per role."""
from decimal import Decimal as D

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from appraisal.models import Department
from indicators import selectors
from indicators.models import Indicator

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def page(client, year, language="zh-hans"):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/indicators/{year.pk}/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode(), len(queries.captured_queries)


def plan_part(text: str) -> str:
    """The plan itself: the summary cards, the tree and the departments (the page around it carries
    per-request tokens)."""
    return text[text.index('<div class="row g-3 mb-3">'):text.index("js/tree.js")]


def test_second_visit_serves_the_same_page_without_rendering_the_plan(client, world, year, plan, monkeypatch):
    client.force_login(world.users["office"])
    first, first_queries = page(client, year)
    assert "登记效率" in first and "加下级" in first

    def refuse(*args, **kwargs):
        raise AssertionError("the plan was rendered again")

    monkeypatch.setattr(selectors, "plan_tree", refuse)
    again, queries = page(client, year)
    assert plan_part(again) == plan_part(first) and len(plan_part(first)) > 2000
    assert queries == first_queries - 1  # the plan's indicators are read once, as tuples, for the version


def test_every_change_to_the_plan_shows_at_once(client, world, year, plan):
    client.force_login(world.users["office"])
    page(client, year)
    leaf = plan["monthly"]
    Indicator.objects.filter(pk=leaf.pk).update(name="登记效率（改）", full_score=D("12.5"))  # no signal
    text, _ = page(client, year)
    assert "登记效率（改）" in text and "12.50" in text
    Department.objects.filter(pk=world.department.pk).update(name="综合办公室")
    assert "综合办公室" in page(client, year)[0]
    Indicator.objects.filter(pk=leaf.pk).delete()
    text, _ = page(client, year)
    assert "登记效率" not in text
    child = Indicator.objects.create(assessment_year=year, code="B9", name="新增指标", category="业务类",
                                     parent=plan["业务类"], department=world.department, full_score=D("3"),
                                     cycle="月度")
    assert f'id="ind-{child.pk}"' in page(client, year)[0]


def test_language_and_role_each_have_their_rendering(client, world, year, plan):
    client.force_login(world.users["office"])
    chinese, _ = page(client, year)
    english, _ = page(client, year, "en")
    assert "个末级指标" in chinese and "个末级指标" not in english
    client.force_login(world.users["leader"])
    reader, _ = page(client, year)
    assert "加下级" in chinese and "加下级" not in reader  # leaders read, never write
