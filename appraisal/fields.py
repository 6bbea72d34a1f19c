"""The one way the product reads a decimal typed by a user (issue 15): forms, raw grid inputs and
model forms all go through ``FiniteDecimalField``, which refuses NaN, Infinity, exponents out of
range and any non-number with a message in Chinese, so no such value reaches a comparison."""
from __future__ import annotations

from decimal import Decimal, DecimalException

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

# Enough for every score, weight, coefficient and amount the product stores.
MAX_DIGITS = 12
MAX_TEXT = 40


class FiniteDecimalField(forms.DecimalField):
    default_error_messages = {
        "invalid": _("须为数字。"),
        "non_finite": _("须为有限的数字（不能是 NaN 或无穷大）。"),
        "too_long": _("数字过长。"),
    }

    def __init__(self, *, max_digits: int | None = MAX_DIGITS, decimal_places: int | None = None, **kwargs):
        super().__init__(max_digits=max_digits, decimal_places=decimal_places, **kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace("，", ",").replace("．", ".")
        if value in self.empty_values:
            return None
        text = str(value)
        if len(text) > MAX_TEXT:
            raise ValidationError(self.error_messages["too_long"], code="too_long")
        try:
            number = Decimal(text)
        except (DecimalException, ValueError):
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not number.is_finite():
            raise ValidationError(self.error_messages["non_finite"], code="non_finite")
        return number

    def validate(self, value):
        forms.Field.validate(self, value)  # finiteness is checked in to_python, with its own message


def parse_decimal(text, **field_options) -> Decimal | None:
    """Read one raw input (a grid cell posted outside a form class): None when empty, else a finite
    Decimal; raise ValidationError (``error.messages[0]`` is the Chinese message) otherwise."""
    return FiniteDecimalField(required=False, **field_options).clean(text)


def formfield(model_field: models.Field, **kwargs):
    """``Meta.formfield_callback`` of the model forms: decimal columns get the finite field."""
    if isinstance(model_field, models.DecimalField):
        return model_field.formfield(form_class=FiniteDecimalField, **kwargs)
    return model_field.formfield(**kwargs)


# The largest primary key any table can hold (64-bit): a bigger number matches no row.
MAX_ID = 2**63 - 1


def posted_id(value) -> int:
    """A primary key read from a form field or query parameter: the number, or 0 (no row has it,
    so the lookup answers 404) for anything else: empty, letters, NaN, decimals, full-width or
    out-of-range digits. Never lets a lookup raise ValueError or overflow the database's integer."""
    text = str(value or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 19:
        return 0
    number = int(text)
    return number if number <= MAX_ID else 0
