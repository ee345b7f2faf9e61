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
from .models import Article, CatalogArticleLink, CorpusGeneration, Law

_cache_lock = threading.Lock()
_article_cache: dict = {}
_decision_cache: dict = {}
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
                ErrorCode.INVALID,
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
    return counts


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
            for title, number in corpus.parse_citations(item.legal_basis, default_law=default):
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
    return [(corpus.law_key(t), n) for t, n in corpus.parse_citations(basis)]


def _decision_index():
    """Index of every decided case and published snapshot (visibility is checked per query)."""
    cases = _decided_cases().aggregate(n=Count("id"), t=Max("updated_at"), i=Max("id"))
    snaps = _published_snapshots().aggregate(n=Count("id"), t=Max("updated_at"), i=Max("id"))
    fingerprint = (cases["n"], cases["t"], cases["i"], snaps["n"], snaps["t"], snaps["i"])
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
                cites = [
                    (corpus.law_key(t), n) for t, n in corpus.parse_citations(d.get("basis", ""))
                ]
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
        raise DomainError(_("请填写违法事实后再查询。"), ErrorCode.INVALID)
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
