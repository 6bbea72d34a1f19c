"""SECURITY.md items 6–7 for the results URLs (appraisal/tests/test_access.py leaves the "results"
namespace to this file): every URL × every role, with a person and a department of another
department, and the POST that only the office may make."""
import pytest
from django.urls import reverse

from appraisal import access
from tests.access_matrix import callbacks_of, leak_markers, matrix_users, target, walk

ROLES = ["anonymous", "staff", "head", "outsider", "office", "leader", "sysadmin", "secadmin", "auditor"]
READERS = {"office", "leader"}


def _results_patterns():
    return callbacks_of("results")


def test_every_results_view_declares_a_rule_and_none_is_public():
    patterns = _results_patterns()
    rules = {name: access.rule_of_view(callback) for name, callback in patterns.items()}
    assert None not in rules.values(), rules
    assert access.PUBLIC not in rules.values()


def _targets(world, year):
    """(label, url, roles that may GET it with 200); world.department (D01) is headed by "head" and
    holds "staff"; world.other_department holds "outsider"."""
    y = f"?year={year.pk}"
    return [
        ("results:overview", reverse("results:overview"), READERS),
        ("results:mine", reverse("results:mine"), {"staff", "head", "outsider"}),
        ("results:person", reverse("results:person", args=[world.staff.pk]), {"staff", "head"} | READERS),
        ("results:person", reverse("results:person", args=[world.outsider.pk]), {"outsider"} | READERS),
        ("results:person", reverse("results:person", args=[world.head.pk]), {"head"} | READERS),
        ("results:department", reverse("results:department", args=[world.department.pk]) + y, {"head"} | READERS),
        ("results:department", reverse("results:department", args=[world.other_department.pk]), READERS),
        ("results:my_department", reverse("results:my_department"), set()),  # redirects: checked below
        ("results:compute", reverse("results:compute", args=[year.pk]), set()),  # POST only
        ("results:job_status", reverse("results:job_status", args=[year.pk]), READERS),
        # a year's grades are the office's until the year is in publicity: leaders get the 403 page
        ("results:export", reverse("results:export", args=[year.pk]), {"office"}),
        # DOMAIN.md §9: for every appraised unit
        ("results:window", reverse("results:window") + y, EVERYONE),
        ("results:window_department", reverse("results:window_department", args=[world.other_department.pk]),
         EVERYONE),
        ("results:analysis", reverse("results:analysis") + y, EVERYONE),
        ("results:analysis_export", reverse("results:analysis_export") + y, EVERYONE),
        ("results:trends", reverse("results:trends") + y, EVERYONE),
        ("results:explain", reverse("results:explain", args=[world.staff.pk, "m1"]) + y,
         {"staff", "head"} | READERS),
        ("results:warnings", reverse("results:warnings") + y, {"head"} | READERS),
        ("results:warning", reverse("results:warning", args=[_warning(world, year).pk]), {"head"} | READERS),
        ("results:warning_answer", reverse("results:warning_answer", args=[_warning(world, year).pk]), set()),
        ("results:warning_follow_up", reverse("results:warning_follow_up", args=[_warning(world, year).pk]),
         set()),
        ("results:warning_dismiss", reverse("results:warning_dismiss", args=[_warning(world, year).pk]), set()),
        ("results:warnings_run", reverse("results:warnings_run", args=[year.pk]), set()),
        ("results:warnings_issue", reverse("results:warnings_issue", args=[year.pk]), set()),
    ]


EVERYONE = {"staff", "head", "outsider"} | READERS


def _warning(world, year):
    """A published month with a result of "staff", and an issued warning of the head's department."""
    from decimal import Decimal

    from appraisal.models import Period, PeriodState
    from indicators.models import Indicator
    from rewards.models import PreWarning
    from scoring.models import MonthlyResult

    Period.objects.filter(assessment_year=year, kind="month", number=1).update(state=PeriodState.PUBLICITY)
    MonthlyResult.objects.get_or_create(assessment_year=year, person=world.staff, department=world.department,
                                        month=1, defaults=dict(workload_coefficient=Decimal("1.00"),
                                                               monthly_score=Decimal("88.00"), monthly_grade="良好"))
    indicator, _ = Indicator.objects.get_or_create(assessment_year=year, code="M0101", defaults=dict(
        name="办文办公", category="管理类", department=world.department, full_score=Decimal(10), cycle="月度",
        shared="办文办公"))
    warning, _ = PreWarning.objects.get_or_create(assessment_year=year, month=4, indicator=indicator, defaults=dict(
        department=world.department, level="警告", rate=Decimal("65.00"), state="issued"))
    return warning


@pytest.mark.django_db
def test_every_results_url_for_every_role(client, world, year):
    table = _targets(world, year)
    assert {name for name, _url, _allowed in table} == set(_results_patterns()), "add the new URL to the table"
    # the results workbook is produced by a job: the office is sent on to the job's page (issue 16)
    redirected = {"results:my_department": {"head", "office", "office_b", "leader"}, "results:export": {"office"}}
    targets = [target(name, url, set(allowed) - redirected.get(name, set()), redirected.get(name, ()))
               for name, url, allowed in table]
    users = matrix_users(world)
    failures = walk(client, users, targets, markers=leak_markers(world))
    assert failures == [], "\n".join(failures)


@pytest.mark.django_db
def test_only_the_office_may_request_a_computation(client, world, year):
    url = reverse("results:compute", args=[year.pk])
    for role in ROLES:
        client.logout()
        if role != "anonymous":
            client.force_login(world.users[role])
        status = client.post(url).status_code
        expected = {"anonymous": 302, "office": 302}.get(role, 403)
        assert status == expected, (role, status)


@pytest.mark.django_db
def test_a_year_of_another_organisation_is_not_found(client, world, year):
    from appraisal import services
    from appraisal.tests.factories import OrganisationFactory

    other = OrganisationFactory(code="T2", name="别的局")
    other_year = services.year_open(user=None, organisation=other, year=2025)
    client.force_login(world.users["office"])
    for url in (reverse("results:job_status", args=[other_year.pk]), reverse("results:export", args=[other_year.pk]),
                reverse("results:overview") + f"?year={other_year.pk}"):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("results:compute", args=[other_year.pk])).status_code == 404


@pytest.mark.django_db
def test_head_entry_leads_to_the_own_department(client, world):
    client.force_login(world.users["head"])
    assert client.get(reverse("results:my_department"))["Location"] == reverse(
        "results:department", args=[world.department.pk])
