"""Empty choices read 请选择 (Please choose), not Django's ``---------`` (issue 14): one place for every
select of the product, the admin's included — model fields' blank choice and ModelChoiceField's
empty label. Installed once by AppraisalConfig.ready."""
from django import forms
from django.db.models import fields as model_fields
from django.utils.translation import gettext_lazy as _

EMPTY_LABEL = _("请选择")


def install() -> None:
    # BLANK_CHOICE_DASH is one list shared by reference (Field.get_choices' default): changed in place.
    model_fields.BLANK_CHOICE_DASH[:] = [("", EMPTY_LABEL)]
    forms.ModelChoiceField.__init__.__kwdefaults__["empty_label"] = EMPTY_LABEL
