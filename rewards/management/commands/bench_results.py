"""Server time and query count of the results pages of DOMAIN.md §9 on the demo organisation, each as
the role that reads it (a benchmark: it prints figures, it asserts nothing; the tests assert that the
query counts do not grow with the organisation). Run after `make demo`: `python manage.py bench_results`."""
import statistics
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.test import Client
from django.test.utils import override_settings

from appraisal.demo import DEMO_ORG_CODE
from appraisal.management.commands.bench_pages import Command as PagesCommand
from appraisal.models import AssessmentYear, Department, Person
from rewards.models import PreWarning
from scoring.models import MonthlyResult

BUDGET_MS = 300


class Command(BaseCommand):
    help = "测量绩效之窗、指标分析、趋势图、预警、得分说明和各角色首页的服务端耗时与查询数（演示单位）。"

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=5)

    def handle(self, *args, repeat=5, **options):
        year = AssessmentYear.objects.filter(organisation__code=DEMO_ORG_CODE).order_by("-year").first()
        if year is None:
            raise CommandError("没有演示单位，请先运行 python manage.py load_demo")
        staff = Person.objects.get(user__username="staff")
        month = (MonthlyResult.objects.filter(assessment_year=year, person=staff).order_by("-month")
                 .values_list("month", flat=True).first() or 1)
        warning = PreWarning.objects.filter(assessment_year=year).exclude(state="draft").first()
        department = Department.objects.filter(organisation=year.organisation).order_by("sort_order").first()
        y = f"?year={year.pk}"
        pages = [
            ("office", "首页（考核办）", "/"), ("leader", "首页（局领导）", "/"), ("head", "首页（部门负责人）", "/"),
            ("staff", "首页（公务员）", "/"),
            ("staff", "绩效之窗", f"/results/window/{y}"),
            ("staff", "绩效之窗（业务组·管理类）", f"/results/window/{y}&group=业务&category=管理"),
            ("staff", "排名走势", f"/results/window/departments/{department.pk}/{y}"),
            ("leader", "指标分析", f"/results/analysis/{y}"),
            ("leader", "指标分析导出", f"/results/analysis/export/{y}"),
            ("leader", "趋势图", f"/results/trends/{y}"),
            ("office", "预考核预警", f"/results/warnings/{y}"),
            ("head", "预考核预警（负责人）", f"/results/warnings/{y}"),
            ("staff", "得分说明（月度）", f"/results/people/{staff.pk}/explain/m{month}/{y}"),
            ("staff", "我的成绩", f"/results/mine/{y}"),
        ]
        if warning is not None:
            pages.append(("office", "预警详情", f"/results/warnings/{warning.pk}/"))
        clients = {}
        for username in {u for u, _l, _p in pages}:
            clients[username] = Client(HTTP_HOST="127.0.0.1")
            clients[username].force_login(get_user_model().objects.get(username=username))
        self.stdout.write(f"{'页面':<26}{'中位数 ms':>10}{'最大 ms':>10}{'查询数':>8}")
        over = []
        with override_settings(DEBUG=True):
            for username, label, url in pages:
                times, queries = PagesCommand._measure(clients[username], url, repeat)
                median = statistics.median(times)
                if median > BUDGET_MS:
                    over.append(label)
                self.stdout.write(f"{label:<26}{median:>10.1f}{max(times):>10.1f}{queries:>8}")
        self.stdout.write(f"预算 {BUDGET_MS} ms（中位数）：" + ("全部达标" if not over else "超出：" + "、".join(over)))
