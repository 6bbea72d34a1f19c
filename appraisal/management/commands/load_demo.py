from appraisal.management.base import AuditedCommand
from appraisal.demo import ACCOUNTS, DEMO_PASSWORD, load_demo
from appraisal.models import Department, Person


class Command(AuditedCommand):
    help = "创建演示单位（22 个部门、约 200 人）和各角色的演示账号（仅供演示）。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=None, help="演示考核年度（默认今年）")
        parser.add_argument("--if-empty", action="store_true", help="数据库中已有单位时什么也不做")

    def handle(self, *args, year=None, if_empty=False, **options):
        from appraisal.models import Organisation

        if if_empty and Organisation.objects.exists():
            self.stdout.write("数据库中已有单位数据，未加载演示数据。")
            return
        organisation = load_demo(year=year)
        if organisation is None:
            self.stdout.write("演示单位已存在，未重复创建。")
        else:
            self.stdout.write(self.style.SUCCESS(
                f"已创建演示单位“{organisation.name}”：{Department.objects.filter(organisation=organisation).count()} 个部门，"
                f"{Person.objects.filter(organisation=organisation).count()} 人。"))
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}，仅供演示，切勿用于生产）：")
        for account in ACCOUNTS:
            self.stdout.write(f"  {account.username:<10} {account.role_label}（{account.description}）")
