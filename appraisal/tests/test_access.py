"""SECURITY.md items 6–8: deny by default, every URL × every role, 三员分立."""
import pytest
from django.urls import reverse

from appraisal import access, accounts
from appraisal.errors import ValidationFailed
from appraisal.models import Period, Role
from indicators.models import Indicator
from tests.access_matrix import EVERYONE, callbacks_of, leak_markers, matrix_users, names_of, target, walk

NAMESPACES = ("", "indicators")  # the other namespaces have tables of their own (tests/access_matrix.py)


def _patterns():
    return callbacks_of(*NAMESPACES).items()


def test_every_view_declares_an_access_rule():
    undeclared = [name for name, callback in _patterns() if access.rule_of_view(callback) is None]
    assert undeclared == []


def test_unknown_rule_is_refused_at_import_time():
    with pytest.raises(ValueError):
        access.require("no.such.rule")


def _workbook_job(world, year):
    """A finished export of the year's input workbook by the office, its file in the private storage."""
    import os

    from scoring import job_kinds
    from scoring.models import ScoringJob

    job = ScoringJob.objects.filter(kind="export_input", assessment_year=year).first()
    if job is None:
        name = job_kinds.new_file_name("export_input")
        os.makedirs(os.path.dirname(job_kinds.path_of(name)), exist_ok=True)
        with open(job_kinds.path_of(name), "wb") as out:
            out.write(b"PK\x03\x04 not really a workbook")
        job = ScoringJob.objects.create(kind="export_input", assessment_year=year, organisation=world.organisation,
                                        requested_by=world.users["office"], state="done", progress=100, file=name,
                                        file_name="T1-2025.xlsx", expires_at=job_kinds.expiry())
    return job


# url name -> (kwargs builder, roles that may GET it). Objects belong to the department of
# "outsider" or to the organisation, so heads and staff of the other department are refused.
def _targets(world, year):
    period = Period.objects.filter(assessment_year=year, kind="month", number=1).get()
    other_leaf = Indicator.objects.create(assessment_year=year, code="B1", name="登记", category="业务类",
                                          department=world.other_department, full_score=10, cycle="月度")
    return {
        "indicators:home": ({}, {"office", "leader"}),
        "indicators:my_table": ({}, {"staff", "head", "outsider", "office", "leader"}),
        "indicators:tree": ({"year_pk": year.pk}, {"office", "leader"}),
        "indicators:indicator_create": ({"year_pk": year.pk}, {"office"}),
        "indicators:indicator_edit": ({"year_pk": year.pk, "pk": other_leaf.pk}, {"office"}),
        "indicators:indicator_delete": ({"year_pk": year.pk, "pk": other_leaf.pk}, set()),
        "indicators:plan_copy": ({"year_pk": year.pk}, set()),
        "indicators:score_entry": ({"year_pk": year.pk}, {"office", "head", "assessor"}),
        "indicators:score_home": ({}, {"office", "head", "assessor"}),
        "indicators:score_review": ({"year_pk": year.pk}, {"office"}),
        "indicators:score_preview": ({"year_pk": year.pk}, set()),  # needs a leaf: 404 / 403, never 200
        "indicators:designation_add": ({"year_pk": year.pk, "department_pk": world.department.pk}, set()),
        "indicators:designation_revoke": ({"year_pk": year.pk, "pk": 1}, set()),
        "indicators:common_score_entry": ({"year_pk": year.pk}, {"office", "head", "assessor"}),
        "indicators:plan_export": ({"year_pk": year.pk}, {"office", "leader"}),
        "indicators:plan_import": ({"year_pk": year.pk}, {"office"}),
        "indicators:actuals_import": ({"year_pk": year.pk}, {"office", "head", "assessor"}),
        "indicators:weights_edit": ({"year_pk": year.pk, "pk": other_leaf.pk}, {"office"}),
        "indicators:department_table": ({"year_pk": year.pk, "department_pk": world.other_department.pk},
                                        {"outsider", "office", "leader"}),
        "indicators:person_table": ({"year_pk": year.pk, "person_pk": world.outsider.pk},
                                    {"outsider", "office", "leader"}),
        "home": ({}, {"staff", "head", "outsider", "office", "leader", "sysadmin", "secadmin", "auditor"}),
        "password_change": ({}, {"staff", "head", "outsider", "office", "leader", "sysadmin", "secadmin", "auditor"}),
        "department_list": ({}, {"staff", "head", "outsider", "office", "leader"}),
        "department_detail": ({"pk": world.other_department.pk}, {"outsider", "office", "leader"}),
        "department_create": ({}, {"office"}),
        "department_edit": ({"pk": world.other_department.pk}, {"office"}),
        "person_list": ({}, {"staff", "head", "outsider", "office", "leader"}),
        "person_detail": ({"pk": world.outsider.pk}, {"outsider", "office", "leader"}),
        "person_create": ({}, {"office"}),
        "person_edit": ({"pk": world.outsider.pk}, {"office"}),
        "roster_import": ({"kind": "people"}, {"office"}),
        "roster_export": ({"kind": "people"}, {"office", "leader"}),
        "year_list": ({}, {"office", "leader"}),
        "workbook_import": ({}, {"office"}),
        "workbook_template": ({}, {"office"}),
        # workbook jobs (issue 16): the office's own; another organisation's office gets 403
        "workbook_job": ({"pk": _workbook_job(world, year).pk}, {"office"}),
        "workbook_job_status": ({"pk": _workbook_job(world, year).pk}, {"office"}),
        "workbook_job_download": ({"pk": _workbook_job(world, year).pk}, {"office"}),
        "workbook_confirm": ({"pk": _workbook_job(world, year).pk}, set()),  # POST only
        "year_workbook_export": ({"year_pk": year.pk}, set()),  # POST only
        "year_detail": ({"pk": year.pk}, {"office", "leader"}),
        "scheme_edit": ({"pk": year.pk}, {"office", "leader"}),
        "period_transition": ({"pk": period.pk}, set()),  # POST only: GET is refused for everyone
        "period_move": ({"pk": period.pk, "to_state": "scoring"}, {"office"}),
        "periods:objection_list": ({}, {"staff", "head", "outsider", "office"}),
        "periods:objection_create": ({"period_pk": period.pk}, {"staff", "head", "outsider"}),
        "periods:objection_detail": ({"pk": 999999}, set()),  # none exists: 404 for everyone
        "periods:objection_evidence": ({"pk": 999999}, set()),
        "periods:calendar": ({}, {"office"}),
        "periods:history": ({}, {"office"}),
        "periods:calendar_delete": ({"pk": 1}, set()),  # POST only
        "account_list": ({}, {"sysadmin"}),
        "role_list": ({}, {"secadmin"}),
        "role_revoke": ({"pk": 1}, set()),
        "audit_log": ({}, {"auditor"}),
        "audit_trace": ({"pk": 1}, set()),  # POST only
        "account_active": ({"pk": world.users["staff"].pk}, set()),  # POST only
        "account_password_reset": ({"pk": world.users["staff"].pk}, set()),  # POST only
        "password_reset_list": ({}, {"secadmin", "auditor"}),
        "password_reset_decide": ({"pk": 1}, set()),  # POST only
        "person_account": ({"pk": world.outsider.pk}, {"office", "sysadmin"}),
        "otp_setup": ({}, set(EVERYONE)),
        "otp_verify": ({}, set()),  # sends everyone without a pending code on to the home page
        "otp_policy": ({}, {"secadmin"}),
    }


PUBLIC_NAMES = {"login", "logout", "set_language", "healthz"}
REDIRECTING = {"indicators:home", "indicators:my_table", "indicators:score_home"}  # pages that send the user on to a year


@pytest.mark.django_db
def test_every_url_for_every_role(client, world, year):
    table = _targets(world, year)
    names = names_of(*NAMESPACES) - PUBLIC_NAMES
    assert names <= set(table), f"add to the table: {sorted(names - set(table))}"
    targets = []
    for name, (kwargs, allowed) in table.items():
        redirected = allowed & {"staff", "head", "outsider", "assessor", "office", "leader"} if name in REDIRECTING else set()
        if name == "otp_verify":
            redirected = set(EVERYONE)
        if name in REDIRECTING and "office" in redirected:
            redirected = redirected | {"office_b"}
        targets.append(target(name, reverse(name, kwargs=kwargs), allowed - redirected, redirected))
    users = matrix_users(world)
    failures = walk(client, users, targets, markers=leak_markers(world))
    assert failures == [], "\n".join(failures)


@pytest.mark.django_db
def test_civil_servant_opening_an_office_url_gets_the_chinese_403_page(client, world):
    client.force_login(world.users["staff"])
    response = client.get(reverse("year_list"))
    assert response.status_code == 403
    assert "无权访问" in response.content.decode()


@pytest.mark.django_db
def test_admin_site_is_the_system_administrators_alone(client, world):
    client.force_login(world.users["sysadmin"])
    assert client.get("/admin/appraisal/organisation/").status_code == 200
    for role in ("staff", "head", "office", "leader", "secadmin", "auditor"):
        client.force_login(world.users[role])
        assert client.get("/admin/").status_code == 302, role  # to the product's login page
        assert client.get("/admin/appraisal/organisation/").status_code == 302, role


@pytest.mark.django_db
@pytest.mark.parametrize("existing, new, refused", [
    (Role.SYSADMIN, Role.SECADMIN, True),
    (Role.SECADMIN, Role.AUDITOR, True),
    (Role.AUDITOR, Role.SYSADMIN, True),
    (Role.OFFICE, Role.AUDITOR, True),
    (Role.AUDITOR, Role.OFFICE, True),
    (Role.OFFICE, Role.LEADER, False),
])
def test_three_administrators_are_mutually_exclusive(world, existing, new, refused):
    from appraisal.tests.factories import UserFactory

    account = UserFactory(username="someone")
    accounts.role_assign(user=world.users["secadmin"], account=account, role=existing)
    if refused:
        with pytest.raises(ValidationFailed):
            accounts.role_assign(user=world.users["secadmin"], account=account, role=new)
    else:
        accounts.role_assign(user=world.users["secadmin"], account=account, role=new)


@pytest.mark.django_db
def test_administrator_roles_grant_no_appraisal_rule(world):
    for role in ("sysadmin", "secadmin", "auditor"):
        user = world.users[role]
        for rule in ("appraisal.participant", "office.manage", "office.or_leader", "department.read", "person.read"):
            assert not access.can(user, rule), (role, rule)


@pytest.mark.django_db
def test_head_reads_only_own_department(world):
    head = world.users["head"]
    assert access.can(head, "department.read", world.department)
    assert not access.can(head, "department.read", world.other_department)
    assert access.can(head, "person.read", world.staff)
    assert not access.can(head, "person.read", world.outsider)
    assert access.can(head, "department.head", world.department)
    assert not access.can(head, "department.head", world.other_department)
    staff = world.users["staff"]
    assert access.can(staff, "person.read", world.staff)
    assert not access.can(staff, "person.read", world.colleague)
