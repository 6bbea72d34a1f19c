"""Issue 14: every model and field has a Chinese name (admin column headers, audit object types) and
every model a readable __str__ (no ``PeerRating object (16500)``); ballots name neither rater nor grade."""
import re

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation

from scoring.models import PeerRating

OWN = {"appraisal", "indicators", "tracelog", "scoring", "rewards", "periods"}
CJK = re.compile(r"[\u4e00-\u9fff]")


def _models():
    return [m for m in apps.get_models() if m._meta.app_label in OWN]


def test_every_model_and_field_has_a_chinese_name():
    with translation.override("zh-hans"):
        for model in _models():
            assert CJK.search(str(model._meta.verbose_name)), model._meta.label
            assert CJK.search(str(model._meta.verbose_name_plural)), model._meta.label
            unnamed = [f.name for f in model._meta.concrete_fields
                       if not f.primary_key and str(f.verbose_name) == f.name.replace("_", " ")]
            assert not unnamed, (model._meta.label, unnamed)


def test_every_model_names_its_rows():
    for model in _models():
        assert any("__str__" in klass.__dict__ for klass in model.__mro__
                   if klass.__module__.split(".")[0] in OWN), model._meta.label


@pytest.mark.django_db
def test_a_ballot_names_neither_its_rater_nor_its_grade(world):
    from appraisal.models import AssessmentYear, Period

    year = AssessmentYear.objects.create(organisation=world.organisation, year=2026)
    period = Period.objects.create(assessment_year=year, kind="month", number=3)
    rating = PeerRating.objects.create(period=period, rater=world.staff, ratee=world.head, grade="优秀")
    with translation.override("zh-hans"):
        text = str(rating)
    assert text == f"2026年3月 民主测评票（第 {rating.pk} 号）"
    assert world.staff.name not in text and world.head.name not in text and "优秀" not in text


@pytest.mark.django_db
def test_the_admin_speaks_chinese(client, world):
    client.force_login(world.users["sysadmin"])
    page = client.get(reverse("admin:appraisal_organisation_changelist")).content.decode()
    assert "单位名称" in page and "单位编码" in page and "测试局" in page
