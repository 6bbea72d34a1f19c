"""The ballot pages through the test client: real forms, real redirects, the messages users see."""
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from appraisal.models import AuditEvent, PeriodState
from scoring import ballots
from scoring.models import PeerRating, SatisfactionEvaluation, SatisfactionRater, SatisfactionRating, WorkloadGrade

from .ballot_helpers import evaluation, half, month, set_state  # noqa: F401 (evaluation is a fixture)

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return response.content.decode()


# ---------------------------------------------------------------- democratic evaluation

def test_the_ballot_page_lists_colleagues_and_counts_progress(client, world, year):
    period = month(year, 12)  # the latest open month of a past year is the default
    client.force_login(world.users["staff"])
    response = client.get(reverse("scoring:peer_ballot"))
    page = _text(response)
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert "已评 0 / 2" in page and 'data-ratee="李处长"' in page and 'data-ratee="赵科员"' in page
    assert 'data-ratee="王科员"' not in page and "钱科员" not in page and "陈局长" not in page
    response = client.post(reverse("scoring:peer_ballot"), {"period": period.pk, f"g{world.head.pk}": "优秀",
                                                            f"g{world.colleague.pk}": ""}, follow=True)
    page = _text(response)
    assert "已评 1 / 2 人" in page and "已评 1 / 2" in page
    assert PeerRating.objects.get(period=period).grade == "优秀"
    client.post(reverse("scoring:peer_ballot"), {"period": period.pk, f"g{world.head.pk}": "良好",
                                                 f"g{world.colleague.pk}": "中等"})
    assert dict(PeerRating.objects.filter(period=period).values_list("ratee__name", "grade")) == {
        "李处长": "良好", "赵科员": "中等"}
    page = _text(client.get(reverse("scoring:peer_ballot"), {"period": period.pk}))
    assert "已评 2 / 2" in page and page.count(" checked>") == 2


def test_a_crafted_ballot_for_another_department_or_oneself_is_refused(client, world, year):
    period = month(year, 12)
    client.force_login(world.users["staff"])
    response = client.post(reverse("scoring:peer_ballot"), {"period": period.pk, f"g{world.outsider.pk}": "差"})
    assert response.status_code == 200 and "只能评价本部门" in _text(response)
    response = client.post(reverse("scoring:peer_ballot"), {"period": period.pk, f"g{world.staff.pk}": "优秀"})
    assert "不能给自己评分" in _text(response)
    assert not PeerRating.objects.exists()


def test_a_closed_month_takes_no_ballot(client, world, year):
    period = set_state(month(year, 3), PeriodState.SCORING)
    client.force_login(world.users["staff"])
    response = client.post(reverse("scoring:peer_ballot"), {"period": period.pk, f"g{world.head.pk}": "优秀"},
                           follow=True)
    assert "民主测评已结束" in _text(response)
    assert not PeerRating.objects.exists()


def test_no_open_month_says_so(client, world, year):
    from appraisal.models import Period

    Period.objects.filter(assessment_year=year, kind="month").update(state=PeriodState.LOCKED)
    client.force_login(world.users["staff"])
    assert "当前没有正在进行的民主测评" in _text(client.get(reverse("scoring:peer_ballot")))


def test_the_head_sees_participation_without_names_while_the_month_is_open(client, world, year):
    period = month(year, 12)
    ballots.peer_rating_submit(user=world.users["staff"], period=period, grades={world.head.pk: "优秀"})
    client.force_login(world.users["head"])
    page = _text(client.get(reverse("scoring:peer_results"), {"period": period.pk}))
    assert "已有 1 / 3 人参与评分" in page and "测评进行中" in page
    assert "优秀</td>" not in page


# ---------------------------------------------------------------- workload grades

def test_the_head_sets_and_publishes_workload_grades_and_members_see_them(client, world, year):
    period = month(year, 12)
    client.force_login(world.users["head"])
    page = _text(client.get(reverse("scoring:workload_edit")))
    assert "未公布" in page and f'name="w{world.head.pk}"' in page and "disabled" in page
    assert page.count('value="一般" selected') == 3  # the default shown when unset
    response = client.post(reverse("scoring:workload_edit"), {
        "department": world.department.pk, "period": period.pk,
        f"w{world.staff.pk}": "非常大", f"w{world.colleague.pk}": "较小", "reason": "十二月专项任务"}, follow=True)
    assert "工作量等级已保存（2 项变更）" in _text(response)
    assert AuditEvent.objects.get(action="workload.set").reason == "十二月专项任务"

    client.force_login(world.users["staff"])
    page = _text(client.get(reverse("scoring:workload_list"), {"period": period.pk}))
    assert "本月工作量等级尚未公布" in page and "非常大" not in page

    client.force_login(world.users["head"])
    response = client.post(reverse("scoring:workload_publish", args=[period.pk, world.department.pk]), follow=True)
    assert "已公布" in _text(response)
    assert WorkloadGrade.objects.filter(period=period, published=True).count() == 3

    client.force_login(world.users["staff"])
    page = _text(client.get(reverse("scoring:workload_list"), {"period": period.pk}))
    assert "非常大" in page and "1.10" in page and "0.95" in page and "李处长" in page
    client.force_login(world.users["outsider"])
    response = client.get(reverse("scoring:workload_list"), {"department": world.department.pk})
    assert response.status_code == 403


def test_the_head_cannot_post_the_own_grade(client, world, year):
    period = month(year, 12)
    client.force_login(world.users["head"])
    response = client.post(reverse("scoring:workload_edit"), {"department": world.department.pk, "period": period.pk,
                                                              f"w{world.head.pk}": "非常大"})
    assert "不能评定本人的工作量等级" in _text(response)
    assert not WorkloadGrade.objects.exists()


def test_the_office_picks_any_department(client, world, year):
    client.force_login(world.users["office"])
    page = _text(client.get(reverse("scoring:workload_edit"), {"department": world.other_department.pk}))
    assert "钱科员" in page and "王科员" not in page


# ---------------------------------------------------------------- 360° satisfaction

def test_the_office_opens_an_evaluation_adds_raters_and_creates_links(client, world, year):
    client.force_login(world.users["office"])
    closes = (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(reverse("scoring:satisfaction_list"), {"period": half(year).pk, "closes_at": closes})
    evaluation = SatisfactionEvaluation.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/satisfaction/{evaluation.pk}/")

    response = client.post(reverse("scoring:satisfaction_raters_add", args=[evaluation.pk]),
                           {"raters-group": "机关部门", "raters-all_heads": "on"}, follow=True)
    assert "已添加 1 位“机关部门”评价人" in _text(response)
    response = client.post(reverse("scoring:satisfaction_raters_add", args=[evaluation.pk]),
                           {"raters-group": "主要领导", "raters-accounts": [world.users["staff"].pk]})
    assert "不是局领导" in _text(response)

    response = client.post(reverse("scoring:satisfaction_links_create", args=[evaluation.pk]),
                           {"links-group": "社会各界代表", "links-label": "企业代表", "links-count": 2})
    page = _text(response)
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert "只显示这一次" in page and "企业代表 1" in page and "企业代表 2" in page
    links = [part.split('"')[0] for part in page.split('value="http://testserver/scoring/s/')[1:]]
    assert len(links) == 2
    for token in links:
        assert SatisfactionRater.objects.filter(token_hash=ballots.token_digest(token.rstrip("/"))).exists()
    detail = _text(client.get(reverse("scoring:satisfaction_detail", args=[evaluation.pk])))
    assert all(token not in detail for token in links)  # shown once only
    assert "0 / 2" in detail and "0 / 1" in detail

    response = client.post(reverse("scoring:satisfaction_close", args=[evaluation.pk]), follow=True)
    assert "满意度测评已结束" in _text(response)


def test_an_external_rater_submits_once_through_the_link(client, world, year, evaluation):
    link = ballots.satisfaction_link_create(user=world.users["office"], evaluation=evaluation, group="基层分局",
                                            label="东湖分局")
    url = reverse("scoring:satisfaction_link", args=[link.token])
    response = client.get(url)
    page = _text(response)
    assert response.status_code == 200 and "东湖分局" in page and "办公室" in page and "登记处" in page
    assert response["Referrer-Policy"] == "same-origin" and "no-store" in response["Cache-Control"]
    response = client.post(url, {f"g{world.department.pk}": "优"})
    assert "请为每个部门选择等次" in _text(response) and not SatisfactionRating.objects.exists()
    response = client.post(url, {f"g{world.department.pk}": "优", f"g{world.other_department.pk}": "中"})
    assert response.status_code == 302 and response["Location"] == reverse("scoring:satisfaction_done")
    assert SatisfactionRating.objects.count() == 2
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 404 and "该评价链接无效、已使用或已过期" in _text(response)
    assert SatisfactionRating.objects.count() == 2


def test_an_internal_rater_submits_the_own_ballot(client, world, year, evaluation):
    ballots.satisfaction_rater_add_internal(user=world.users["office"], evaluation=evaluation, group="机关部门",
                                            accounts=[world.users["head"]])
    client.force_login(world.users["head"])
    page = _text(client.get(reverse("scoring:satisfaction_mine")))
    assert "去评价" in page
    rater = SatisfactionRater.objects.get()
    page = _text(client.get(reverse("scoring:satisfaction_ballot", args=[rater.pk])))
    assert "登记处" in page and 'data-department="D01"' not in page
    response = client.post(reverse("scoring:satisfaction_ballot", args=[rater.pk]),
                           {f"g{world.other_department.pk}": "良"}, follow=True)
    assert "满意度测评已提交" in _text(response)
    page = _text(client.get(reverse("scoring:satisfaction_ballot", args=[rater.pk])))
    assert "您已于" in page and "disabled" in page
    response = client.post(reverse("scoring:satisfaction_ballot", args=[rater.pk]),
                           {f"g{world.other_department.pk}": "差"})
    assert "不能重复提交" in _text(response)
    assert list(SatisfactionRating.objects.values_list("grade", flat=True)) == ["良"]


def test_one_navigation_entry_leads_each_role_to_its_ballot_tabs(client, world, year, evaluation):
    ballots.satisfaction_rater_add_internal(user=world.users["office"], evaluation=evaluation, group="主要领导",
                                            accounts=[world.users["leader"]])
    every_tab = {"民主测评", "工作量公布", "测评结果", "工作量等级", "满意度评价", "满意度测评"}
    expected = {  # username -> (landing page, tabs)
        "staff": ("/scoring/peer/", {"民主测评", "工作量公布"}),
        "head": ("/scoring/peer/", {"民主测评", "工作量公布", "测评结果", "工作量等级"}),
        "office": ("/scoring/satisfaction/", {"工作量公布", "测评结果", "工作量等级", "满意度测评"}),
        "leader": ("/scoring/peer-results/", {"工作量公布", "测评结果", "满意度评价"}),
    }
    for username, (landing, tabs) in expected.items():
        client.force_login(world.users[username])
        assert 'data-nav="测评"' in _text(client.get(reverse("home")))
        response = client.get(reverse("scoring:home"))
        assert response.status_code == 302 and response["Location"] == landing, username
        page = _text(client.get(landing))
        assert {tab for tab in every_tab if f'data-tab="{tab}"' in page} == tabs, username
    client.force_login(world.users["auditor"])
    assert 'data-nav="测评"' not in _text(client.get(reverse("home")))
    assert client.get(reverse("scoring:home")).status_code == 403


def test_a_leader_without_a_role_who_rates_in_the_360_finds_the_ballot(client, world, year, evaluation):
    from django.contrib.auth import get_user_model

    account = get_user_model().objects.get(username="leader-person")
    client.force_login(account)
    assert 'data-nav="测评"' not in _text(client.get(reverse("home")))
    ballots.satisfaction_rater_add_internal(user=world.users["office"], evaluation=evaluation, group="分管领导",
                                            accounts=[account])
    assert 'data-nav="测评"' in _text(client.get(reverse("home")))
    response = client.get(reverse("scoring:home"))
    assert response["Location"] == reverse("scoring:satisfaction_mine")
    assert "去评价" in _text(client.get(response["Location"]))


def test_a_workload_post_for_a_frozen_month_is_refused_and_lands_nowhere_else(client, world, year):
    period = set_state(month(year, 11), PeriodState.PUBLICITY)
    client.force_login(world.users["head"])
    response = client.post(reverse("scoring:workload_edit"), {"department": world.department.pk, "period": period.pk,
                                                              f"w{world.staff.pk}": "非常大"})
    assert response.status_code == 200 and "工作量等级不能再修改" in _text(response)
    assert not WorkloadGrade.objects.exists()


def test_a_malformed_month_is_a_404_not_a_500(client, world, year):
    client.force_login(world.users["staff"])
    assert client.post(reverse("scoring:peer_ballot"), {"period": "abc"}).status_code == 404
    client.force_login(world.users["head"])
    assert client.post(reverse("scoring:workload_edit"), {"period": "abc"}).status_code == 404


def test_the_workload_message_counts_and_audits_only_real_changes(client, world, year):
    """Issue 14: the sheet posts every member's grade; untouched defaults are no change."""
    from appraisal.tests.factories import PersonFactory

    for index in range(8):
        PersonFactory(department=world.department, staff_id=f"10{index + 10}", name=f"组员{index}")
    period = month(year, 12)
    client.force_login(world.users["office"])  # the office grades everyone, the head included
    page = _text(client.get(reverse("scoring:workload_edit"), {"department": world.department.pk,
                                                                 "period": period.pk}))
    posted = dict(re.findall(r'name="(w\d+)"[^>]*>(?:(?!</select>).)*?value="([^"]+)" selected', page, re.S))
    assert len(posted) == 11 and set(posted.values()) == {"一般"}  # the whole sheet, as the browser posts it
    posted.update({f"w{world.staff.pk}": "非常大", f"w{world.colleague.pk}": "较小", f"w{world.head.pk}": "比较大"})
    response = client.post(reverse("scoring:workload_edit"), {"department": world.department.pk,
                                                              "period": period.pk, **posted}, follow=True)
    assert "工作量等级已保存（3 项变更）" in _text(response)
    event = AuditEvent.objects.get(action="workload.set")
    assert event.old_value == {"1001 李处长": "一般", "1002 王科员": "一般", "1003 赵科员": "一般"}
    assert event.new_value == {"1001 李处长": "比较大", "1002 王科员": "非常大", "1003 赵科员": "较小"}
    posted[f"w{world.colleague.pk}"] = "一般"
    response = client.post(reverse("scoring:workload_edit"), {"department": world.department.pk,
                                                              "period": period.pk, **posted}, follow=True)
    assert "工作量等级已保存（1 项变更）" in _text(response)
    assert AuditEvent.objects.filter(action="workload.set").latest("id").new_value == {"1003 赵科员": "一般"}
