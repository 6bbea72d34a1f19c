"""FastSelect writes exactly the HTML of Django's Select (attributes in any order), escaped."""
import pytest
from django import forms
from django.test.html import parse_html

from appraisal.widgets import FastSelect

CHOICES = [("", "全部人员"), (1, "张三<script>&"), ("组", [(2, "李四"), (3, "王五")])]


@pytest.mark.parametrize("value", [None, "", "1", 2, "3"])
def test_fast_select_renders_what_select_renders(value):
    attrs = {"class": "form-select form-select-sm", "translate": "no", "aria-label": "人员"}
    django_html = forms.Select(attrs=attrs, choices=CHOICES).render("person", value, attrs={"id": "id_person"})
    fast_html = FastSelect(attrs=attrs, choices=CHOICES).render("person", value, attrs={"id": "id_person"})
    assert parse_html(fast_html) == parse_html(django_html)
    assert "<script>" not in fast_html
