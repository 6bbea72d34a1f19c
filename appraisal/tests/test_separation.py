"""Issue 8 items 1–4, 6, 7: each hole reproduced, now closed.

1. the office of one organisation cannot read or move another organisation's people through
   the admin (the office's work is no longer in the admin at all);
2. the system administrator cannot take over an administrator's account (two-person rule with
   split knowledge) and every reset is audited, forces a change and notifies the owner;
3. 三员分立 holds whatever the rows say: roles from a person record count;
4. linking an account to a person record is audited and refuses administrators;
6. accounts made by an administrator change their password at first login, the admin included.
"""
import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse

from appraisal import access, accounts, services
from appraisal.errors import PermissionDeniedError, ValidationFailed
from appraisal.models import AccountFlag, AuditEvent, Organisation, PasswordReset, Person, Role, RoleAssignment
from appraisal.tests.factories import DepartmentFactory, OrganisationFactory, PersonFactory, UserFactory, role_user
from tracelog.models import Notification


@pytest.fixture
def other_org(world):
    organisation = OrganisationFactory(code="T2", name="另一局")
    department = DepartmentFactory(organisation=organisation, code="X01", name="综合科", group="综合")
    person = PersonFactory(department=department, staff_id="9001", name="孙科员")
    return organisation, department, person


# ---------------------------------------------------------------- 1. one organisation per office

@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/admin/appraisal/person/", "/admin/appraisal/department/",
                                 "/admin/appraisal/period/", "/admin/appraisal/assessmentyear/",
                                 "/admin/scoring/peerrating/", "/admin/auth/user/"])
def test_nobody_reaches_people_departments_periods_or_ballots_through_the_admin(client, world, url):
    for role in ("office", "sysadmin", "auditor", "secadmin"):
        client.force_login(world.users[role])
        assert client.get(url).status_code in (302, 403, 404), (role, url)


@pytest.mark.django_db
def test_office_cannot_move_a_person_into_another_organisation(client, world, other_org):
    organisation, department, _person = other_org
    client.force_login(world.users["office"])
    response = client.post(f"/admin/appraisal/person/{world.staff.pk}/change/",
                           {"organisation": organisation.pk, "department": department.pk, "staff_id": "1002",
                            "name": "王科员", "position": "一般干部"})
    assert response.status_code in (302, 403, 404)
    world.staff.refresh_from_db()
    assert world.staff.organisation_id == world.organisation.pk
    # nor through the service, whatever the form would say
    world.staff.organisation, world.staff.department = organisation, department
    with pytest.raises(PermissionDeniedError):
        services.person_save(user=world.users["office"], person=world.staff)
    # and the product's own page keeps the office to its organisation
    response = client.get(reverse("person_edit", args=[other_org[2].pk]))
    assert response.status_code == 404


@pytest.mark.django_db
def test_person_changes_record_the_organisation(world):
    person = world.staff
    person.name = "王科员（改）"
    services.person_save(user=world.users["office"], person=person)
    event = AuditEvent.objects.filter(action="person.update").latest("id")
    assert event.new_value == {"name": "王科员（改）"}
    create = PersonFactory.build(organisation=world.organisation, department=world.department, staff_id="1099",
                                 name="新人")
    services.person_save(user=world.users["office"], person=create)
    assert AuditEvent.objects.filter(action="person.create").latest("id").new_value["organisation"] == "测试局"


@pytest.mark.django_db
def test_system_administrator_edits_organisations_through_the_audited_service(client, world):
    client.force_login(world.users["sysadmin"])
    response = client.post(f"/admin/appraisal/organisation/{world.organisation.pk}/change/",
                           {"code": "T1", "name": "测试局（新）"})
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="organisation.update")
    assert event.old_value == {"name": "测试局"} and event.new_value == {"name": "测试局（新）"}
    scoped = role_user(Role.SYSADMIN, OrganisationFactory(code="T3", name="第三局"), "sys-t3")
    RoleAssignment.objects.filter(user=world.users["sysadmin"]).delete()
    client.force_login(scoped)
    assert client.get(f"/admin/appraisal/organisation/{world.organisation.pk}/change/").status_code in (302, 403, 404)


# ---------------------------------------------------------------- 3. 三员分立 on every path

@pytest.mark.django_db
def test_a_head_cannot_be_made_an_administrator(world):
    for role in (Role.AUDITOR, Role.SECADMIN, Role.SYSADMIN):
        with pytest.raises(ValidationFailed):
            accounts.role_assign(user=world.users["secadmin"], account=world.users["head"], role=role)
    assert not RoleAssignment.objects.filter(user=world.users["head"]).exists()


@pytest.mark.django_db
def test_an_administrator_row_next_to_a_person_record_grants_no_appraisal_role(client, world, year):
    """Rows written behind the services' back (old data, a shell): the head made auditor reads
    neither the own department's ballots nor anything else of a head or civil servant."""
    RoleAssignment.objects.create(user=world.users["head"], role=Role.AUDITOR)
    actor = access.actor_for(get_user_model().objects.get(pk=world.users["head"].pk))
    assert actor.roles == {Role.AUDITOR} and actor.person_id is None
    client.force_login(world.users["head"])
    assert client.get(reverse("scoring:home")).status_code == 403
    assert client.get(reverse("department_detail", args=[world.department.pk])).status_code == 403
    assert client.get("/admin/scoring/peerrating/").status_code in (302, 404)


@pytest.mark.django_db
def test_the_database_refuses_two_administrator_roles_on_one_account(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=world.users["auditor"], role=Role.SECADMIN)


@pytest.mark.django_db
def test_two_administrator_roles_grant_nothing_even_if_present(world):
    account = world.users["auditor"]
    actor = access.actor_for(account)
    assert actor.roles == {Role.AUDITOR}


# ---------------------------------------------------------------- 4. person ↔ account links

@pytest.mark.django_db
def test_linking_an_administrator_account_to_a_person_is_refused(client, world):
    client.force_login(world.users["office"])
    person = PersonFactory(department=world.department, staff_id="1010", name="周科员")
    response = client.post(reverse("person_account", args=[person.pk]), {"username": "auditor", "reason": "入职"})
    assert response.status_code == 200 and "三员分立" in response.content.decode()
    person.refresh_from_db()
    assert person.user_id is None


@pytest.mark.django_db
def test_linking_is_audited_and_notifies_the_owner(client, world, other_org):
    client.force_login(world.users["office"])
    person = PersonFactory(department=world.department, staff_id="1011", name="吴科员")
    account = UserFactory(username="wu")
    response = client.post(reverse("person_account", args=[person.pk]), {"username": "wu", "reason": "新入职"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.user == account
    event = AuditEvent.objects.get(action="person.link_account")
    assert event.new_value == {"account": "wu"} and event.reason == "新入职" and event.actor_name == "office"
    assert Notification.objects.filter(recipient=account).exists()
    # not a person of another organisation
    assert client.get(reverse("person_account", args=[other_org[2].pk])).status_code == 403


@pytest.mark.django_db
def test_staff_cannot_link_accounts(client, world):
    client.force_login(world.users["head"])
    assert client.get(reverse("person_account", args=[world.staff.pk])).status_code == 403


# ---------------------------------------------------------------- 2. password resets

@pytest.mark.django_db
def test_reset_of_an_ordinary_account_is_audited_forces_a_change_and_notifies(client, world):
    client.force_login(world.users["sysadmin"])
    response = client.post(reverse("account_password_reset", args=[world.users["staff"].pk]), {"reason": "忘记密码"})
    assert response.status_code == 200 and response["Cache-Control"].startswith("max-age=0")
    password = response.context["outcome"].password_part
    event = AuditEvent.objects.get(action="account.password_reset")
    assert event.object_repr == "staff" and event.reason == "忘记密码"
    assert AccountFlag.objects.get(user=world.users["staff"]).must_change_password
    assert Notification.objects.filter(recipient=world.users["staff"], text__contains="重置").exists()
    client.logout()
    assert client.post("/login/", {"username": "staff", "password": password}).status_code == 302
    assert client.get("/").url == reverse("password_change")


@pytest.mark.django_db
@pytest.mark.parametrize("target, approver, wrong", [
    ("auditor", "secadmin", "sysadmin"),
    ("secadmin", "auditor", "sysadmin"),
])
def test_reset_of_an_administrator_needs_the_other_administrator(client, world, target, approver, wrong):
    account = world.users[target]
    old_hash = account.password
    client.force_login(world.users["sysadmin"])
    response = client.post(reverse("account_password_reset", args=[account.pk]), {"reason": "遗失密码"})
    first = response.context["outcome"].password_part
    account.refresh_from_db()
    assert account.password == old_hash  # nothing changed yet: the requester alone cannot take over
    reset = PasswordReset.objects.get(account=account)
    # the requester cannot approve, and neither can the wrong administrator or the target
    for who in {wrong, target}:
        with pytest.raises(PermissionDeniedError):
            accounts.password_reset_decide(user=world.users[who], reset=reset, approve=True)
    client.force_login(world.users[approver])
    response = client.post(reverse("password_reset_decide", args=[reset.pk]), {"decision": "approve"})
    second = response.context["second_half"]
    account.refresh_from_db()
    assert not account.check_password(first) and not account.check_password(second)
    assert account.check_password(first + second)
    reset.refresh_from_db()
    assert reset.first_half == "" and reset.state == "done"
    actions = list(AuditEvent.objects.filter(object_repr=target).values_list("action", "actor_name"))
    assert ("account.password_reset_request", "sysadmin") in actions
    assert ("account.password_reset", approver) in actions
    assert AccountFlag.objects.get(user=account).must_change_password


@pytest.mark.django_db
def test_a_rejected_reset_changes_nothing(world):
    outcome = accounts.password_reset_request(user=world.users["sysadmin"], account=world.users["auditor"],
                                              reason="测试拒绝")
    accounts.password_reset_decide(user=world.users["secadmin"], reset=outcome.reset, approve=False, reason="未核实")
    assert AuditEvent.objects.filter(action="account.password_reset_reject").exists()
    assert not AuditEvent.objects.filter(action="account.password_reset").exists()


@pytest.mark.django_db
def test_deactivation_is_audited_and_ends_the_session(client, world):
    staff_client = client.__class__()
    staff_client.force_login(world.users["staff"])
    client.force_login(world.users["sysadmin"])
    client.post(reverse("account_active", args=[world.users["staff"].pk]), {"active": "0", "reason": "调离"})
    event = AuditEvent.objects.get(action="account.deactivate")
    assert event.reason == "调离" and event.new_value == {"is_active": False}
    assert staff_client.get("/").status_code == 302  # signed out


@pytest.mark.django_db
def test_account_creation_is_audited(client, world):
    client.force_login(world.users["sysadmin"])
    client.post(reverse("account_list"), {"username": "new.one", "password": "Start#2026x"})
    event = AuditEvent.objects.get(action="account.create")
    assert event.new_value["username"] == "new.one"


# ---------------------------------------------------------------- 6. first login, the admin included

@pytest.mark.django_db
def test_first_login_password_change_holds_in_the_admin_too(client, world):
    AccountFlag.objects.create(user=world.users["sysadmin"], must_change_password=True)
    client.force_login(world.users["sysadmin"])
    assert client.get("/admin/").url == reverse("password_change")
    assert client.get("/admin/appraisal/organisation/").url == reverse("password_change")
    assert client.get(reverse("account_list")).url == reverse("password_change")


@pytest.mark.django_db
def test_the_admin_has_no_login_form_of_its_own(client):
    response = client.get("/admin/login/")
    assert response.status_code == 302 and response.url.startswith("/login/")


# ---------------------------------------------------------------- 7. ballots in the audit log

@pytest.mark.django_db
def test_the_audit_log_seals_ballots_and_a_trace_is_audited(client, world):
    from appraisal import audit

    audit.record("peer_rating.submit", actor=world.users["staff"], object_type="scoring.PeerRating",
                 object_repr="2025年1月 民主测评", new={"赵科员（1003）": "好"})
    client.force_login(world.users["auditor"])
    page = client.get(reverse("audit_log")).content.decode()
    assert "赵科员" not in page and "测评内容已隐藏" in page
    event = AuditEvent.objects.get(action="peer_rating.submit")
    assert client.post(reverse("audit_trace", args=[event.pk]), {"reason": ""}).status_code == 302
    response = client.post(reverse("audit_trace", args=[event.pk]), {"reason": "投诉核查"})
    assert "赵科员" in response.content.decode()
    trace = AuditEvent.objects.get(action="ballot.trace")
    assert trace.actor_name == "auditor" and trace.reason == "投诉核查" and trace.new_value["event"] == event.pk


@pytest.mark.django_db
def test_score_entry_reasons_are_audited(client, world, year):
    from indicators.models import Indicator

    leaf = Indicator.objects.create(assessment_year=year, code="A1", name="公文", category="管理类",
                                    department=world.department, full_score=10, cycle="月度")
    period = year.periods.get(kind="month", number=1)
    client.force_login(world.users["office"])
    url = reverse("indicators:score_entry", args=[year.pk]) + f"?period={period.pk}&unit=office"
    client.post(url, {f"s{leaf.pk}": "8", f"a{leaf.pk}": "", "action": "save"})
    client.post(url, {f"s{leaf.pk}": "9", f"a{leaf.pk}": "", "action": "save", "reason": "复核更正"})
    event = AuditEvent.objects.filter(action="indicator_score.set").latest("id")
    assert event.old_value["score"] == "8" and event.new_value["score"] == "9" and event.reason == "复核更正"


@pytest.mark.django_db
def test_the_owner_is_emailed_where_an_address_is_known(world, mailoutbox, django_capture_on_commit_callbacks):
    world.staff.email = "wang@example.gov.cn"
    world.staff.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        accounts.password_reset_request(user=world.users["sysadmin"], account=world.users["staff"], reason="忘记密码")
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["wang@example.gov.cn"]
    assert "重置" in mailoutbox[0].body
