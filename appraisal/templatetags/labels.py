"""Fixed vocabulary stored as its Chinese name (grades 优秀 / 良好, warning levels, indicator
categories and natures, reward names, cycles) shown in the reader's language:

    {% load labels %}{{ r.monthly_grade|label }}

The stored value stays the key (CSS classes such as ``grade-优秀`` use it); the msgids are the
Chinese names themselves, so a value without a translation shows as stored.
"""
from django import template
from django.utils.html import format_html
from django.utils.translation import gettext

register = template.Library()


@register.filter
def label(value):
    if not value or not isinstance(value, str):
        return value
    if ";" in value:  # stored lists such as a remark “末位;诫勉谈话”: each part is a label
        return gettext("、").join(gettext(part) for part in value.split(";") if part)
    return gettext(value)


@register.filter
def data(value):
    """A name or other data inside a translated sentence, marked as not to be translated:
    ``{% blocktranslate with name=person.name|data %}{{ name }}，您好{% endblocktranslate %}``."""
    if value is None or value == "":
        return value
    return format_html('<span translate="no">{}</span>', value)
