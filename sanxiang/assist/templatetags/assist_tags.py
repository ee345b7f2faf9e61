"""Inclusion tags to show assistance wherever a case or a citation is shown.

{% load assist_tags %}
{% article_suggestions case %}   top article suggestions for the case's facts, with reasons
{% similar_cases case %}         similar decisions the viewing user may see
{% article_text "中华人民共和国行政处罚法" "第七十五条" %}   the article's text (collapsible)
"""

from django import template

from sanxiang.core.errors import DomainError

from .. import services

register = template.Library()


def _user(context):
    request = context.get("request")
    return getattr(request, "user", None) or context.get("user")


def _case_facts(case) -> str:
    return " ".join(x for x in (getattr(case, "title", ""), getattr(case, "facts", "")) if x)


@register.inclusion_tag("assist/_article_suggestions.html", takes_context=True)
def article_suggestions(context, case, limit=5):
    facts = _case_facts(case)
    results, error = [], ""
    if facts.strip():
        try:
            results = services.recommend_articles(
                _user(context), facts, catalog_item=getattr(case, "power_id", None), limit=limit
            )
        except DomainError as exc:
            error = str(exc.message)
    return {"results": results, "error": error, "case": case}


@register.inclusion_tag("assist/_similar_cases.html", takes_context=True)
def similar_cases(context, case, limit=5):
    facts = _case_facts(case)
    results, error = [], ""
    if facts.strip():
        try:
            results = services.similar_decisions(
                _user(context), facts, catalog_item=getattr(case, "power_id", None), limit=limit + 1
            )
        except DomainError as exc:
            error = str(exc.message)
    own_id = getattr(case, "pk", None)
    results = [r for r in results if not (r["kind"] == "case" and r["id"] == own_id)][:limit]
    return {"results": results, "error": error}


@register.inclusion_tag("assist/_article_text.html")
def article_text(law, article):
    return {"law": law, "article": article, "found": services.article_text(law, article)}
