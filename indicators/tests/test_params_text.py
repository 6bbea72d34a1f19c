import pytest

from indicators.params_text import parse_params, render_params
from indicators.standards import validate_params


@pytest.mark.parametrize("key, text, params, problems", [
    ("target_rate", "目标值（%）=95\n每超 1 个百分点加分=0.2\n每差 1 个百分点扣分=0.5",
     {"target_rate": "95", "k_up": "0.2", "k_down": "0.5"}, []),
    ("target_rate", "target_rate=95\nk_up＝0\nk_down=1", {"target_rate": "95", "k_up": "0", "k_down": "1"}, []),
    ("award_level", "各级别分值=国家级:5、省级：3，市级:2", {"points_by_level": {"国家级": "5", "省级": "3", "市级": "2"}}, []),
    ("manual", "", {}, []),
    ("target_rate", "目标值 95", {}, ["第 1 行应写成“参数=值”"]),
    ("per_incident", "每次=1", {}, ["没有参数“每次”"]),
    ("award_level", "各级别分值=国家级", {"points_by_level": {}}, ["应写成 级别:分值"]),
])
def test_parse(key, text, params, problems):
    parsed, found = parse_params(key, text)
    assert parsed == params
    assert all(any(p in f for f in found) for p in problems) and len(found) == len(problems)


def test_round_trip_and_validation():
    params, problems = parse_params("target_rate", "目标值（%）=95\n每超 1 个百分点加分=0.2\n每差 1 个百分点扣分=0.5")
    assert not problems and validate_params("target_rate", params) == []
    assert parse_params("target_rate", render_params("target_rate", params))[0] == params
    assert validate_params("target_rate", {"target_rate": "95"})  # k_up / k_down missing
