"""智能辅助 services: law import, catalogue links, article recommendations, similar decisions.

* ``import_laws(paths)`` — all-or-nothing; idempotent (same file → nothing changes);
  versioned by revision date (a new revision is a new ``Law`` row; lookups use the latest).
* ``build_catalog_links()`` — parses the catalogue's 《法名》第X条 legal bases into links.
* ``recommend_articles(user, facts, catalog_item=None, agency=None)`` and
  ``similar_decisions(user, facts, catalog_item=None, agency=None)`` — both read only what the
  user may see: decided cases of ``scope()``'s agencies and published (redacted) snapshots.
In-process indexes: the article index is rebuilt when the corpus generation (row 1 of
``CorpusGeneration``) changes; the decision index is updated row by row when the decision
generation (row 2) changes, bumped by the signal receivers of ``signals.py`` whenever a
decided case or a snapshot is saved or deleted (see ``_decision_index``).
"""

from __future__ import annotations

import functools
import hashlib
import logging
import secrets
import threading
import time
from collections import OrderedDict
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max
from django.utils.translation import gettext as _

from sanxiang.core import clock
from sanxiang.core.errors import DomainError, ErrorCode
from sanxiang.org.permissions import require_agency_access
from sanxiang.org.scoping import scope, visible_agency_ids

from . import corpus
from .index import (
    PUBLISHED,
    ArticleDoc,
    ArticleIndex,
    DecisionDoc,
    DecisionIndex,
    Precedent,
    tokens,
)
from .models import AcceptedArticle, Article, CatalogArticleLink, CorpusGeneration, Law

_cache_lock = threading.RLock()
_article_cache: dict = {}
_decision_cache: dict = {}
_titles_cache: dict = {}
_candidates: OrderedDict = OrderedDict()  # (index version, facts, groups, limit) → ranked
CANDIDATES_KEPT = 64
# query terms in more than this share of the decisions are skipped (near-zero idf, most cost)
DECISION_MAX_DF = 0.2
# CorpusGeneration rows: the law corpus and its links; the decided cases and snapshots
CORPUS_ROW, DECISIONS_ROW = 1, 2
log = logging.getLogger(__name__)


# ---------------------------------------------------------------- corpus
def generation() -> int:
    row = CorpusGeneration.objects.filter(pk=CORPUS_ROW).first()
    return row.value if row else 0


def _generations() -> tuple[int, int]:
    """(corpus generation, decision generation) in one primary-key read."""
    values = dict(
        CorpusGeneration.objects.filter(pk__in=(CORPUS_ROW, DECISIONS_ROW)).values_list(
            "pk", "value"
        )
    )
    return values.get(CORPUS_ROW, 0), values.get(DECISIONS_ROW, 0)


def bump_generation(row_pk: int = CORPUS_ROW) -> None:
    """A new random generation (not +1: a rolled-back bump followed by another change
    must not reproduce a value an in-process cache was built under)."""
    row, _created = CorpusGeneration.objects.get_or_create(pk=row_pk)
    value = secrets.randbits(62)
    while value == row.value:
        value = secrets.randbits(62)
    CorpusGeneration.objects.filter(pk=row.pk).update(value=value)


def decisions_changed(kind: str, pk: int) -> None:
    """A decided case (``kind`` "case") or a snapshot ("snapshot") was saved or deleted
    (``signals.py``).

    This process's decision index is marked stale at once and the row is re-read by its next
    query (even inside the same transaction, and whatever its ``updated_at``); the other
    processes learn it from the decision generation, bumped when the transaction commits (so
    they never read it before the rows are visible to them) and re-read the rows whose
    ``updated_at`` changed."""
    with _cache_lock:
        if "index" in _decision_cache:
            _decision_cache["dirty"] = True
            _decision_cache.setdefault("changed", set()).add((kind, pk))
    transaction.on_commit(_bump_decisions, robust=True)


def _bump_decisions() -> None:
    try:
        bump_generation(DECISIONS_ROW)
    except Exception:  # the change is committed; the periodic check finds it (RECHECK)
        log.exception("assist: decision generation not bumped")


def clear_caches() -> None:
    """Drop the in-process indexes (tests; after a restore)."""
    with _cache_lock:
        _article_cache.clear()
        _decision_cache.clear()
        _titles_cache.clear()
        _candidates.clear()


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


def known_titles(gen: int | None = None) -> tuple[str, ...]:
    """The titles of the laws in the corpus (cached per corpus generation)."""
    if gen is None:
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


def _article_index(gen: int | None = None) -> tuple[ArticleIndex, dict]:
    if gen is None:
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


def _case_citations(case, titles=None) -> list[tuple[str, str]]:
    basis = " ".join(
        [
            str((case.power_snapshot or {}).get("legal_basis", "")),
            case.decision_summary or "",
        ]
    )
    if titles is None:
        titles = known_titles()
    return list(_parsed_citations(basis, titles))


@functools.lru_cache(maxsize=20_000)
def _parsed_citations(text: str, titles: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """(law key, 第X条) cited by ``text`` (cached: decisions repeat their legal bases)."""
    return tuple(
        (corpus.law_key(t), n) for t, n in corpus.parse_citations(text, known_titles=titles)
    )


def _case_docs(qs, titles):
    for c in qs.only(
        "id",
        "agency_id",
        "power_id",
        "title",
        "facts",
        "power_snapshot",
        "decision_summary",
        "updated_at",
    ).order_by():
        doc = DecisionDoc(
            "case",
            c.pk,
            c.agency_id,
            c.power_id,
            _case_citations(c, titles),
            (0, -c.pk),
            c.updated_at,
        )
        yield doc, tokens(f"{c.title} {c.facts}")


def _snapshot_docs(qs, titles):
    for s in (
        qs.select_related("publication")
        .only(
            "id",
            "agency_id",
            "title",
            "details",
            "decision_date",
            "updated_at",
            "publication__case_id",
        )
        .order_by()
    ):
        d = s.details or {}
        cites = list(_parsed_citations(d.get("basis", ""), titles))
        # ties: cases before snapshots, newest first (the tables' own ordering)
        order = (1, -s.decision_date.toordinal(), -s.pk)
        doc = DecisionDoc(
            "snapshot", s.pk, s.agency_id, s.publication.case_id, cites, order, s.updated_at
        )
        yield doc, tokens(f"{s.title} {d.get('violation_type', '')} {d.get('facts', '')}")


def _fingerprint():
    """Count, latest update and id of both tables: the periodic safety check (``RECHECK``)
    for writes that send no signal (``bulk_create``, ``QuerySet.update``, a restore)."""
    cases = _decided_cases().aggregate(n=Count("id"), t=Max("updated_at"), i=Max("id"))
    snaps = _published_snapshots().aggregate(n=Count("id"), t=Max("updated_at"), i=Max("id"))
    return tuple(cases.values()) + tuple(snaps.values())


def _recheck_seconds() -> float:
    return float(getattr(settings, "ASSIST_DECISION_RECHECK_SECONDS", 60))


def _refresh(index: DecisionIndex, titles, touched=()) -> int:
    """Bring ``index`` up to the tables: re-tokenise only the rows that are new, whose
    ``updated_at`` changed or that this process saved (``touched``), drop the rows that
    left (no longer decided / published).
    Reads (id, updated_at) of every row — two narrow columns — and the text of the changed."""
    want = {("case", pk): t for pk, t in _decided_cases().values_list("id", "updated_at")}
    want.update(
        (("snapshot", pk), t) for pk, t in _published_snapshots().values_list("id", "updated_at")
    )
    have = index.stamps()
    for key in have.keys() - want.keys():
        index.remove(key)
    changed = [
        key for key, t in want.items() if key not in have or have[key] != t or key in touched
    ]
    for kind, source, docs in (
        ("case", _decided_cases, _case_docs),
        ("snapshot", _published_snapshots, _snapshot_docs),
    ):
        pks = [pk for k, pk in changed if k == kind]
        for start in range(0, len(pks), 2000):
            for doc, toks in docs(source().filter(pk__in=pks[start : start + 2000]), titles):
                index.upsert(doc, toks)
    return len(changed)


def _decision_index(gens: tuple[int, int] | None = None) -> tuple[DecisionIndex, int]:
    """The process's index of every decided case and published snapshot, and its version.

    Freshness costs one primary-key read per request (``_generations``), not a scan:
    * built in full on first use and when the corpus generation changes (the corpus's
      titles decide which citations are recognised);
    * brought up to date row by row (``_refresh``) when the decision generation differs
      from the one it was refreshed under, when this process saved a decision
      (``decisions_changed``), or — as a safety net for writes without signals — when
      ``_fingerprint()`` differs, checked at most every ``ASSIST_DECISION_RECHECK_SECONDS``.
    Visibility is never taken from the index alone: only the groups a user may see are
    scored, and ``similar_decisions`` re-reads its results through ``scope()``."""
    corpus_gen, decision_gen = gens if gens is not None else _generations()
    now = time.monotonic()
    with _cache_lock:
        st = _decision_cache
        index = st.get("index")
        if index is None or st.get("corpus") != corpus_gen:
            titles = known_titles(corpus_gen)
            fingerprint = _fingerprint()
            index = DecisionIndex()
            for doc, toks in _case_docs(_decided_cases(), titles):
                index.upsert(doc, toks)
            for doc, toks in _snapshot_docs(_published_snapshots(), titles):
                index.upsert(doc, toks)
            st.clear()
            st.update(
                index=index,
                corpus=corpus_gen,
                gen=decision_gen,
                fp=fingerprint,
                checked=now,
                version=st.get("version", 0) + 1,
                dirty=False,
            )
        else:
            stale = st.get("dirty") or st.get("gen") != decision_gen
            if not stale and now - st.get("checked", 0.0) >= _recheck_seconds():
                fingerprint = _fingerprint()
                stale = fingerprint != st.get("fp")
                st.update(fp=fingerprint, checked=now)
            if stale:
                touched = st.pop("changed", set())
                st["dirty"] = False  # a change saved while refreshing marks it again
                _refresh(index, known_titles(corpus_gen), touched)
                st.update(gen=decision_gen, version=st["version"] + 1)
        return index, st["version"]


def _agency_filter(user, agency):
    ids = set(visible_agency_ids(user))
    if agency:
        agency_id = getattr(agency, "pk", agency)
        require_agency_access(user, agency_id)
        ids = {agency_id}
    return ids


def _ranked_decisions(user, facts, agency=None, limit=10, gens=None):
    """[(kind, pk, score, matched terms, power_or_case_id, citations)] the user may see.

    Only the user's agencies' cases and the published snapshots are scored (the index's
    groups); a snapshot of a case already listed is left out. The answer is kept for the
    next request with the same facts and groups (the case page asks for articles and for
    similar decisions with the same facts) until the index changes."""
    index, version = _decision_index(gens)
    own = _agency_filter(user, agency)
    groups = tuple(sorted(own)) + (PUBLISHED,)
    key = (version, facts, groups, limit)
    with _cache_lock:
        if key in _candidates:
            _candidates.move_to_end(key)
            return list(_candidates[key])
        acc, used = index.scores(tokens(facts), groups=groups, max_df=DECISION_MAX_DF)
        want = limit * 2
        k = want * 2
        ranked = index.best(acc, k)
        while True:
            out, seen_cases = [], set()
            for slot, score in ranked:
                d = index.docs[slot]
                if d.kind == "case":
                    seen_cases.add(d.pk)
                elif d.ref and d.ref in seen_cases:
                    continue
                out.append((d.kind, d.pk, score, index.matched(slot, used), d.ref, d.citations))
                if len(out) >= want:
                    break
            if len(out) >= want or k is None or k >= len(acc):
                break
            k = None  # snapshots of listed cases took places: rank every candidate
            ranked = index.best(acc, k)
        _candidates[key] = out
        while len(_candidates) > CANDIDATES_KEPT:
            _candidates.popitem(last=False)
        return list(out)


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
    gens = _generations()
    index, _cache = _article_index(gens[0])
    linked = _links_for_power(catalog_item) if catalog_item else []
    precedents = []
    ranked = _ranked_decisions(user, facts, agency=agency, limit=10, gens=gens)
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
