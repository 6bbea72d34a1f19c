"""Issue 14: the indicator form asks each scoring parameter in its own field (not 参数=值 text) and
asks nothing of a root node that only a leaf has."""
import pytest
from django.urls import reverse

from indicators.models import Indicator

pytestmark = pytest.mark.django_db


def _data(world, plan, **extra):
    return {"code": "B1", "name": "登记效率", "parent": plan["业务类"].pk, "category": "业务类",
            "department": world.department.pk, "full_score": "10", "bonus_cap": "2", "cycle": "月度", "kind": "常规",
            "sort_order": "0", **extra}


def test_scoring_parameters_are_fields_of_their_own(client, world, year, plan):
    client.force_login(world.users["office"])
    leaf = plan["monthly"]
    url = reverse("indicators:indicator_edit", kwargs={"year_pk": year.pk, "pk": leaf.pk})
    page = client.get(url).content.decode()
    assert 'name="param__target_rate__target_rate"' in page and "参数=值" not in page
    assert 'name="standard_params_text"' not in page
    response = client.post(url, _data(world, plan, standard_key="target_rate", param__target_rate__target_rate="95",
                                      param__target_rate__k_up="0.2", param__target_rate__k_down="0.5",
                                      param__per_incident__points_per_incident="9"))  # another standard's: ignored
    assert response.status_code == 302, response.content.decode()[:3000]
    leaf.refresh_from_db()
    assert leaf.standard_key == "target_rate"
    assert leaf.standard_params == {"target_rate": "95", "k_up": "0.2", "k_down": "0.5"}
    page = client.get(url).content.decode()
    assert 'name="param__target_rate__target_rate" value="95"' in page
    bad = client.post(url, _data(world, plan, standard_key="target_rate", param__target_rate__target_rate="-5"))
    assert bad.status_code == 200
    leaf.refresh_from_db()
    assert leaf.standard_params["target_rate"] == "95"


def test_a_root_node_is_not_asked_for_leaf_fields(client, world, year, plan):
    client.force_login(world.users["office"])
    root = plan["业务类"]
    url = reverse("indicators:indicator_edit", kwargs={"year_pk": year.pk, "pk": root.pk})
    page = client.get(url).content.decode()
    for name in ("full_score", "cycle", "standard_key", "assessor_department", "param__target_rate__target_rate"):
        assert f'name="{name}"' not in page, name
    response = client.post(url, {"code": "B", "name": "业务工作", "category": "业务类", "kind": "常规",
                                 "sort_order": "0"})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Indicator.objects.get(pk=root.pk).name == "业务工作"
    leaf_page = client.get(reverse("indicators:indicator_edit", kwargs={"year_pk": year.pk,
                                                                       "pk": plan["monthly"].pk})).content.decode()
    assert 'name="full_score"' in leaf_page and 'name="standard_key"' in leaf_page
