"""`{% form_token %}`: the hidden one-time token of a create form (academy.forms.one_time_form)."""

from django import template
from django.utils.html import format_html

from academy.forms import FORM_TOKEN, issue_form_token

register = template.Library()


@register.simple_tag(takes_context=True)
def form_token(context):
    request = context.get("request")
    if request is None or not hasattr(request, "session"):
        return ""
    return format_html(
        '<input type="hidden" name="{}" value="{}">', FORM_TOKEN, issue_form_token(request)
    )
