"""Routine appraisal's pages (docs/routine.md): the flow through the pages, the anonymity floor on
every page that shows peer evaluations, and the query counts of the main pages (no N+1)."""
import pytest
from django.urls import reverse

from scoring.routine import services
from scoring.routine.models import QuarterSummary

from .routine_helpers import colleagues, quarter, routine_year


@pytest.fixture
def ry(world, year):
    return routine_year(world, year)


def _filed(world, ry, n=1):
    return services.summary_save(user=world.users["staff"], period=quarter(ry, n), text="第一季度小结正文",
                                 self_grade="好", submit=True)


@pytest.mark.django_db
def test_filing_evaluating_and_reviewing_through_the_pages(client, world, ry):
    client.force_login(world.users["staff"])
    page = client.get(reverse("scoring:routine_mine"))
    assert page.status_code == 200 and "第1季度" in page.content.decode()
    response = client.post(reverse("scoring:routine_mine"), {"quarter": "1", "text": "完成了档案整理。",
                                                              "self_grade": "较好", "submit": "1"})
    assert response.status_code == 302
    summary = QuarterSummary.objects.get()
    assert summary.submitted_at and summary.self_grade == "较好"
    peers = colleagues(world, 3)
    for _person, user in peers:
        client.force_login(user)
        assert "完成了档案整理" not in client.get(reverse("scoring:routine_peers")).content.decode()
        assert client.post(reverse("scoring:routine_summary", args=[summary.pk]),
                           {"action": "peer", "grade": "一般"}).status_code == 302
    client.force_login(world.users["head"])
    assert summary.person.name in client.get(reverse("scoring:routine_review")).content.decode()
    assert client.post(reverse("scoring:routine_summary", args=[summary.pk]),
                       {"action": "review", "comment": "按期完成。", "grade": "好"}).status_code == 302
    summary.refresh_from_db()
    assert (summary.peer_grade, summary.grade) == ("一般", "较好")
    client.force_login(world.users["staff"])
    body = client.get(reverse("scoring:routine_file", args=[world.staff.pk])).content.decode()
    assert "第1季度" in body and "按期完成。" in body and "暂定" in body


@pytest.mark.django_db
def test_a_bad_post_says_where_and_saves_nothing(client, world, ry):
    client.force_login(world.users["staff"])
    response = client.post(reverse("scoring:routine_mine"), {"quarter": "1", "text": "", "self_grade": ""})
    assert response.status_code == 400 and "请填写季度小结" in response.content.decode()
    assert not QuarterSummary.objects.exists()


@pytest.mark.django_db
def test_no_page_shows_the_peer_aggregate_below_the_floor(client, world, ry):
    summary = _filed(world, ry)
    (_p1, u1), (_p2, u2) = colleagues(world, 2)
    services.peer_rate(user=u1, summary=summary, grade="较差")
    services.peer_rate(user=u2, summary=summary, grade="较差")
    services.superior_review(user=world.users["head"], summary=summary, comment="好", grade="好")
    pages = [(world.users["staff"], reverse("scoring:routine_mine")),
             (world.users["staff"], reverse("scoring:routine_summary", args=[summary.pk])),
             (world.users["head"], reverse("scoring:routine_review")),
             (world.users["head"], reverse("scoring:routine_summary", args=[summary.pk])),
             (world.users["office"], reverse("scoring:routine_summary", args=[summary.pk])),
             (world.users["office"], reverse("scoring:routine_file", args=[world.staff.pk])),
             (world.users["leader"], reverse("scoring:routine_file", args=[world.staff.pk])),
             (u1, reverse("scoring:routine_summary", args=[summary.pk]))]
    for user, url in pages:
        client.force_login(user)
        body = client.get(url).content.decode()
        assert "较差" not in body.replace('value="较差"', "").replace(">较差</label>", ""), url
        assert "peer-aggregate\"" not in body.replace('id="peer-aggregate"', ""), url
    # at the floor the aggregate is shown, without names
    (_p3, u3), = colleagues(world, 1)
    services.peer_rate(user=u3, summary=summary, grade="较差")
    client.force_login(world.users["head"])
    body = client.get(reverse("scoring:routine_summary", args=[summary.pk])).content.decode()
    assert 'class="peer-aggregate">较差' in body and _p3.name not in body


@pytest.mark.django_db
def test_reading_a_summary_follows_the_person(client, world, ry):
    summary = _filed(world, ry)
    url = reverse("scoring:routine_summary", args=[summary.pk])
    for role, status in [("staff", 200), ("head", 200), ("office", 200), ("leader", 200), ("outsider", 403)]:
        client.force_login(world.users[role])
        assert client.get(url).status_code == status, role


@pytest.mark.django_db
def test_the_main_pages_run_a_constant_number_of_queries(client, world, ry, django_assert_max_num_queries):
    summary = _filed(world, ry)
    people = colleagues(world, 3)
    for _person, user in people:
        services.peer_rate(user=user, summary=summary, grade="好")
    services.superior_review(user=world.users["head"], summary=summary, comment="好", grade="好")

    def counts():
        result = {}
        for user, url in [(world.users["head"], reverse("scoring:routine_review")),
                          (people[0][1], reverse("scoring:routine_peers")),
                          (world.users["staff"], reverse("scoring:routine_mine")),
                          (world.users["office"], reverse("scoring:routine_office")),
                          (world.users["office"], reverse("scoring:routine_file", args=[world.staff.pk]))]:
            client.force_login(user)
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200, url
            result[url] = len(queries)
        return result

    before = counts()
    # ten more colleagues who file and are evaluated: the pages' query counts stay the same
    more = colleagues(world, 10)
    for person, user in more:
        filed = services.summary_save(user=user, period=quarter(ry), text="小结", self_grade="较好", submit=True)
        services.peer_rate(user=people[0][1], summary=filed, grade="好")
        services.superior_review(user=world.users["head"], summary=filed, comment="可", grade="较好")
    after = counts()
    assert after == before, (before, after)
    assert max(after.values()) <= 40


@pytest.mark.django_db
def test_the_development_files_month_headers_read_naturally_in_both_languages(client, world, ry):
    from decimal import Decimal

    from django.conf import settings

    from scoring.models import MonthlyResult

    MonthlyResult.objects.create(assessment_year=ry, person=world.staff, department=world.department, month=1,
                                 workload_coefficient=Decimal("1.00"), monthly_score=Decimal("95.00"),
                                 monthly_grade="优秀")
    client.force_login(world.users["office"])
    url = reverse("scoring:routine_file", args=[world.staff.pk])
    assert "<th>1月</th>" in client.get(url).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get(url).content.decode()
    assert "<th>Month 1</th>" in body and "mo." not in body
