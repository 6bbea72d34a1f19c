"""Password rules beyond Django's own (SECURITY.md item 2)."""
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CLASSES = (re.compile(r"[a-z]"), re.compile(r"[A-Z]"), re.compile(r"[0-9]"), re.compile(r"[^a-zA-Z0-9]"))


class CharacterClassValidator:
    """At least three of: lower case, upper case, digits, other characters."""

    def validate(self, password, user=None):
        if sum(1 for pattern in CLASSES if pattern.search(password)) < 3:
            raise ValidationError(_("密码须包含大写字母、小写字母、数字、特殊字符中的至少三类。"),
                                  code="password_classes")

    def get_help_text(self):
        return _("密码须包含大写字母、小写字母、数字、特殊字符中的至少三类。")


class MaximumLengthValidator:
    def __init__(self, max_length: int = 128):
        self.max_length = max_length

    def validate(self, password, user=None):
        if len(password) > self.max_length:
            raise ValidationError(_("密码不能超过 %(n)d 个字符。") % {"n": self.max_length}, code="password_too_long")

    def get_help_text(self):
        return _("密码不能超过 %(n)d 个字符。") % {"n": self.max_length}
