"""The demo organisation's indicator plan: three categories, ~140 level-2 and ~380 level-3
indicators over the 22 departments (the shape of the Nanchang case), with responsibility
weights for every management and business leaf and scores for the months already past."""
from __future__ import annotations

import random
from decimal import Decimal

from appraisal.models import AssessmentYear, Department, Period, PeriodKind, PeriodState, Person

from .models import Indicator, IndicatorScore, ResponsibilityWeight

COMMON = [
    ("作风建设", [("工作纪律", "常规", 10), ("工作作风", "常规", 10), ("会风会纪", "常规", 5)]),
    ("品德修养", [("政治品德", "常规", 10), ("社会公德", "常规", 5), ("职业道德", "常规", 10)]),
    ("廉洁效能", [("廉洁自律", "常规", 15), ("效能建设", "常规", 10), ("首问负责", "常规", 5)]),
    ("学习创新", [("理论学习", "常规", 10), ("业务培训", "常规", 10)]),
    ("加分项目", [("开拓创新", "加分", 3), ("见义勇为", "加分", 3), ("表彰奖励", "加分", 3)]),
    ("扣分项目", [("内部团结", "扣分", 5), ("媒体曝光", "扣分", 5), ("行政复议诉讼", "扣分", 5)]),
    ("一票否决", [("黄赌毒行为", "否决", 1), ("违反计划生育", "否决", 1), ("严重违纪", "否决", 1)]),
]
MANAGEMENT = [("办文办公", "月度", 10), ("服务基层", "半年", 10), ("档案管理", "半年", 5)]
BUSINESS_AREAS = ["业务办理", "监督检查", "专项整治", "数据质量", "服务群众"]
BUSINESS_LEAVES = [("按时办结率", "月度"), ("工作质量", "月度"), ("群众满意度", "半年")]
# 考核主体: 办公室 assesses every department's management leaves, 人事教育处 the common leaves; some
# business areas are assessed by the department that holds the facts; the rest by the office (考核办).
MANAGEMENT_ASSESSOR, COMMON_ASSESSOR = "ZH01", "ZH02"
AREA_ASSESSORS = {"监督检查": "ZH04", "数据质量": "SY01", "服务群众": "SY02"}
# Common leaves that apply to some personnel categories only (分类考核); the others apply to everybody.
COMMON_CATEGORIES = {"业务培训": ["专业技术类", "行政执法类"], "行政复议诉讼": ["行政执法类"]}
WEIGHT_SPLITS = [[Decimal("100")], [Decimal("60"), Decimal("40")], [Decimal("50"), Decimal("30"), Decimal("20")]]


def load_demo_plan(assessment_year: AssessmentYear, *, seed: int = 2025) -> int:
    rng = random.Random(seed)
    departments = list(Department.objects.filter(organisation_id=assessment_year.organisation_id)
                       .order_by("sort_order", "code"))
    by_dept_code = {d.code: d for d in departments}
    nodes: list[tuple[str, str | None, dict]] = []  # (code, parent code, fields)

    def add(code, parent, **fields):
        nodes.append((code, parent, fields))

    add("C", None, name="共同类指标", category="共同类")
    add("M", None, name="管理类指标", category="管理类")
    add("B", None, name="业务类指标", category="业务类")
    for i, (area, leaves) in enumerate(COMMON, start=1):
        add(f"C{i:02d}", "C", name=area, category="共同类")
        for j, (name, kind, full) in enumerate(leaves, start=1):
            add(f"C{i:02d}{j:02d}", f"C{i:02d}", name=name, category="共同类", kind=kind, cycle="年度",
                full_score=Decimal(full), importance="一般", assessor_department=by_dept_code.get(COMMON_ASSESSOR),
                person_categories=COMMON_CATEGORIES.get(name, []),
                content=f"考核干部的{name}情况", scoring_standard="按人事教育处认定的情况评分")
    for d, department in enumerate(departments, start=1):
        add(f"M{d:02d}", "M", name=f"{department.name}内部管理", category="管理类", department=department)
        for j, (name, cycle, full) in enumerate(MANAGEMENT, start=1):
            # every department's 办文办公 … is one shared indicator of the plan (DOMAIN.md §9)
            add(f"M{d:02d}{j:02d}", f"M{d:02d}", name=name, category="管理类", department=department, cycle=cycle,
                full_score=Decimal(full), importance="一般", data_source="办公自动化系统", shared=name,
                assessor_department=by_dept_code.get(MANAGEMENT_ASSESSOR),
                content=f"{department.name}{name}工作", target="按时、规范、无差错",
                scoring_standard="每出现一次差错扣 1 分，扣完为止", standard_key="per_incident",
                standard_params={"points_per_incident": "1"})
        areas = BUSINESS_AREAS[: 5 if department.group == "业务" else 4]
        for a, area in enumerate(areas, start=1):
            add(f"B{d:02d}{a:02d}", "B", name=f"{department.name}{area}", category="业务类", department=department)
            for j, (name, cycle) in enumerate(BUSINESS_LEAVES[: rng.choice((2, 3, 3))], start=1):
                add(f"B{d:02d}{a:02d}{j:02d}", f"B{d:02d}{a:02d}", name=f"{area}{name}", category="业务类",
                    department=department, cycle=cycle, full_score=Decimal(rng.choice((10, 15, 20))),
                    bonus_cap=Decimal(rng.choice((0, 0, 2))), importance=rng.choice(("主要", "一般")),
                    assessor_department=(by_dept_code.get(AREA_ASSESSORS[area]) if area in AREA_ASSESSORS
                                         and AREA_ASSESSORS[area] != department.code else None),
                    data_source="业务系统统计", target="完成率不低于 95%",
                    content=f"{department.name}{area}的{name}", basis="年度工作要点",
                    scoring_standard="目标值得满分，每低 1 个百分点扣 0.5 分，扣完为止", standard_key="target_rate",
                    standard_params={"target_rate": "95", "k_up": "0.2", "k_down": "0.5"},
                    # the main leaves set stage targets for the pre-appraisal months (year-to-date rate expected)
                    **({"stage_targets": {"4": "92", "8": "95"}} if a == 1 and j == 1 else {}))
    Indicator.objects.bulk_create([
        Indicator(assessment_year=assessment_year, code=code, sort_order=index, **fields)
        for index, (code, _parent, fields) in enumerate(nodes)
    ])
    by_code = {i.code: i for i in Indicator.objects.filter(assessment_year=assessment_year)}
    for code, parent, _fields in nodes:
        if parent:
            by_code[code].parent_id = by_code[parent].pk
    Indicator.objects.bulk_update([by_code[c] for c, p, _ in nodes if p], ["parent"], batch_size=500)

    members: dict[int, list[Person]] = {}
    for person in Person.objects.filter(organisation_id=assessment_year.organisation_id, department__isnull=False,
                                        is_active=True).order_by("staff_id"):
        members.setdefault(person.department_id, []).append(person)
    parents = {p for _c, p, _f in nodes if p}
    leaves = [by_code[c] for c, _p, f in nodes if c not in parents and f.get("department")]
    weights = []
    for leaf in leaves:
        people = members.get(leaf.department_id, [])
        split = rng.choice([s for s in WEIGHT_SPLITS if len(s) <= len(people)])
        for person, share in zip(rng.sample(people, len(split)), split):
            weights.append(ResponsibilityWeight(indicator=leaf, person=person, weight=share))
    ResponsibilityWeight.objects.bulk_create(weights)

    # Scores for the periods already past (locked or in publicity).
    periods = {(p.kind, p.number): p for p in Period.objects.filter(assessment_year=assessment_year)
               .exclude(state=PeriodState.OPEN)}
    scores = []
    # a few departments fall behind on a leaf early in the year, so that the April pre-appraisal warns
    lagging = {by_code[c].pk for c in ("M0801", "M1201", "B080101", "B150101", "B200101") if c in by_code}
    for leaf in leaves:
        kind = PeriodKind.MONTH if leaf.cycle == "月度" else PeriodKind.HALF
        for (period_kind, number), period in periods.items():
            if period_kind == kind:
                fraction = Decimal(rng.randint(70, 100)) / 100
                if leaf.pk in lagging and period_kind == PeriodKind.MONTH and number <= 5:
                    fraction = Decimal(rng.randint(45, 65)) / 100
                scores.append(IndicatorScore(indicator=leaf, period=period,
                                             score=(leaf.full_score * fraction).quantize(Decimal("0.01"))))
    IndicatorScore.objects.bulk_create(scores)
    return len(nodes)


def demo_step_plan(*, organisation, assessment_year) -> None:
    load_demo_plan(assessment_year)
