"""SECURITY.md items 6–7 for the results URLs (appraisal/tests/test_access.py leaves the "results"
namespace to this file): every URL × every role, with a person and a department of another
department, and the POST that only the office may make."""
import pytest
from django.urls import URLResolver, get_resolver, reverse

from appraisal import access

ROLES = ["anonymous", "staff", "head", "outsider", "office", "leader", "sysadmin", "secadmin", "auditor"]
READERS = {"office", "leader"}


def _results_patterns():
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and entry.namespace == "results":
            return {f"results:{p.name}": p.callback for p in entry.url_patterns}
    raise AssertionError("results URLs are not included")


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
        ("results:export", reverse("results:export", args=[year.pk]), READERS),
    ]


@pytest.mark.django_db
def test_every_results_url_for_every_role(client, world, year):
    targets = _targets(world, year)
    assert {name for name, _url, _allowed in targets} == set(_results_patterns()), "add the new URL to the table"
    failures = []
    for name, url, allowed in targets:
        for role in ROLES:
            client.logout()
            if role != "anonymous":
                client.force_login(world.users[role])
            response = client.get(url)
            status = response.status_code
            if role == "anonymous":
                ok = status == 302 and "/login/" in response["Location"]
            elif name == "results:my_department":
                ok = status == (302 if role in {"head", "office", "leader"} else 403)
            elif role in allowed:
                ok = status == 200 and "no-store" in response.get("Cache-Control", "")
            else:
                ok = status in (403, 404, 405)
            if not ok:
                failures.append(f"{role} GET {url} -> {status}")
    assert failures == []


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
