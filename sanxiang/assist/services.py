"""智能辅助 services: law import, catalogue links, article recommendations, similar decisions.

* ``import_laws(paths)`` — all-or-nothing; idempotent (same file → nothing changes);
  versioned by revision date (a new revision is a new ``Law`` row; lookups use the latest).
* ``build_catalog_links()`` — parses the catalogue's 《法名》第X条 legal bases into links.
* ``recommend_articles(user, facts, catalog_item=None, agency=None)`` and
  ``similar_decisions(user, facts, catalog_item=None, agency=None)`` — both read only what the
  user may see: decided cases of ``scope()``'s agencies and published (redacted) snapshots.
In-process indexes are rebuilt when ``CorpusGeneration`` grows (articles, links) or when the
decision tables change (count + latest ``updated_at``).
"""

from __future__ import annotations

import hashlib
import heapq
import secrets
import threading
from pathlib import Path

from django.db import transaction
from django.db.models import Count, Max
from django.utils.translation import gettext as _

from sanxiang.core import clock
from sanxiang.core.errors import DomainError, ErrorCode
from sanxiang.org.permissions import require_agency_access
from sanxiang.org.scoping import scope, visible_agency_ids

from . import corpus
from .index import BM25, ArticleDoc, ArticleIndex, Precedent, tokens
from .models import AcceptedArticle, Article, CatalogArticleLink, CorpusGeneration, Law

_cache_lock = threading.RLock()
_article_cache: dict = {}
_decision_cache: dict = {}
_titles_cache: dict = {}
# query terms in more than this share of the decisions are skipped (near-zero idf, most cost)
DECISION_MAX_DF = 0.2


# ---------------------------------------------------------------- corpus
def generation() -> int:
    row = CorpusGeneration.objects.order_by("pk").first()
    return row.value if row else 0


def bump_generation() -> None:
    """A new random generation (not +1: a rolled-back bump followed by another change
    must not reproduce a value an in-process cache was built under)."""
    row, _created = CorpusGeneration.objects.get_or_create(pk=1)
    value = secrets.randbits(62)
    while value == row.value:
        value = secrets.randbits(62)
    CorpusGeneration.objects.filter(pk=row.pk).update(value=value)


def clear_caches() -> None:
    """Drop the in-process indexes (tests; after a restore)."""
    with _cache_lock:
        _article_cache.clear()
        _decision_cache.clear()
        _titles_cache.clear()


def _expand(paths) -> list[Path]:
    files: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            files.extend(
                sorted(x for x in p.glob("*.md") if x.name not in ("SOURCE.md", "README.md"))
            )
        elif p.exists():
            files.append(p)
        else:
            raise DomainError(
                _("找不到法律文本文件“%(name)s”。未导入任何内容。") % {"name": str(p)},
                ErrorCode.IMPORT_FAILED,
            )
    return files


def import_laws(paths, actor=None) -> dict:
    """Import Markdown law files (files or folders). Returns counts {created, updated, unchanged}."""
    parsed = []
    for path in _expand(paths):
        sources = corpus.source_lines(path.parent)
        law = corpus.parse_law_file(path, source=sources.get(path.name, ""))
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        parsed.append((path, law, digest))
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    with transaction.atomic():
        for path, law, digest in parsed:
            key = corpus.law_key(law.title)
            row = Law.objects.filter(key=key, revision_date=law.revision_date).first()
            if row and row.content_sha256 == digest:
                counts["unchanged"] += 1
                continue
            if row:
                row.articles.all().delete()
                counts["updated"] += 1
            else:
                row = Law(key=key, revision_date=law.revision_date)
                counts["created"] += 1
            row.title = law.title
            row.source = law.source[:500]
            row.file_name = path.name[:300]
            row.content_sha256 = digest
            row.imported_at = clock.now()
            row.save()
            Article.objects.bulk_create(
                Article(
                    law=row,
                    number=a.number,
                    ordinal=a.ordinal,
                    chapter=a.chapter[:200],
                    text=a.text,
                )
                for a in law.articles
            )
        if counts["created"] or counts["updated"]:
            build_catalog_links()
            bump_generation()
            changed = {corpus.law_key(law.title) for _p, law, _d in parsed}
            invalidate_public_pages(changed)
    return counts


def invalidate_public_pages(law_keys) -> int:
    """Drop the cached public decision pages (/gs/jd/<id>/) that may show the text of these
    laws' articles (the page renders every article its decision text cites, from the corpus):
    every publication with a snapshot whose text names one of the laws (the key — the title
    without 《》 and 中华人民共和国 — is part of every way of writing the title). Read in
    Python (the JSON text is stored escaped on SQLite); an import is a rare admin step.
    Returns the number of publications."""
    import json

    from sanxiang.publicity import services as publicity
    from sanxiang.publicity.models import Snapshot

    keys = [k for k in law_keys if k]
    ids = set()
    if keys:
        rows = Snapshot.objects.values_list("publication_id", "full_text")
        for publication_id, full_text in rows.iterator(chunk_size=2000):
            if publication_id in ids:
                continue
            text = json.dumps(full_text, ensure_ascii=False)
            if any(key in text for key in keys):
                ids.add(publication_id)
    for pk in sorted(ids):
        publicity.invalidate_page(pk)
    return len(ids)


def known_titles() -> tuple[str, ...]:
    """The titles of the laws in the corpus (cached per corpus generation)."""
    gen = generation()
    with _cache_lock:
        if _titles_cache.get("gen") != gen:
            titles = tuple(sorted(set(Law.objects.values_list("title", flat=True))))
            _titles_cache.update(gen=gen, titles=titles)
        return _titles_cache["titles"]


def citations(text: str, default_law: str = "") -> list[tuple[str, str]]:
    """``corpus.parse_citations`` that also knows the corpus's titles without 《》."""
    return corpus.parse_citations(text, default_law=default_law, known_titles=known_titles())


def latest_laws():
    """The latest revision of every law (one per key)."""
    latest = {}
    for law in Law.objects.order_by("key", "-revision_date"):
        latest.setdefault(law.key, law)
    return latest


def find_article(title: str, number: str) -> Article | None:
    """(law title, 第X条) → the article of the law's latest revision, or None."""
    key = corpus.law_key(title)
    return (
        Article.objects.filter(law__key=key, number=corpus.normalize_article(number))
        .select_related("law")
        .order_by("-law__revision_date")
        .first()
    )


def build_catalog_links(agency=None) -> int:
    """(Re)build CatalogArticleLink rows from the legal basis of powers and benchmarks."""
    from sanxiang.catalog.models import DiscretionBenchmark, Power

    articles = {
        (a.law.key, a.number): a
        for a in Article.objects.select_related("law").order_by("law__revision_date")
    }
    titles = tuple(set(Law.objects.values_list("title", flat=True)))
    rows = []
    for kind, model in (
        (CatalogArticleLink.ItemKind.POWER, Power),
        (CatalogArticleLink.ItemKind.BENCHMARK, DiscretionBenchmark),
    ):
        qs = model.objects.all()
        if agency is not None:
            qs = qs.filter(agency=agency)
        for item in qs.only("id", "agency_id", "legal_basis"):
            default = getattr(item, "law_title", "")
            for title, number in corpus.parse_citations(
                item.legal_basis, default_law=default, known_titles=titles
            ):
                key = corpus.law_key(title)
                rows.append(
                    CatalogArticleLink(
                        agency_id=item.agency_id,
                        item_kind=kind,
                        item_id=item.pk,
                        law_title=title[:200],
                        law_key=key[:200],
                        number=number,
                        article=articles.get((key, number)),
                    )
                )
    with transaction.atomic():
        old = CatalogArticleLink.objects.all()
        if agency is not None:
            old = old.filter(agency=agency)
        old.delete()
        CatalogArticleLink.objects.bulk_create(rows, ignore_conflicts=True)
        bump_generation()
    return len(rows)


def _article_index() -> tuple[ArticleIndex, dict]:
    gen = generation()
    with _cache_lock:
        if _article_cache.get("gen") != gen:
            docs = []
            for law in latest_laws().values():
                for a in law.articles.all().order_by("ordinal", "id"):
                    docs.append(ArticleDoc(law.title, law.key, a.number, a.text, a.pk))
            _article_cache.update(gen=gen, index=ArticleIndex(docs), links={})
        return _article_cache["index"], _article_cache


def _links_for_power(power_id) -> list[tuple[str, str, str]]:
    from sanxiang.catalog.models import Power

    power = Power.objects.filter(pk=power_id).first()
    if power is None:
        return []
    reason = _("执法事项“%(name)s”的依据") % {"name": power.name}
    return [
        (link.law_key, link.number, reason)
        for link in CatalogArticleLink.objects.filter(
            item_kind=CatalogArticleLink.ItemKind.POWER, item_id=power.pk
        )
    ]


# ---------------------------------------------------------------- decisions
def _decided_cases():
    from sanxiang.cases.models import Case

    return Case.objects.filter(decision_at__isnull=False, withdrawal_kind="").exclude(
        decision_outcome=""
    )


def _published_snapshots():
    from sanxiang.publicity.models import Snapshot, SnapshotState

    return Snapshot.objects.filter(state=SnapshotState.PUBLISHED)


def _case_citations(case) -> list[tuple[str, str]]:
    basis = " ".join(
        [
            str((case.power_snapshot or {}).get("legal_basis", "")),
            case.decision_summary or "",
        ]
    )
    return [(corpus.law_key(t), n) for t, n in citations(basis)]


def _decision_index():
    """Index of every decided case and published snapshot (visibility is checked per query)."""
    cases = _decided_cases().aggregate(n=Count("id"), t=Max("updated_at"), i=Max("id"))
    snaps = _published_snapshots().aggregate(n=Count("id"), t=Max("updated_at"), i=Max("id"))
    fingerprint = (
        cases["n"],
        cases["t"],
        cases["i"],
        snaps["n"],
        snaps["t"],
        snaps["i"],
        known_titles(),  # the corpus's titles decide which citations are recognised
    )
    with _cache_lock:
        if _decision_cache.get("fp") != fingerprint:
            meta, docs = [], []
            for c in _decided_cases().only(
                "id",
                "agency_id",
                "power_id",
                "title",
                "facts",
                "power_snapshot",
                "decision_summary",
            ):
                meta.append(("case", c.pk, c.agency_id, c.power_id, _case_citations(c)))
                docs.append(tokens(f"{c.title} {c.facts}"))
            for s in (
                _published_snapshots()
                .select_related("publication")
                .only("id", "agency_id", "title", "details", "publication__case_id")
            ):
                d = s.details or {}
                cites = [(corpus.law_key(t), n) for t, n in citations(d.get("basis", ""))]
                meta.append(("snapshot", s.pk, s.agency_id, s.publication.case_id, cites))
                docs.append(tokens(f"{s.title} {d.get('violation_type', '')} {d.get('facts', '')}"))
            _decision_cache.update(fp=fingerprint, meta=meta, bm25=BM25(docs))
        return _decision_cache["bm25"], _decision_cache["meta"]


def _agency_filter(user, agency):
    ids = set(visible_agency_ids(user))
    if agency:
        agency_id = getattr(agency, "pk", agency)
        require_agency_access(user, agency_id)
        ids = {agency_id}
    return ids


def _ranked_decisions(user, facts, agency=None, limit=10):
    """[(kind, pk, score, matched terms, power_or_case_id, citations)] the user may see."""
    bm25, meta = _decision_index()
    own = _agency_filter(user, agency)
    acc, hits = bm25.scores(tokens(facts), max_df=DECISION_MAX_DF)
    ranked = heapq.nsmallest(limit * 50, acc.items(), key=lambda kv: (-kv[1], kv[0]))
    if len(ranked) < len(acc):
        # enough visible candidates among the best? otherwise rank everything
        visible = sum(1 for i, _s in ranked if meta[i][0] != "case" or meta[i][2] in own)
        if visible < limit * 2:
            ranked = sorted(acc.items(), key=lambda kv: (-kv[1], kv[0]))
    out, seen_cases = [], set()
    for i, score in ranked:
        kind, pk, agency_id, ref, cites = meta[i]
        if kind == "case":
            if agency_id not in own:
                continue
            seen_cases.add(pk)
        elif ref and ref in seen_cases:
            continue
        out.append((kind, pk, score, hits[i], ref, cites))
        if len(out) >= limit * 2:
            break
    return out


def _require_staff(user):
    if not getattr(user, "is_authenticated", False):
        from sanxiang.core.errors import PermissionDenied

        raise PermissionDenied(_("只有执法机关的工作人员可以使用智能辅助。"))


def _clean_facts(facts) -> str:
    facts = (facts or "").strip()
    if not facts:
        raise DomainError(_("请填写违法事实后再查询。"), ErrorCode.REQUIRED)
    return facts[:5000]


def similar_decisions(user, facts, catalog_item=None, agency=None, limit=10) -> list[dict]:
    """Most similar decisions the user may see: own agencies' decided cases + published ones."""
    _require_staff(user)
    facts = _clean_facts(facts)
    ranked = _ranked_decisions(user, facts, agency=agency, limit=limit)
    if not ranked:
        return []
    best = ranked[0][2] or 1.0
    case_ids = [pk for kind, pk, *_r in ranked if kind == "case"]
    snap_ids = [pk for kind, pk, *_r in ranked if kind == "snapshot"]
    # Re-read through the scoping call: the index is never trusted for visibility.
    cases = {
        c.pk: c
        for c in scope(_decided_cases().filter(pk__in=case_ids), user).select_related("agency")
    }
    snaps = {s.pk: s for s in _published_snapshots().filter(pk__in=snap_ids)}
    results = []
    for kind, pk, score, terms, _ref, cites in ranked:
        why = ["相同词语：" + "、".join(sorted(set(terms), key=len, reverse=True)[:6])]
        if kind == "case" and pk in cases:
            c = cases[pk]
            if catalog_item and c.power_id == int(catalog_item):
                score += best * 0.5
                why.insert(0, _("同一执法事项"))
            results.append(
                {
                    "kind": "case",
                    "id": c.pk,
                    "title": c.title,
                    "number": c.decision_number or c.number,
                    "agency": c.agency.name,
                    "decision_date": clock.local_date(c.decision_at) if c.decision_at else None,
                    "outcome": c.get_decision_outcome_display(),
                    "fine": c.fine,
                    "articles": [f"{k}{n}" for k, n in cites],
                    "url": f"/cases/{c.pk}/",
                    "score": score,
                    "why": why,
                }
            )
        elif kind == "snapshot" and pk in snaps:
            s = snaps[pk]
            d = s.details or {}
            results.append(
                {
                    "kind": "published",
                    "id": s.pk,
                    "title": s.title,
                    "number": s.document_number,
                    "agency": s.agency_name,
                    "decision_date": s.decision_date,
                    "outcome": s.conclusion or "、".join(d.get("penalty_kinds") or []),
                    "fine": d.get("fine_wan") or None,
                    "articles": [f"{k}{n}" for k, n in cites],
                    "url": f"/gs/jd/{s.pk}/",
                    "score": score,
                    "why": why,
                }
            )
    results.sort(key=lambda r: -r["score"])
    for r in results:
        r["score"] = round(r["score"] / (best * 1.5), 4)
    return results[:limit]


def recommend_articles(user, facts, catalog_item=None, agency=None, limit=10) -> list[dict]:
    _require_staff(user)
    facts = _clean_facts(facts)
    index, _cache = _article_index()
    linked = _links_for_power(catalog_item) if catalog_item else []
    precedents = []
    ranked = _ranked_decisions(user, facts, agency=agency, limit=10)
    if ranked:
        best = ranked[0][2] or 1.0
        for kind, pk, score, terms, _ref, cites in ranked[:10]:
            if cites:
                label = ("案件#%s" if kind == "case" else "公示决定#%s") % pk
                precedents.append(Precedent(label, score / best, cites, terms))
    results = index.recommend(facts, linked=linked, precedents=precedents, limit=max(limit, 10))
    return results[:limit] if limit else results


def article_text(title: str, number: str) -> dict | None:
    art = find_article(title, number)
    if art is None:
        return None
    return {
        "law": art.law.title,
        "article": art.number,
        "text": art.text,
        "revision_date": art.law.revision_date,
        "source": art.law.source,
    }


# ---------------------------------------------------------------- accepting a suggestion
_ITEM = ("（一", "（二", "（三", "（四", "（五", "（六", "（七", "（八", "（九", "（十", "(")


def article_paragraphs(text: str) -> list[str]:
    """The 款 of an article: its lines, with the 项 lines （一）… kept inside the 款 above."""
    out: list[str] = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        if out and line.startswith(_ITEM):
            out[-1] += "\n" + line
        else:
            out.append(line)
    return out


def citation(law_title: str, number: str, paragraph: int | None = None) -> str:
    """《中华人民共和国行政处罚法》第二十八条第一款 (the form a 决定书 cites)."""
    from .drafting import cn_number

    text = f"《{law_title.strip('《》')}》{corpus.normalize_article(number)}"
    if paragraph:
        text += f"第{cn_number(int(paragraph))}款"
    return text


def _require_may_accept(user, case):
    """Who may write the case's 决定书 may accept a citation for it (documents' rule)."""
    from sanxiang.documents.models import DocumentKind
    from sanxiang.documents.services import check_may_write

    _require_staff(user)
    check_may_write(user, DocumentKind.PENALTY_DECISION, case.agency_id, case)
    if case.decision_at is not None:
        raise DomainError(
            _("案件已作出处理决定，不能再采纳推荐条款；如需更正，请制作更正文书。"),
            code=ErrorCode.ILLEGAL_TRANSITION,
        )


def _decision_draft(case):
    from sanxiang.documents.models import Document, DocumentKind

    return (
        Document.objects.drafts()
        .filter(case=case, kind=DocumentKind.PENALTY_DECISION)
        .order_by("-id")
        .first()
    )


def _with_citation(current: str, cite: str) -> str:
    current = (current or "").strip()
    if cite in current:
        return current
    head = current.rstrip("。；;、，, ")
    return f"{head}、{cite}" if head else cite


def _without_citation(current: str, cite: str) -> str:
    parts = [p for p in (current or "").replace("；", "、").split("、") if p.strip()]
    return "、".join(p for p in parts if p.strip().rstrip("。") != cite)


@transaction.atomic
def accept_article(user, case, article_id, field=AcceptedArticle.Field.VIOLATED, paragraph=None):
    """The handler accepts a suggested article: recorded, and written into the 决定书 draft.

    ``field``: ``violated_provisions`` (违反的法律规定) or ``legal_basis`` (行政处罚的依据);
    ``paragraph``: the 款 (1-based) or None for the whole article. When the case has a
    决定书 draft, the citation is added to that field (``documents.services.update_draft``);
    a draft made later starts from the accepted citations (``drafting.decision_draft``)."""
    _require_may_accept(user, case)
    if field not in AcceptedArticle.Field.values:
        raise DomainError(_("请选择填入“违反的法律规定”或“行政处罚的依据”。"), ErrorCode.BAD_CHOICE)
    try:
        art = Article.objects.select_related("law").get(pk=int(article_id))
    except (Article.DoesNotExist, TypeError, ValueError):
        raise DomainError(
            _("法规库中没有该条文，请刷新页面后重试。"), ErrorCode.BAD_CHOICE
        ) from None
    if paragraph in ("", None, 0, "0"):
        paragraph = None
    else:
        try:
            paragraph = int(paragraph)
        except (TypeError, ValueError):
            paragraph = -1
        count = len(article_paragraphs(art.text))
        if not 1 <= paragraph <= count:
            raise DomainError(
                _("《%(law)s》%(n)s共有%(c)s款，请选择其中一款或引用全条。")
                % {"law": art.law.title, "n": art.number, "c": count},
                ErrorCode.OUT_OF_RANGE,
            )
    cite = citation(art.law.title, art.number, paragraph)
    for row in accepted_articles(case):
        if row.field == field and row.citation == cite:
            return row  # accepted already: nothing new to record or write
    doc = _decision_draft(case)
    if doc is not None:
        from sanxiang.documents.services import update_draft

        new = _with_citation(doc.content.get(field, ""), cite)
        if new != doc.content.get(field, ""):
            update_draft(doc, {field: new}, user)
    row = AcceptedArticle.objects.create(
        case=case,
        agency_id=case.agency_id,
        action=AcceptedArticle.Action.ACCEPT,
        field=field,
        article_id=art.pk,
        law_title=art.law.title[:200],
        number=art.number,
        paragraph=paragraph,
        citation=cite[:300],
        article_text=art.text,
        document_id=doc.pk if doc is not None else None,
        actor=user,
        at=clock.now(),
    )
    _ledger(row, user)
    return row


@transaction.atomic
def withdraw_acceptance(user, case, acceptance_id):
    """Withdraw an accepted citation (a new record; the draft loses the citation)."""
    _require_may_accept(user, case)
    current = {a.pk: a for a in accepted_articles(case)}
    try:
        acc = current[int(acceptance_id)]
    except (KeyError, TypeError, ValueError):
        raise DomainError(_("该条款未被采纳或已撤回。"), ErrorCode.WRONG_STATE) from None
    doc = _decision_draft(case)
    if doc is not None:
        from sanxiang.documents.services import update_draft

        new = _without_citation(doc.content.get(acc.field, ""), acc.citation)
        if new != doc.content.get(acc.field, ""):
            update_draft(doc, {acc.field: new}, user)
    row = AcceptedArticle.objects.create(
        case=case,
        agency_id=case.agency_id,
        action=AcceptedArticle.Action.WITHDRAW,
        field=acc.field,
        article_id=acc.article_id,
        law_title=acc.law_title,
        number=acc.number,
        paragraph=acc.paragraph,
        citation=acc.citation,
        document_id=doc.pk if doc is not None else None,
        withdraws=acc.pk,
        actor=user,
        at=clock.now(),
    )
    _ledger(row, user)
    return row


def _ledger(row, user):
    """The acceptance or withdrawal goes into the case's history in the ledger (same
    transaction): the citation, the field, the article and the draft written to."""
    from sanxiang.ledger.events import EventType
    from sanxiang.ledger.services import append_event

    payload = {
        "assist": f"article_{row.action}",
        "action": row.action,
        "field": row.field,
        "citation": row.citation,
        "article": row.article_id,
        "law": row.law_title,
        "number": row.number,
        "paragraph": row.paragraph,
        "document": row.document_id,
        "at": row.at.isoformat(),
    }
    if row.withdraws:
        payload["withdraws"] = row.withdraws
    append_event(EventType.CASE_EVENT, row, payload, user, key="acceptance")


def accepted_articles(case) -> list[AcceptedArticle]:
    """The case's accepted citations still in force (accepted, not withdrawn), oldest first."""
    rows = list(AcceptedArticle.objects.filter(case=case).order_by("id"))
    withdrawn = {r.withdraws for r in rows if r.action == AcceptedArticle.Action.WITHDRAW}
    out, seen = [], set()
    for r in rows:
        if r.action == AcceptedArticle.Action.ACCEPT and r.pk not in withdrawn:
            if (r.field, r.citation) not in seen:
                seen.add((r.field, r.citation))
                out.append(r)
    return out
