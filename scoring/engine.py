"""Compute a whole organisation-year in memory: ``compute_year(YearInput) -> YearResult``.

Pure (no Django): the workbook reader and the database loader both feed it a ``YearInput``.
The arithmetic lives in ``scoring.rules`` (§4.2–§6) and the rankings, grades and rewards in
``rewards.grading`` (§7.1–7.3); this module only gathers the year's data set-wise and wires them,
stage by stage, each stage using the rounded figures of the one before.

局领导 take no part (EXCHANGE.md): they get no rows and count nowhere — not as raters or ratees
of the democratic evaluation, not in a department's N, not in any order.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal

from rewards import grading
from scoring import plan_versions, rules
from appraisal.scheme import SCHEME_DEFAULTS
from scoring.leadership_engine import compute_leadership
from scoring.yeardata import (
    PEER_GRADES,
    GROUPS,
    HALVES,
    LEADER,
    SATISFACTION_GROUPS,
    WORKLOAD_GRADES,
    AnnualRow,
    DepartmentAnnualRow,
    DepartmentHalfRow,
    IndicatorData,
    MonthlyRow,
    PersonHalfRow,
    RewardRow,
    YearInput,
    YearResult,
)

MONTHS = range(1, 13)
DEPARTMENT_CATEGORIES = ("管理类", "业务类")
# 工作量系数 when the head set none (DOMAIN.md §4.2); shown in the results as 1.00.
DEFAULT_COEFFICIENT = Decimal("1.00")


def compute_year(data: YearInput) -> YearResult:
    return _Year(data).compute()


class _Year:
    """One year's data indexed for set-wise computation, and the figures computed so far."""

    def __init__(self, data: YearInput):
        self.data = data
        # YearInput.scheme should hold every key already; any key it lacks takes its default.
        self.s: dict[str, Decimal] = {**SCHEME_DEFAULTS, **data.scheme}
        self.result = YearResult()

        self.persons = {
            p.staff_id: p for p in data.persons if p.position != LEADER and p.department_code
        }
        self.members: dict[str, list[str]] = defaultdict(list)
        for p in data.persons:
            if p.staff_id in self.persons:
                self.members[p.department_code].append(p.staff_id)

        parents = {i.parent_code for i in data.indicators if i.parent_code}
        self.parents = parents
        self.leaves = {i.code: i for i in data.indicators if i.code not in parents}
        self._plans: dict[tuple[int, ...], tuple[dict[str, IndicatorData], dict]] = {}
        self._weights_by_person: dict[int, tuple[dict, dict[str, dict[str, Decimal]]]] = {}

        # filled by the stages
        self.monthly_scores: dict[str, list[Decimal]] = defaultdict(list)
        self.poor_month: dict[str, bool] = defaultdict(bool)
        self.half_scores: dict[str, list[Decimal]] = defaultdict(list)  # person -> H
        self.department_halves: dict[str, list[Decimal | None]] = defaultdict(list)  # dept -> D
        self.appraisees: dict[str, grading.Appraisee] = {}
        self.annual_figures: dict[str, tuple] = {}

    def compute(self) -> YearResult:
        self.monthly()
        self.half_year()
        self.year_end()
        self.grades_and_rewards()
        self.leadership()
        return self.result

    # ------------------------------------------------------------------ helpers

    def plan(self, month: int) -> tuple[dict[str, IndicatorData], dict]:
        """The leaves and weights in force for a month (plan changes by month; DOMAIN.md §8)."""
        changes = self.data.plan_changes
        if not changes:
            return self.leaves, self.data.weights
        key = plan_versions.versions_key(changes, month)
        if key not in self._plans:
            indicators, weights = plan_versions.plan_as_of(self.data.indicators, self.data.weights, changes, month)
            self._plans[key] = ({i.code: i for i in indicators if i.code not in self.parents}, weights)
        return self._plans[key]

    def department_leaves(self, cycle: str, category: str | None = None,
                          leaves: dict[str, IndicatorData] | None = None) -> dict[str, list[IndicatorData]]:
        """Regular management/business leaves of a cycle, by responsible department (R, Rh, B, G
        count only 常规 leaves of 管理类 and 业务类)."""
        out: dict[str, list[IndicatorData]] = defaultdict(list)
        for leaf in (self.leaves if leaves is None else leaves).values():
            if (
                leaf.kind == "常规"
                and leaf.cycle == cycle
                and leaf.category in DEPARTMENT_CATEGORIES
                and (category is None or leaf.category == category)
                and leaf.department_code
            ):
                out[leaf.department_code].append(leaf)
        return out

    # ------------------------------------------------------------------ §4.2 monthly

    def monthly(self) -> None:
        s = self.s
        plans = {month: self.plan(month) for month in MONTHS}
        month_leaves = {month: self.department_leaves("月度", leaves=plans[month][0]) for month in MONTHS}
        peer = self.peer_scores()
        dept_weight, peer_weight = s["monthly.dept_weight"], s["monthly.peer_weight"]
        thresholds = (s["monthly.grade.优秀"], s["monthly.grade.良好"], s["monthly.grade.中等"])
        coefficients = {grade: s[f"workload.{grade}"] for grade in WORKLOAD_GRADES}
        # M and its grade depend on (R, c, P) only: computed once per distinct triple
        figures: dict[tuple, tuple[Decimal | None, str | None]] = {}
        monthly_scores, poor_month, rows = self.monthly_scores, self.poor_month, self.result.monthly
        workload = self.data.workload

        rates = {month: {dept: self.rates(self.data.monthly_scores, month, leaves, plans[month][1])
                         for dept, leaves in month_leaves[month].items()} for month in MONTHS}
        for staff_id, person in self.persons.items():
            dept = person.department_code
            for month in MONTHS:
                rate = rates[month].get(dept)
                r = rate(staff_id) if rate is not None else None
                grade_of_workload = workload.get((month, staff_id))
                c = coefficients[grade_of_workload] if grade_of_workload else DEFAULT_COEFFICIENT
                p = peer(month, staff_id)
                key = (r, c, p)
                figure = figures.get(key)
                if figure is None:
                    m = rules.monthly_score(r, c, p, dept_weight, peer_weight)
                    figure = figures[key] = (m, rules.monthly_grade(m, *thresholds))
                m, grade = figure
                if m is None:  # a row only for a month with a monthly score
                    continue
                monthly_scores[staff_id].append(m)
                poor_month[staff_id] |= grade == "差"
                rows.append(MonthlyRow(staff_id, person.name, dept, month, r, c, p, m, grade))

    def peer_scores(self) -> Callable[[int, str], Decimal | None]:
        """P of (month, ratee) from the count of each grade the ratee got that month: the ballots
        (rater and ratee counted by the pipeline, never oneself) and the loader's tallies. P depends
        on those counts only, so it is computed once per distinct tally."""
        s = self.s
        persons = self.persons
        index = {grade: position for position, grade in enumerate(PEER_GRADES)}
        counts: dict[tuple[int, str], list[int]] = {}
        for month, rater, ratee, grade in self.data.peer_ratings:  # PeerRating or a plain tuple
            if ratee in persons and rater in persons and rater != ratee:
                tally = counts.get((month, ratee))
                if tally is None:
                    tally = counts[(month, ratee)] = [0] * len(PEER_GRADES)
                tally[index[grade]] += 1
        for (month, ratee), given in self.data.peer_tallies.items():
            if ratee in persons:
                tally = counts.setdefault((month, ratee), [0] * len(PEER_GRADES))
                for position, number in enumerate(given):
                    tally[position] += number
        tallies = {key: tuple(tally) for key, tally in counts.items()}
        points = [s[f"peer.points.{grade}"] for grade in PEER_GRADES]
        trim, floor = int(s["monthly.trim_min_raters"]), int(s["peer.min_raters"])
        scores: dict[tuple[int, ...], Decimal | None] = {}
        none = (0,) * len(PEER_GRADES)

        def score(month: int, staff_id: str) -> Decimal | None:
            tally = tallies.get((month, staff_id), none)
            if tally not in scores:
                scores[tally] = rules.peer_score([p for p, n in zip(points, tally) for _ in range(n)], trim, floor)
            return scores[tally]

        return score

    def weights_by_person(self, weights: dict) -> dict[str, dict[str, Decimal]]:
        """staff id -> {indicator code: weight} of a plan's weights (once per plan version)."""
        key = id(weights)
        if key not in self._weights_by_person:
            out: dict[str, dict[str, Decimal]] = defaultdict(dict)
            for (code, staff_id), weight in weights.items():
                out[staff_id][code] = weight
            self._weights_by_person[key] = (weights, dict(out))  # the plan's dict is kept alive with its id
        return self._weights_by_person[key][1]

    def rates(self, scores: dict, period, leaves: list[IndicatorData],
              weights: dict) -> Callable[[str], Decimal | None]:
        """R (or Rh) of a department's members for one period: the department's scored leaves are
        gathered once; R depends on the member's weights on them only, so it is computed once per
        distinct set of weights (every member who carries none shares the department's rate)."""
        scored = [(leaf.code, scores[(period, leaf.code)], leaf.full_score) for leaf in leaves
                  if (period, leaf.code) in scores]
        codes = [code for code, _score, _full in scored]
        by_person = self.weights_by_person(weights)
        memo: dict[tuple, Decimal | None] = {}
        nothing: dict[str, Decimal] = {}

        def rate(staff_id: str) -> Decimal | None:
            if not scored:
                return None
            carried = tuple(map(by_person.get(staff_id, nothing).get, codes))
            if carried not in memo:
                memo[carried] = rules.responsibility_rate(
                    (score, full, weight) for (_code, score, full), weight in zip(scored, carried))
            return memo[carried]

        return rate

    # ------------------------------------------------------------------ §5 half-year

    def half_year(self) -> None:
        s = self.s
        # a half is scored with the plan of its last month
        plans = {half: self.plan(6 * (index + 1)) for index, half in enumerate(HALVES)}
        all_leaves = {half: self.department_leaves("半年", leaves=plans[half][0]) for half in HALVES}
        business = {half: self.department_leaves("半年", "业务类", plans[half][0]) for half in HALVES}
        management = {half: self.department_leaves("半年", "管理类", plans[half][0]) for half in HALVES}
        sat_points: dict[tuple[str, str], dict[str, list[Decimal]]] = defaultdict(lambda: defaultdict(list))
        for rating in self.data.satisfaction:
            sat_points[(rating.half, rating.department_code)][rating.group].append(
                s[f"satisfaction.points.{rating.grade}"]
            )
        group_weights = {g: s[f"satisfaction.group.{g}"] for g in SATISFACTION_GROUPS}
        floor = int(s["satisfaction.min_raters"])

        def department_rate(leaves: list[IndicatorData], half: str) -> Decimal | None:
            return rules.score_rate(
                (self.data.half_scores[(half, leaf.code)], leaf.full_score)
                for leaf in leaves
                if (half, leaf.code) in self.data.half_scores
            )

        for dept in self.data.departments:
            for half in HALVES:
                b = department_rate(business[half].get(dept.code, []), half)
                g = department_rate(management[half].get(dept.code, []), half)
                sat = rules.satisfaction_score(sat_points.get((half, dept.code), {}), group_weights, floor)
                d = rules.department_half_score(
                    b, g, sat,
                    s["halfyear.business_weight"],
                    s["halfyear.management_weight"],
                    s["halfyear.satisfaction_weight"],
                )
                self.department_halves[dept.code].append(d)
                if d is not None:  # D is defined exactly when some component is: "any figure"
                    self.result.department_half.append(DepartmentHalfRow(dept.code, half, b, g, sat, d))

                rate = self.rates(self.data.half_scores, half, all_leaves[half].get(dept.code, []), plans[half][1])
                for staff_id in self.members.get(dept.code, []):
                    rh = rate(staff_id)
                    # H uses the S of the person's own department for that half.
                    h = rules.person_half_score(
                        rh, sat, s["halfyear.person_rate_weight"], s["halfyear.person_satisfaction_weight"]
                    )
                    if h is None:
                        continue
                    self.half_scores[staff_id].append(h)
                    self.result.person_half.append(
                        PersonHalfRow(staff_id, self.persons[staff_id].name, dept.code, half, rh, h)
                    )

    # ------------------------------------------------------------------ §6 year-end

    def year_end(self) -> None:
        s = self.s
        regular: dict[str, list] = defaultdict(list)
        bonuses: dict[str, list] = defaultdict(list)
        deductions: dict[str, list] = defaultdict(list)
        veto_marks: dict[str, list] = defaultdict(list)
        for (staff_id, code), value in self.data.common_scores.items():
            leaf = self.leaves.get(code)
            if staff_id not in self.persons or leaf is None or leaf.category != "共同类":
                continue
            if leaf.kind == "常规":
                regular[staff_id].append((value, leaf.full_score))
            elif leaf.kind == "加分":
                bonuses[staff_id].append((value, leaf.full_score))
            elif leaf.kind == "扣分":
                deductions[staff_id].append(value)
            elif leaf.kind == "否决":
                veto_marks[staff_id].append(value)

        routine = self.routine_standings()
        for staff_id, person in self.persons.items():
            ma = rules.mean(self.monthly_scores.get(staff_id, []))
            ha = rules.mean(self.half_scores.get(staff_id, []))
            c = rules.common_score(
                regular.get(staff_id, []), bonuses.get(staff_id, []), deductions.get(staff_id, []),
                s["common.bonus_cap"],
            )
            vetoed = rules.is_vetoed(veto_marks.get(staff_id, []))
            a = rules.annual_score(
                ma, ha, c, s["annual.monthly_weight"], s["annual.halfyear_weight"], s["annual.common_weight"]
            )
            self.annual_figures[staff_id] = (ma, ha, c, vetoed, a)
            self.appraisees[staff_id] = grading.Appraisee(
                staff_id=staff_id,
                position=person.position,
                annual_score=a,
                half_average=ha,
                monthly_average=ma,
                vetoed=vetoed,
                leave_months=person.leave_months,
                poor_month=self.poor_month[staff_id],
                good_quarters=routine[staff_id].good if staff_id in routine else 0,
                routine_barred=routine[staff_id].barred if staff_id in routine else False,
            )

    def routine_standings(self) -> dict:
        """Each person's quarters of routine appraisal as the year-end bars read them (routine mode only)."""
        s = self.s
        if s["routine.enabled"] == 0:
            return {}
        from .routine.rules import year_standing

        grades: dict[str, dict[int, str]] = defaultdict(dict)
        for (staff_id, quarter), grade in self.data.quarter_grades.items():
            grades[staff_id][quarter] = grade
        return {staff_id: year_standing(grades.get(staff_id, {}), int(s["routine.min_good_quarters"]),
                                        s["routine.bar_below_good"] != 0) for staff_id in self.persons}

    # ------------------------------------------------------------------ §7 rankings, grades, rewards

    def grades_and_rewards(self) -> None:
        s = self.s
        standings = grading.rank_departments(
            (
                (d.code, d.group, rules.department_annual_score(self.department_halves[d.code]))
                for d in self.data.departments
            ),
            {g: int(s[f"advanced.{g}"]) for g in GROUPS},
        )
        grade_rules = grading.GradeRules(
            leave_months_max=int(s["grade.leave_months_max"]),
            excellent_min=s["grade.excellent_min"],
            competent_min=s["grade.competent_min"],
            basic_min=s["grade.basic_min"],
            poor_month_bars_excellent=s["grade.poor_month_bars_excellent"] != 0,
            last_basic_share=s["grade.last_basic_share"],
            routine=s["routine.enabled"] != 0,
        )
        coefficients = {g: s[f"bonus_coef.{g}"] for g in grading.GRADE_ORDER}
        merit_run = int(s["reward.merit_run"])
        history: dict[str, dict[int, str]] = defaultdict(dict)
        for (staff_id, year), grade in self.data.history.items():
            history[staff_id][year] = grade

        for dept in self.data.departments:
            standing = standings[dept.code]
            people = [self.appraisees[sid] for sid in self.members.get(dept.code, [])]
            rate = grading.quota_rate(
                standing, s["grade.excellent_rate"], s["grade.first_excellent_rate"], s["grade.last_excellent_rate"]
            )
            quota = grading.excellent_quota(grading.graded_count(people, grade_rules), rate)
            outcome = grading.grade_department(
                people, grade_rules, quota, dept.head_staff_id, standing.advanced, standing.last
            )
            ranks = grading.department_ranks(people)
            self.result.department_annual.append(
                DepartmentAnnualRow(
                    department_code=dept.code,
                    name=dept.name,
                    group=dept.group,
                    annual_score=standing.annual_score,
                    overall_rank=standing.overall_rank,
                    group_rank=standing.group_rank,
                    advanced=standing.advanced,
                    excellent_quota=outcome.quota,  # after an advanced head raised it from 0
                    remark=grading.department_remark(standing),
                )
            )
            for person in grading.person_order(people):
                sid = person.staff_id
                name = self.persons[sid].name
                ma, ha, c, vetoed, a = self.annual_figures[sid]
                grade = outcome.grades[sid]
                self.result.annual.append(
                    AnnualRow(
                        staff_id=sid,
                        name=name,
                        department_code=dept.code,
                        monthly_average=ma,
                        half_average=ha,
                        common_score=c,
                        vetoed=vetoed,
                        annual_score=a,
                        department_rank=ranks[sid],
                        grade=grade,
                        bonus_coefficient=grading.bonus_coefficient(grade, coefficients),
                    )
                )
                reward = grading.excellence_reward(
                    grade,
                    grading.excellent_run(history.get(sid, {}), self.data.year, grade),
                    merit_run,
                    s["reward.commendation_amount"],
                    s["reward.merit_amount"],
                )
                if reward is not None:
                    self.result.rewards.append(RewardRow(sid, name, reward[0], reward[1]))
            for sid in grading.reserve_cadres(people, outcome.grades, int(s["reward.reserve_top"])):
                self.result.rewards.append(RewardRow(sid, self.persons[sid].name, grading.RESERVE, Decimal(0)))

    # ------------------------------------------------------------------ §7.4 leadership appraisal

    def leadership(self) -> None:
        scores = {d.code: rules.department_annual_score(self.department_halves[d.code]) for d in self.data.departments}
        self.result.leadership_team, self.result.leadership_members = compute_leadership(self.data, self.s, scores)
