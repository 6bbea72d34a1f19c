"""Issue 14: empty selects say 请选择 (English: Please choose), never ``---------``."""
import pytest
from django.urls import reverse
from django.utils import translation

from appraisal.forms import DepartmentForm, PersonForm, RoleAssignForm


@pytest.mark.django_db
def test_empty_choices_read_please_choose(world):
    with translation.override("zh-hans"):
        person = PersonForm(organisation=world.organisation).as_p()
        department = DepartmentForm(organisation=world.organisation).as_p()
        role = RoleAssignForm().as_p()
    for html in (person, department, role):
        assert "---------" not in html
    assert '<option value="" selected>请选择</option>' in person  # the department (a foreign key)
    assert '<option value="" selected>请选择</option>' in department  # the group (a choice field)
    with translation.override("en"):
        assert '<option value="" selected>Please choose</option>' in PersonForm(organisation=world.organisation).as_p()


@pytest.mark.django_db
def test_the_pages_show_no_dashes(client, world):
    client.force_login(world.users["office"])
    page = client.get(reverse("person_create")).content.decode()
    assert "请选择" in page and "---------" not in page
