from decimal import Decimal

import pytest

from indicators.models import Indicator


@pytest.fixture
def plan(world, year):
    """A small plan: the three roots, a monthly and a half-year business leaf of D01, a common
    regular leaf and a veto leaf."""
    make = Indicator.objects.create
    roots = {c: make(assessment_year=year, code=code, name=c, category=c)
             for code, c in (("C", "共同类"), ("M", "管理类"), ("B", "业务类"))}
    return {
        **{k: v for k, v in roots.items()},
        "monthly": make(assessment_year=year, code="B1", name="登记效率", category="业务类", parent=roots["业务类"],
                        department=world.department, full_score=Decimal("10"), bonus_cap=Decimal("2"), cycle="月度"),
        "half": make(assessment_year=year, code="B2", name="服务满意度", category="业务类", parent=roots["业务类"],
                     department=world.department, full_score=Decimal("20"), cycle="半年"),
        "common": make(assessment_year=year, code="C1", name="工作纪律", category="共同类", parent=roots["共同类"],
                       full_score=Decimal("10"), cycle="年度"),
        "veto": make(assessment_year=year, code="C9", name="严重违纪", category="共同类", parent=roots["共同类"],
                     full_score=Decimal("1"), cycle="年度", kind="否决"),
    }
