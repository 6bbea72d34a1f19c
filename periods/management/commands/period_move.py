"""python manage.py period_move ORG_CODE YEAR PERIOD STATE [--reason TEXT] [--override]

Moves a period through the same checklist as the office's page (DOMAIN.md §8) and prints it.
PERIOD is 1…12, 上半年, 下半年 or 全年; STATE is 填报 (reopen; needs a reason), 评分, 公示 or 锁定.
Refused moves print the checklist and a Chinese message and exit with status 1.
"""
from django.core.management.base import CommandError

from appraisal.management.base import AuditedCommand
from appraisal import period_guards
from appraisal import services as core
from appraisal.errors import ApplicationError
from appraisal.models import Period, PeriodKind, PeriodState

STATES = {"填报": PeriodState.OPEN, "评分": PeriodState.SCORING, "公示": PeriodState.PUBLICITY,
          "锁定": PeriodState.LOCKED}
HALVES = {"上半年": 1, "下半年": 2}


def parse_period(text: str) -> tuple[str, int]:
    text = text.strip()
    if text in HALVES:
        return PeriodKind.HALF, HALVES[text]
    if text == "全年":
        return PeriodKind.YEAR, 1
    if text.endswith("月"):
        text = text[:-1]
    if text.isdigit() and 1 <= int(text) <= 12:
        return PeriodKind.MONTH, int(text)
    raise CommandError(f"周期“{text}”无效：应为 1…12、上半年、下半年或全年。")


class Command(AuditedCommand):
    help = "按检查清单移动考核周期的状态（填报/评分/公示/锁定），拒绝时退出码为 1。"

    def add_arguments(self, parser):
        parser.add_argument("org_code")
        parser.add_argument("year", type=int)
        parser.add_argument("period")
        parser.add_argument("state")
        parser.add_argument("--reason", default="", help="原因：退回、重新开放或强制执行时必填")
        parser.add_argument("--override", action="store_true",
                            help="检查清单未满足时仍强制执行（须同时给出 --reason；周期锁定顺序不能越过）")

    def handle(self, *args, **options):
        kind, number = parse_period(options["period"])
        state = STATES.get(options["state"].strip())
        if state is None:
            raise CommandError(f"状态“{options['state']}”无效：应为 填报、评分、公示 或 锁定。")
        period = (Period.objects.select_related("assessment_year__organisation")
                  .filter(assessment_year__organisation__code=options["org_code"],
                          assessment_year__year=options["year"], kind=kind, number=number).first())
        if period is None:
            raise CommandError(f"找不到单位“{options['org_code']}” {options['year']} 年度的周期“{options['period']}”。")
        self.stdout.write(f"{period}：{PeriodState(period.state).label} → {PeriodState(state).label}")
        if core.STATE_ORDER.index(state) == core.STATE_ORDER.index(period.state) + 1:
            checklist = period_guards.checklist(period, state)
            self.stdout.write("检查清单：")
            for line in checklist.lines() or ["（此步骤没有检查项目）"]:
                self.stdout.write("  " + line)
        try:
            core.period_transition(user=None, period=period, to_state=state, reason=options["reason"],
                                   override=options["override"])
        except ApplicationError as error:
            raise CommandError(f"未执行：{error.message}") from None
        period.refresh_from_db()
        end = f"，公示期至 {period.publicity_ends_on:%Y-%m-%d}" if period.state == PeriodState.PUBLICITY else ""
        self.stdout.write(self.style.SUCCESS(f"已完成：{period} 现为“{PeriodState(period.state).label}”{end}。"))
