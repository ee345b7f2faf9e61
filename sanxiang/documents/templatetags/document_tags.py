"""Filters of the document (PDF) templates."""

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def paras(value, css="indent"):
    """Each non-empty line of ``value`` as its own (escaped) paragraph."""
    lines = [line.strip() for line in str(value or "").splitlines() if line.strip()]
    css = escape(css)
    return mark_safe("".join(f'<p class="{css}">{escape(line)}</p>' for line in lines))  # noqa: S308 - every interpolated value is escaped above


@register.filter
def nopunct(value):
    """``value`` without trailing punctuation (to embed it in a sentence)."""
    return str(value or "").strip().rstrip("。；，、.;,： ")
