from django.core.management.base import BaseCommand, CommandError

from appraisal import audit


class Command(BaseCommand):
    help = "校验审计日志的哈希链是否完整（SECURITY.md 第 16 条）。"

    def handle(self, *args, **options):
        report = audit.verify_chain()
        if not report.ok:
            raise CommandError(report.message)
        self.stdout.write(self.style.SUCCESS(report.message))
