"""The access matrix is complete: every namespace of the URLconf has a table (tests/access_matrix.py),
and the admin's own table — the system administrator alone, organisations only."""
import pytest
from django.urls import reverse

from tests.access_matrix import EVERYONE, OWNERS, all_patterns, leak_markers, matrix_users, names_of, target, walk


def test_every_namespace_has_a_matrix_table():
    namespaces = {namespace for namespace, _name, _cb in all_patterns()}
    assert namespaces <= set(OWNERS), f"new URL namespace without an access-matrix table: {namespaces - set(OWNERS)}"


# the admin's catch-all patterns (no name): they only redirect to a named page
ADMIN_UNNAMED = {"admin:<unnamed>"}


@pytest.mark.django_db
def test_every_admin_url_for_every_role(client, world):
    org = world.organisation.pk
    SYS = {"sysadmin"}
    table = [
        target("admin:index", reverse("admin:index"), SYS),
        target("admin:app_list", reverse("admin:app_list", args=["appraisal"]), SYS),
        target("admin:appraisal_organisation_changelist", reverse("admin:appraisal_organisation_changelist"), SYS),
        target("admin:appraisal_organisation_add", reverse("admin:appraisal_organisation_add"), SYS),
        target("admin:appraisal_organisation_change", reverse("admin:appraisal_organisation_change", args=[org]), SYS),
        target("admin:appraisal_organisation_history", reverse("admin:appraisal_organisation_history", args=[org]),
               SYS),
        target("admin:appraisal_organisation_delete", reverse("admin:appraisal_organisation_delete", args=[org])),
        target("admin:autocomplete", reverse("admin:autocomplete")),
        target("admin:jsi18n", reverse("admin:jsi18n"), SYS),
        target("admin:view_on_site", reverse("admin:view_on_site", args=[1, org])),
        target("admin:login", reverse("admin:login"), (), EVERYONE),
        target("admin:logout", reverse("admin:logout")),  # POST only
        target("admin:password_change", reverse("admin:password_change"), (), {"sysadmin"}),
        target("admin:password_change_done", reverse("admin:password_change_done"), (), {"sysadmin"}),
    ]
    assert {t.name for t in table} == names_of("admin") - ADMIN_UNNAMED, "add the new admin URL to the table"
    users = matrix_users(world)
    failures = walk(client, users, table, markers=leak_markers(world))
    assert failures == [], "\n".join(failures)


@pytest.mark.django_db
def test_the_admin_password_form_is_the_products_audited_one(client, world):
    client.force_login(world.users["sysadmin"])
    assert client.get(reverse("admin:password_change")).url == reverse("password_change")
