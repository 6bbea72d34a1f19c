"""Server time and query count of the key pages on the demo organisation (a benchmark: it prints
figures, it asserts nothing). Run after `make demo`: `python manage.py bench_pages`.

Each page's last column is its speed relative to a bare page (the notifications page): the bare
page's median server time over the page's, i.e. the ratio of requests per second a single process
serves (issue 16 asks ≥ 0.5 for the indicator tree and the department trace-log month list). The
tree is measured as a visitor sees it: rendered once per plan version, then served from the cache."""
import statistics
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone

from appraisal.demo import DEMO_ORG_CODE
from appraisal.models import AssessmentYear, Department, Person


class Command(BaseCommand):
    help = "测量关键页面的服务端耗时与查询数（演示单位）。"

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=5)

    def handle(self, *args, repeat=5, **options):
        year = (AssessmentYear.objects.filter(organisation__code=DEMO_ORG_CODE).order_by("-year").first())
        if year is None:
            raise CommandError("没有演示单位，请先运行 python manage.py load_demo")
        client = Client(HTTP_HOST="127.0.0.1")
        from django.contrib.auth import get_user_model

        client.force_login(get_user_model().objects.get(username="office"))
        departments = list(Department.objects.filter(organisation=year.organisation).order_by("sort_order"))
        staff = Person.objects.filter(user__username="staff").first()
        bare = ("空白页（通知，基准）", "/tracelog/notifications/")
        pages = [bare, ("指标体系树", f"/indicators/{year.pk}/")]
        pages += [(f"部门指标表 {d.name}", f"/indicators/{year.pk}/departments/{d.pk}/") for d in departments[:3]]
        pages.append(("部门指标表（22 个部门平均）", None))
        if staff:
            pages.append(("一人一表", f"/indicators/{year.pk}/people/{staff.pk}/"))
        pages.append(("人员列表", "/people/"))
        head = Person.objects.filter(user__username="head").select_related("department").first()
        month = timezone.localdate().strftime("%Y-%m")
        if head:
            pages.append(("部门纪实月度列表", f"/tracelog/department/?department={head.department_id}&month={month}"))
        self.stdout.write(f"{'页面':<28}{'中位数 ms':>10}{'最大 ms':>10}{'查询数':>8}{'相对空白页':>12}")
        bare_median = None
        with override_settings(DEBUG=True):
            for label, url in pages:
                if url is None:
                    times = []
                    for department in departments:
                        times.extend(self._measure(client, f"/indicators/{year.pk}/departments/{department.pk}/",
                                                   1)[0])
                    self.stdout.write(f"{label:<28}{statistics.median(times):>10.1f}{max(times):>10.1f}{'':>8}")
                    continue
                times, queries = self._measure(client, url, repeat)
                median = statistics.median(times)
                bare_median = bare_median or median
                # requests/s relative to the bare page (server time, one process): ≥ 0.5 is the target
                self.stdout.write(f"{label:<28}{median:>10.1f}{max(times):>10.1f}{queries:>8}"
                                  f"{bare_median / median:>12.2f}")

    @staticmethod
    def _measure(client, url, repeat):
        client.get(url)  # warm up templates and caches
        times, queries = [], 0
        for _ in range(repeat):
            reset_queries()
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
            queries = len(connection.queries)
            if response.status_code != 200:
                raise CommandError(f"{url} 返回 {response.status_code}")
        return times, queries
