"""Table tests of the pure rules of DOMAIN.md §9 (rewards/rules.py)."""
from decimal import Decimal as D

import pytest

from rewards import rules

T = rules.WarningThresholds()


@pytest.mark.parametrize("value, bottom, expected", [
    (None, False, None),
    (None, True, "关注"),            # bottom three without a figure still gets attention
    (D("100"), False, None),
    (D("80"), False, None),          # "below 80": 80 itself is fine
    (D("79.99"), False, "关注"),
    (D("70"), False, "关注"),
    (D("69.99"), False, "警告"),
    (D("60"), False, "警告"),
    (D("59.99"), False, "严重警告"),
    (D("0"), False, "严重警告"),
    (D("95"), True, "关注"),         # bottom three raises none to 关注 …
    (D("65"), True, "警告"),         # … and never lowers a level
    (D("10"), True, "严重警告"),
])
def test_warning_level(value, bottom, expected):
    assert rules.warning_level(value, T, bottom_three=bottom) == expected


def test_warning_level_uses_the_scheme_thresholds():
    strict = rules.WarningThresholds(D(90), D(85), D(75))
    assert [rules.warning_level(D(v), strict) for v in ("91", "89", "84", "74")] == [None, "关注", "警告", "严重警告"]


def _rates(*values):
    return {f"d{i}": (None if v is None else D(v)) for i, v in enumerate(values, start=1)}


@pytest.mark.parametrize("values, expected", [
    (("90", "80", "70", "60", "50"), {"d3", "d4", "d5"}),
    (("90", "80", "70"), set()),                                   # three or fewer: no "bottom"
    (("90", "80", "70", "60"), {"d2", "d3", "d4"}),
    (("90", "70", "70", "60", "50"), {"d2", "d3", "d4", "d5"}),   # a tie at the border: all in
    (("90", "80", "60", "60", "60"), {"d3", "d4", "d5"}),
    (("90", "60", "60", "60", "60"), {"d2", "d3", "d4", "d5"}),   # four share the last place
    (("80", "80", "80", "80", "80"), set()),                       # all tie: nobody is bottom
    (("90", "90", "90", "90", "50"), {"d5"}),                      # those sharing the best rate never are
    (("90", None, "70", "60", "50"), {"d3", "d4", "d5"}),          # without a rate: takes no place
    (("90", None, "70", "60"), set()),                             # … so only three are rated here
    (("90", None, "80", "70", "60", "50"), {"d4", "d5", "d6"}),
])
def test_bottom_three(values, expected):
    assert rules.bottom_three(_rates(*values)) == expected


@pytest.mark.parametrize("values, expected", [
    (("90", "80", "70", "60", "50"), {"d1", "d2", "d3"}),
    (("90", "90", "90", "90", "50"), {"d1", "d2", "d3", "d4"}),
    (("90", "80", "70"), set()),
    (("70", "70", "70", "70"), set()),
])
def test_top_three(values, expected):
    assert rules.top_three(_rates(*values)) == expected


@pytest.mark.parametrize("now, before, expected", [
    (3, 5, 2), (5, 3, -2), (4, 4, 0), (None, 3, None), (3, None, None),
])
def test_movement(now, before, expected):
    assert rules.movement(now, before) == expected


@pytest.mark.parametrize("rate, target, expected", [
    (D("45"), D("50"), D("90.00")), (D("80"), D("80"), D("100.00")), (D("70"), D("90"), D("77.78")),
    (D("70"), None, None), (None, D("50"), None), (D("70"), D("0"), None),
])
def test_stage_progress(rate, target, expected):
    assert rules.stage_progress(rate, target) == expected


def test_spread():
    s = rules.spread([D("90"), D("80"), None, D("70.01")])
    assert (s.count, s.highest, s.lowest, s.mean) == (3, D("90"), D("70.01"), D("80.00"))
    assert rules.spread([]).mean is None


@pytest.mark.parametrize("raw, expected", [
    ("4,8", (4, 8)), ("8、4", (4, 8)), ([4, 8, 4], (4, 8)), ("3 6 9 12", (3, 6, 9, 12)), ("", ()),
])
def test_parse_months(raw, expected):
    assert rules.parse_months(raw) == expected


@pytest.mark.parametrize("raw", ["13", "0", "4.5", "四月", "4,x"])
def test_parse_months_refuses(raw):
    with pytest.raises(ValueError):
        rules.parse_months(raw)
