"""Plain data of one organisation-year: what the pipeline reads and what it produces.

No Django here. The year workbook reader (appraisal/exchange) and the database loader
(scoring/services) both produce a ``YearInput``; ``scoring.engine.compute_year`` turns it
into a ``YearResult``; the results writer and the result tables both consume that.
Codes and staff ids are strings; every figure is a Decimal; ``None`` means undefined.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

# Enumerations exactly as users write them (EXCHANGE.md).
GROUPS = ("综合", "业务", "事业")
POSITIONS = ("局领导", "部门负责人", "一般干部")
CATEGORIES = ("共同类", "管理类", "业务类")
CYCLES = ("月度", "半年", "年度")
KINDS = ("常规", "加分", "扣分", "否决")
IMPORTANCES = ("主要", "一般")
PEER_GRADES = ("优秀", "良好", "中等", "差")
WORKLOAD_GRADES = ("非常大", "比较大", "一般", "较小", "非常小")
HALVES = ("上半年", "下半年")
SATISFACTION_GROUPS = ("主要领导", "分管领导", "机关部门", "县区局和直属单位", "基层分局", "社会各界代表")
SATISFACTION_GRADES = ("优", "良", "中", "差")
ANNUAL_GRADES = ("优秀", "称职", "基本称职", "不称职", "不定等次")
LEADER = "局领导"
# The leadership appraisal (DOMAIN.md §7.4): the object "the team", the four rater groups and the scales.
LEADERSHIP_TEAM = "班子"
LEADERSHIP_GROUPS = ("群众", "班子成员", "上级领导", "自评")
LEADERSHIP_SELF = "自评"
TEAM_GRADES = ("好", "较好", "一般", "差")  # the team's scale (also the principal's self-assessment of the team)
MEMBER_GRADES = ("优秀", "称职", "基本称职", "不称职")  # a member's scale
SELF_GRADES = ("优秀", "良好", "一般", "较差")  # a member's self-assessment


def leadership_scale(is_team: bool, group: str) -> tuple[str, ...]:
    """The grades a ballot of ``group`` may give to the team or to a member."""
    if is_team:
        return TEAM_GRADES
    return SELF_GRADES if group == LEADERSHIP_SELF else MEMBER_GRADES


@dataclass(frozen=True)
class DepartmentData:
    code: str
    name: str
    group: str  # 综合 / 业务 / 事业
    head_staff_id: str | None = None


@dataclass(frozen=True)
class PersonData:
    staff_id: str
    name: str
    department_code: str | None  # None only for 局领导
    position: str  # 局领导 / 部门负责人 / 一般干部
    category: str = ""
    leave_months: int = 0


@dataclass(frozen=True)
class IndicatorData:
    code: str
    name: str
    parent_code: str | None
    category: str  # resolved from the root: 共同类 / 管理类 / 业务类
    department_code: str | None = None
    full_score: Decimal | None = None
    bonus_cap: Decimal = Decimal("0")
    cycle: str | None = None  # 月度 / 半年 / 年度 (leaves only)
    kind: str = "常规"
    importance: str = ""
    content: str = ""
    target: str = ""
    basis: str = ""
    data_source: str = ""
    scoring_standard: str = ""
    assessor: str = ""  # 考核主体: a department code, "" for the office (考核办)
    shared: str = ""  # 共享指标 (DOMAIN.md §9): the shared indicator this leaf belongs to
    person_categories: tuple[str, ...] = ()  # 适用人员类别 of a common leaf; empty: everybody


class PeerRating(NamedTuple):
    """A tuple, so that a million of them stay small; the pipeline also takes plain
    (month, rater, ratee, grade) tuples as the loader reads them from the database."""
    month: int
    rater: str  # staff id
    ratee: str  # staff id
    grade: str  # 优秀 / 良好 / 中等 / 差


@dataclass(frozen=True)
class SatisfactionRating:
    half: str  # 上半年 / 下半年
    group: str  # one of SATISFACTION_GROUPS
    rater: str  # may be "" (anonymous)
    department_code: str
    grade: str  # 优 / 良 / 中 / 差


@dataclass(frozen=True)
class LeadershipMemberData:  # 班子成员 (DOMAIN.md §7.4)
    staff_id: str  # a 局领导
    principal: bool = False  # 主要负责人
    in_charge: tuple[str, ...] = ()  # 分管部门编码


@dataclass(frozen=True)
class LeadershipRatingData:  # 班子测评
    group: str  # 群众 / 班子成员 / 上级领导 / 自评
    rater: str  # may be "" (anonymous)
    target: str  # "班子" or a member's staff id
    grade: str  # on the scale of the target and group


@dataclass
class YearInput:
    org_code: str
    org_name: str
    year: int
    scheme: dict[str, Decimal]  # every key of EXCHANGE.md "Scheme keys", defaults filled in
    departments: list[DepartmentData] = field(default_factory=list)
    persons: list[PersonData] = field(default_factory=list)
    indicators: list[IndicatorData] = field(default_factory=list)
    # (indicator code, staff id) -> weight in percent
    weights: dict[tuple[str, str], Decimal] = field(default_factory=dict)
    # (month, indicator code) -> score
    monthly_scores: dict[tuple[int, str], Decimal] = field(default_factory=dict)
    peer_ratings: list[PeerRating] = field(default_factory=list)  # or plain tuples in that order
    # (month, ratee staff id) -> how many ratings of each of PEER_GRADES (in that order), already
    # counted by the database loader over the raters the pipeline counts (active, in an active
    # department, not 局领导, not the ratee); taken together with ``peer_ratings``
    peer_tallies: dict[tuple[int, str], tuple[int, ...]] = field(default_factory=dict)
    # (month, staff id) -> workload grade (非常大 …)
    workload: dict[tuple[int, str], str] = field(default_factory=dict)
    # (half, indicator code) -> score
    half_scores: dict[tuple[str, str], Decimal] = field(default_factory=dict)
    satisfaction: list[SatisfactionRating] = field(default_factory=list)
    # (staff id, indicator code) -> score / points / 0-1 veto mark
    common_scores: dict[tuple[str, str], Decimal] = field(default_factory=dict)
    # (staff id, year) -> annual grade of an earlier year
    history: dict[tuple[str, int], str] = field(default_factory=dict)
    # plan changes by month (scoring.plan_versions.PlanChange); the workbook carries none
    plan_changes: list = field(default_factory=list)
    # the leadership appraisal (DOMAIN.md §7.4); empty: no leadership results
    leadership_members: list[LeadershipMemberData] = field(default_factory=list)
    leadership_ratings: list[LeadershipRatingData] = field(default_factory=list)
    # "班子" -> W, or a member's staff id -> F, entered by the office (班子实绩)
    leadership_overrides: dict[str, Decimal] = field(default_factory=dict)
    leadership_override_notes: dict[str, str] = field(default_factory=dict)  # 说明 of 班子实绩
    # routine appraisal (docs/routine.md): (staff id, quarter) -> the quarter's final grade (好 …);
    # read only when the scheme's routine.enabled is 1; the workbook carries none
    quarter_grades: dict[tuple[str, int], str] = field(default_factory=dict)


@dataclass(frozen=True)
class MonthlyRow:  # 月度成绩
    staff_id: str
    name: str
    department_code: str
    month: int
    responsibility_rate: Decimal | None  # 责任得分率 R
    workload_coefficient: Decimal  # 工作量系数 c (1.00 when not set)
    peer_score: Decimal | None  # 民主测评得分 P
    monthly_score: Decimal  # 月度得分 M
    monthly_grade: str  # 月度等次


@dataclass(frozen=True)
class DepartmentHalfRow:  # 部门半年成绩
    department_code: str
    half: str
    business_rate: Decimal | None  # B
    management_rate: Decimal | None  # G
    satisfaction_score: Decimal | None  # S
    half_score: Decimal | None  # D


@dataclass(frozen=True)
class PersonHalfRow:  # 半年成绩
    staff_id: str
    name: str
    department_code: str
    half: str
    responsibility_rate: Decimal | None  # Rh
    half_score: Decimal  # H


@dataclass(frozen=True)
class AnnualRow:  # 年度成绩
    staff_id: str
    name: str
    department_code: str
    monthly_average: Decimal | None  # MA
    half_average: Decimal | None  # HA
    common_score: Decimal | None  # C
    vetoed: bool  # 一票否决
    annual_score: Decimal | None  # A
    department_rank: int | None  # 部门内排名
    grade: str  # 优秀 / 称职 / 基本称职 / 不称职 / 不定等次
    bonus_coefficient: Decimal | None  # 奖金系数 (None when 不定等次)


@dataclass(frozen=True)
class DepartmentAnnualRow:  # 部门年度成绩
    department_code: str
    name: str
    group: str
    annual_score: Decimal | None  # DA
    overall_rank: int | None
    group_rank: int | None
    advanced: bool  # 先进单位
    excellent_quota: int  # 优秀名额
    remark: str  # "", "第一名", "末位;诫勉谈话"


@dataclass(frozen=True)
class RewardRow:  # 奖励
    staff_id: str
    name: str
    reward_type: str  # 嘉奖 / 三等功 / 后备干部
    amount: Decimal


@dataclass(frozen=True)
class LeadershipTeamRow:  # 领导班子成绩
    work_score: Decimal | None  # 实绩得分 W
    poll_score: Decimal | None  # 测评得分
    team_score: Decimal | None  # 综合得分 T
    grade: str | None  # 好 / 较好 / 一般 / 差


@dataclass(frozen=True)
class LeadershipMemberRow:  # 班子成员成绩
    staff_id: str
    name: str
    principal: bool
    team_score: Decimal | None  # 班子得分 T
    in_charge_score: Decimal | None  # 分管工作得分 F
    poll_score: Decimal | None  # 测评得分
    member_score: Decimal | None  # 综合得分 L
    grade: str  # 优秀 / 称职 / 基本称职 / 不称职 / 不定等次


@dataclass
class YearResult:
    monthly: list[MonthlyRow] = field(default_factory=list)
    department_half: list[DepartmentHalfRow] = field(default_factory=list)
    person_half: list[PersonHalfRow] = field(default_factory=list)
    annual: list[AnnualRow] = field(default_factory=list)
    department_annual: list[DepartmentAnnualRow] = field(default_factory=list)
    rewards: list[RewardRow] = field(default_factory=list)
    leadership_team: list[LeadershipTeamRow] = field(default_factory=list)  # at most one row
    leadership_members: list[LeadershipMemberRow] = field(default_factory=list)
