"""``{% inbox_counts as c %}``: the person's open to-dos and unread notifications."""

from django import template

from .. import inbox, services

register = template.Library()


@register.simple_tag(takes_context=True)
def inbox_counts(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"todos": 0, "unread": 0}
    cache = getattr(request, "_sanxiang_inbox_counts", None)
    if cache is None:
        cache = {"todos": inbox.count(user), "unread": services.unread_count(user)}
        request._sanxiang_inbox_counts = cache
    return cache
