"""Inclusion tags to show assistance wherever a case or a citation is shown.

{% load assist_tags %}
{% article_suggestions case %}   top article suggestions for the case's facts, with reasons
{% similar_cases case %}         similar decisions the viewing user may see
{% article_text "中华人民共和国行政处罚法" "第七十五条" %}   the article's text (collapsible)
{% cited_articles text1 text2 ... %}   the text of every 《法》第X条 cited in the texts
"""

from django import template

from sanxiang.core.errors import DomainError

from .. import services
from ..drafting import cn_number

register = template.Library()


def _user(context):
    request = context.get("request")
    return getattr(request, "user", None) or context.get("user")


def _case_facts(case) -> str:
    return " ".join(x for x in (getattr(case, "title", ""), getattr(case, "facts", "")) if x)


@register.inclusion_tag("assist/_article_suggestions.html", takes_context=True)
def article_suggestions(context, case, limit=5, in_form=True):
    """Suggestions with their reasons and, for who may write the 决定书, accept buttons.

    ``in_form``: the tag sits inside the page's own form (决定, 送审): the buttons then post
    to the accept view with ``formaction``; otherwise each suggestion is its own small form."""
    from django.urls import reverse
    from django.utils.http import urlencode

    from ..models import AcceptedArticle, Article

    user = _user(context)
    facts = _case_facts(case)
    results, error = [], ""
    if facts.strip():
        try:
            results = services.recommend_articles(
                user, facts, catalog_item=getattr(case, "power_id", None), limit=limit
            )
        except DomainError as exc:
            error = str(exc.message)
    may_accept, accepted = False, []
    if getattr(case, "pk", None) and user is not None:
        try:
            services._require_may_accept(user, case)
            may_accept = True
        except DomainError:
            may_accept = False
        accepted = services.accepted_articles(case)
    if may_accept and results:
        texts = dict(
            Article.objects.filter(pk__in=[r["id"] for r in results if r["id"]]).values_list(
                "pk", "text"
            )
        )
        for r in results:
            count = len(services.article_paragraphs(texts.get(r["id"], "")))
            r["paragraphs"] = [(n, cn_number(n)) for n in range(1, count + 1)] if count > 1 else []
    cited_here = []
    if getattr(case, "pk", None):
        draft = services._decision_draft(case)
        content = draft.content if draft is not None else {}
        cited_here = cited(
            content.get("violated_provisions", ""),
            content.get("legal_basis", ""),
            [a.citation for a in accepted],
        )
    request = context.get("request")
    accept_url = ""
    if may_accept:
        accept_url = reverse("assist:accept", args=[case.pk])
        if request is not None:
            # re-rendered by the accept view (JSON): back to the page it came from
            back = context.get("assist_next") or request.get_full_path()
            accept_url += "?" + urlencode({"next": back})
    return {
        "results": results,
        "error": error,
        "case": case,
        "may_accept": may_accept,
        "accepted": accepted,
        "accept_url": accept_url,
        "in_form": in_form,
        "cited": cited_here,
        "status": context.get("assist_status"),
        "fields": AcceptedArticle.Field,
        "csrf_token": context.get("csrf_token"),
    }


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


def _texts(value):
    """Strings out of a text, a list of texts or (label, text) pairs, or a dict of fields."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [str(v) for v in value.values() if isinstance(v, str)]
    if isinstance(value, (list, tuple)):
        return [t for v in value for t in _texts(v)]
    return [str(value)]


def cited(*values, limit=30, only_found=False) -> list[dict]:
    """[{law, article, found}] for every citation in ``values`` (first appearance order);
    ``found`` is the corpus article (``services.article_text``) or None."""
    from ..corpus import law_key

    out, seen = [], set()
    for text in _texts(list(values)):
        for law, number in services.citations(text):
            key = (law_key(law), number)
            if key in seen:
                continue
            seen.add(key)
            found = services.article_text(law, number)
            if found is None and only_found:
                continue
            out.append({"law": law, "article": number, "found": found})
            if len(out) >= limit:
                return out
    return out


@register.inclusion_tag("assist/_cited_articles.html")
def cited_articles(*values, heading="", public=False):
    """The cited articles' text (review checklist, public decision page); ``public``: only
    the articles the corpus holds (no "not in the corpus" note on public pages)."""
    return {"items": cited(*values, only_found=public), "heading": heading}
