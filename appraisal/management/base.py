"""Management commands that change data name who ran them in the audit log.

An event written by a command has no account behind it; ``--operator`` (default: the login name of
the operating-system user, or the one behind sudo) is recorded as the event's actor name as
“命令行：<name>”, so the chain tells a scheduled job (no operator) from a person at the console.
"""
import getpass
import os

from django.core.management.base import BaseCommand

from appraisal import audit


def default_operator() -> str:
    try:
        return os.environ.get("SUDO_USER") or getpass.getuser()
    except Exception:  # no passwd entry (a container's arbitrary uid)
        return ""


class AuditedCommand(BaseCommand):
    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.add_argument("--operator", default=None,
                            help="操作人（记入审计日志；默认为当前操作系统用户）")
        return parser

    def execute(self, *args, **options):
        operator = options.get("operator") or default_operator()
        token = audit.current_operator.set(f"命令行：{operator}"[:150] if operator else "命令行")
        try:
            return super().execute(*args, **options)
        finally:
            audit.current_operator.reset(token)
