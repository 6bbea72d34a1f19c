import getpass
import sys

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from appraisal.management.base import AuditedCommand
from django.db import transaction

from appraisal import access, audit
from appraisal.models import ADMIN_ROLES, AccountFlag, Person, Role, RoleAssignment


class Command(AuditedCommand):
    help = "建立首批管理员账号（三员分立：系统管理员 / 安全管理员 / 审计管理员），首次登录须修改密码。"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=[str(r) for r in ADMIN_ROLES])
        parser.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码（用于脚本）")

    def handle(self, *args, username, role, password_stdin=False, **options):
        User = get_user_model()
        if username.lower() in {"admin", "root", "administrator"}:
            raise CommandError("请使用实名账号，不能使用 admin、root 等共享账号名。")
        password = sys.stdin.readline().rstrip("\n") if password_stdin else getpass.getpass("密码：")
        try:
            validate_password(password)
        except ValidationError as error:
            raise CommandError("；".join(error.messages)) from None
        with transaction.atomic():
            user, created = User.objects.get_or_create(username=username)
            existing = set(RoleAssignment.objects.filter(user=user).values_list("role", flat=True))
            has_person = Person.objects.filter(user=user).exists()
            if access.admin_roles_conflict(existing, role, has_person=has_person) or role in existing:
                raise CommandError("三员分立：该账号已拥有其他角色或关联了人员档案，不能再兼任此管理员角色。")
            user.set_password(password)
            user.is_active = True
            user.save()
            AccountFlag.objects.update_or_create(user=user, defaults={"must_change_password": True})
            RoleAssignment.objects.create(user=user, role=role)
            audit.record("account.create" if created else "account.password_set", obj=user, object_type="auth.User",
                         new={"username": username, "must_change_password": True},
                         reason="create_admin 命令（服务器上执行）")
            audit.record("role.assign", obj=user, object_type="auth.User", new={"role": role},
                         reason="create_admin 命令建立管理员")
        self.stdout.write(self.style.SUCCESS(f"已建立{Role(role).label}账号“{username}”，首次登录须修改密码。"))
