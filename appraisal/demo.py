"""The demo organisation: a city bureau shaped like the Nanchang case of DOMAIN.md (22 departments
in three groups, about 200 people) with one account per role. Demo only: the password is public."""
from __future__ import annotations

import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from . import audit
from .models import (
    AssessmentYear, AssessorDesignation, Department, Organisation, Period, PeriodKind, PeriodState, Person, Position, Role,
    RoleAssignment, Scheme,
)

DEMO_PASSWORD = "Demo@2025"

# The apps above the core add their part of the demo here (from their AppConfig.ready), so the core
# imports none of them. Each step is called with organisation= and assessment_year=, in this order:
# 100 indicator plan, 200 ballots, 300 computed results, 400 trace logs; later steps as they come.
DEMO_STEPS: list[tuple[int, object]] = []


def register_demo_step(order: int, step) -> None:
    if all(existing is not step for _o, existing in DEMO_STEPS):
        DEMO_STEPS.append((order, step))
DEMO_ORG_CODE = "NCGS"

DEPARTMENTS = [
    ("ZH01", "办公室", "综合"), ("ZH02", "人事教育处", "综合"), ("ZH03", "计划财务处", "综合"),
    ("ZH04", "法制处", "综合"), ("ZH05", "机关党委", "综合"), ("ZH06", "纪检监察室", "综合"),
    ("ZH07", "行政审批处", "综合"), ("YW01", "企业登记注册处", "业务"), ("YW02", "企业监督管理处", "业务"),
    ("YW03", "市场规范管理处", "业务"), ("YW04", "公平交易局", "业务"), ("YW05", "消费者权益保护处", "业务"),
    ("YW06", "广告监督管理处", "业务"), ("YW07", "商标管理处", "业务"), ("YW08", "个体私营经济监管处", "业务"),
    ("YW09", "合同监督管理处", "业务"), ("YW10", "网络商品交易监管处", "业务"), ("YW11", "经济检查支队", "业务"),
    ("SY01", "信息中心", "事业"), ("SY02", "12315 指挥中心", "事业"), ("SY03", "消费者协会秘书处", "事业"),
    ("SY04", "个体劳动者协会", "事业"),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英华平刚桂兰玲红辉鹏建国志宏海燕霞春梅晨宇浩然思远子涵欣怡雨婷佳琪俊杰文博晓东立新永红"
CATEGORIES = ["综合管理类", "行政执法类", "专业技术类"]
LEADERS = ["陈建华", "刘志远", "王海燕", "张立新", "李宏伟"]


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role_label: str
    description: str


ACCOUNTS = [
    DemoAccount("office", "考核办", "维护组织、人员、方案，管理考核周期"),
    DemoAccount("head", "部门负责人", "企业登记注册处负责人"),
    DemoAccount("staff", "公务员", "企业登记注册处一般干部"),
    DemoAccount("leader", "局领导", "查看排名与各部门情况"),
    DemoAccount("assessor", "评分人", "办公室统计员，由办公室负责人指定，录入办公室考核的指标得分"),
    DemoAccount("sysadmin", "系统管理员", "账号与组织数据"),
    DemoAccount("secadmin", "安全管理员", "角色与权限"),
    DemoAccount("auditor", "审计管理员", "查阅审计日志"),
]


def _name(rng: random.Random, used: set[str]) -> str:
    while True:
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
        if name not in used:
            used.add(name)
            return name


@transaction.atomic
def load_demo(*, year: int | None = None) -> Organisation | None:
    """Create the demo organisation and accounts; returns None if it already exists."""
    if Organisation.objects.filter(code=DEMO_ORG_CODE).exists():
        return None
    rng = random.Random(2025)
    year = year or timezone.localdate().year
    organisation = Organisation.objects.create(code=DEMO_ORG_CODE, name="南昌市工商行政管理局（演示）")
    departments = Department.objects.bulk_create([
        Department(organisation=organisation, code=code, name=name, group=group, sort_order=index)
        for index, (code, name, group) in enumerate(DEPARTMENTS, start=1)
    ])
    used: set[str] = set(LEADERS)
    people: list[Person] = [
        Person(organisation=organisation, department=None, staff_id=f"L{index:02d}", name=name,
               position=Position.LEADER, category="综合管理类")
        for index, name in enumerate(LEADERS, start=1)
    ]
    serial = 1
    heads: dict[str, str] = {}
    for department in departments:
        size = rng.randint(7, 12) if department.group != "综合" else rng.randint(6, 10)
        for member in range(size):
            staff_id = f"{serial:04d}"
            serial += 1
            position = Position.HEAD if member == 0 else Position.STAFF
            if member == 0:
                heads[department.code] = staff_id
            people.append(Person(organisation=organisation, department=department, staff_id=staff_id,
                                 name=_name(rng, used), position=position, category=rng.choice(CATEGORIES)))
    Person.objects.bulk_create(people)
    by_staff_id = {p.staff_id: p for p in Person.objects.filter(organisation=organisation)}
    for department in departments:
        department.head = by_staff_id[heads[department.code]]
    Department.objects.bulk_update(departments, ["head"])

    registration = next(d for d in departments if d.code == "YW01")
    head_person = registration.head
    staff_person = (Person.objects.filter(department=registration, position=Position.STAFF)
                    .order_by("staff_id").first())
    leader_person = by_staff_id["L01"]
    User = get_user_model()

    def account(username: str, person: Person | None = None, role: str | None = None, scoped: bool = True):
        user = User.objects.create_user(username=username, password=DEMO_PASSWORD)
        if person is not None:
            person.user = user
            person.save(update_fields=["user"])
        if role is not None:
            RoleAssignment.objects.create(user=user, role=role, organisation=organisation if scoped else None)
        return user

    account("office", role=Role.OFFICE)
    account("head", person=head_person)
    account("staff", person=staff_person)
    account("leader", person=leader_person, role=Role.LEADER)
    # 办公室's 统计员: designated by the head of 办公室 to enter the scores 办公室 assesses (考核主体)
    office_department = next(d for d in departments if d.code == "ZH01")
    clerk = Person.objects.filter(department=office_department, position=Position.STAFF).order_by("staff_id").first()
    AssessorDesignation.objects.create(department=office_department, user=account("assessor", person=clerk),
                                       designated_by=None)
    account("sysadmin", role=Role.SYSADMIN, scoped=False)
    account("secadmin", role=Role.SECADMIN, scoped=False)
    account("auditor", role=Role.AUDITOR, scoped=False)

    assessment_year = _open_demo_year(organisation, year)
    for _order, step in sorted(DEMO_STEPS, key=lambda item: item[0]):
        step(organisation=organisation, assessment_year=assessment_year)
    audit.record("demo.load", object_type="appraisal.Organisation", object_repr=organisation.name,
                 organisation_id=organisation.pk, new={"departments": len(departments), "people": len(people)})
    return organisation


def _open_demo_year(organisation: Organisation, year: int) -> AssessmentYear:
    """The demo year as an office would have it in late autumn: past months locked, last month in
    publicity, the current month open."""
    from appraisal.scheme import SCHEME_DEFAULTS

    assessment_year = AssessmentYear.objects.create(organisation=organisation, year=year)
    Scheme.objects.create(assessment_year=assessment_year,
                          values={key: format(value, "f") for key, value in SCHEME_DEFAULTS.items()})
    today = timezone.localdate()
    current_month = today.month if today.year == year else 12
    periods = []
    for month in range(1, 13):
        if month < current_month - 1:
            state = PeriodState.LOCKED
        elif month == current_month - 1:
            state = PeriodState.PUBLICITY
        else:
            state = PeriodState.OPEN
        period = Period(assessment_year=assessment_year, kind=PeriodKind.MONTH, number=month, state=state)
        if state == PeriodState.PUBLICITY:  # entered publicity today: the window on the official calendar
            from .workdays import publicity_end

            period.publicity_started_on = today
            period.publicity_ends_on = publicity_end(today, int(SCHEME_DEFAULTS["period.publicity_days"]))
        periods.append(period)
    first_half_done = current_month > 7
    periods.append(Period(assessment_year=assessment_year, kind=PeriodKind.HALF, number=1,
                          state=PeriodState.LOCKED if first_half_done else PeriodState.OPEN))
    periods.append(Period(assessment_year=assessment_year, kind=PeriodKind.HALF, number=2))
    periods.append(Period(assessment_year=assessment_year, kind=PeriodKind.YEAR, number=1))
    Period.objects.bulk_create(periods)
    return assessment_year
