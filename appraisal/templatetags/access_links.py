"""Links only to what the reader may open (SECURITY.md: access checked in one place).

    {% load access_links %}
    {% link_if_allowed "person_detail" p.pk obj=p %}{{ p.name }}{% endlink_if_allowed %}

renders ``<a href="/people/7/">姚红桂</a>`` when the view behind the URL would let the current user
in — the rule the view declares (``@access.require``), asked with ``obj`` as the view asks it — and
the bare content otherwise. Extra keyword arguments ``class="…"`` and ``title="…"`` go on the link.
``{% allowed_url "name" args… obj=x as url %}`` gives the URL or "" for links built by hand.
"""
from django import template
from django.urls import resolve, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from appraisal import access

register = template.Library()

_LINK_ATTRIBUTES = ("class", "title", "id")


def allowed(user, url_name: str, args, obj=None) -> str:
    """The URL of ``url_name`` when the user may open it, else ""."""
    url = reverse(url_name, args=args)
    rule = access.rule_of_view(resolve(url).func)
    if rule is None or not access.can(user, rule, obj):
        return ""
    return url


def _user(context):
    request = context.get("request")
    return getattr(request, "user", None) or context.get("user")


@register.simple_tag(takes_context=True)
def allowed_url(context, url_name, *args, obj=None):
    return allowed(_user(context), url_name, args, obj)


class LinkIfAllowedNode(template.Node):
    def __init__(self, url_name, args, kwargs, nodelist):
        self.url_name, self.args, self.kwargs, self.nodelist = url_name, args, kwargs, nodelist

    def render(self, context):
        content = self.nodelist.render(context)
        kwargs = {key: value.resolve(context) for key, value in self.kwargs.items()}
        url = allowed(_user(context), self.url_name.resolve(context), [a.resolve(context) for a in self.args],
                      kwargs.pop("obj", None))
        if not url:
            return content
        attributes = "".join(format_html(' {}="{}"', key, kwargs[key]) for key in _LINK_ATTRIBUTES if kwargs.get(key))
        return format_html('<a href="{}"{}>{}</a>', url, mark_safe(attributes), content)


@register.tag
def link_if_allowed(parser, token):
    bits = token.split_contents()[1:]
    if not bits:
        raise template.TemplateSyntaxError("link_if_allowed needs a URL name")
    url_name, args, kwargs = parser.compile_filter(bits[0]), [], {}
    for bit in bits[1:]:
        key, sep, value = bit.partition("=")
        if sep and key.isidentifier():
            if key != "obj" and key not in _LINK_ATTRIBUTES:
                raise template.TemplateSyntaxError(f"link_if_allowed: unknown option {key!r}")
            kwargs[key] = parser.compile_filter(value)
        else:
            args.append(parser.compile_filter(bit))
    nodelist = parser.parse(("endlink_if_allowed",))
    parser.delete_first_token()
    return LinkIfAllowedNode(url_name, args, kwargs, nodelist)
