"""Case list filters shared by the workbench page, the API and the benchmark.

Every filter keeps the ``(agency, [stage|act_type], -id)`` indexes usable; pages are
keyset-paginated by ``id`` (no COUNT(*) over the table).
"""

from sanxiang.core.fields import CaseActType
from sanxiang.core.inputs import parse_id

from .models import Stage

PAGE_SIZE = 50


def scoped_cases(user, qs=None):
    """``scope(Case.objects…, user)`` plus, when the user sees exactly one agency, the same
    restriction as an equality: ``agency_id = ANY(array)`` does not let PostgreSQL walk
    the (agency, stage, -id) index in id order, ``agency_id = X`` does (no sort, no scan
    of the other rows even when a filter matches nothing)."""
    from sanxiang.org.scoping import scope, visible_agency_ids

    from .models import Case

    qs = scope(Case.objects.all() if qs is None else qs, user)
    if not (user.is_superuser and user.agency_id is None):
        ids = visible_agency_ids(user)
        if len(ids) == 1:
            qs = qs.filter(agency_id=ids[0])
    return qs


def filter_cases(qs, params):
    stage = params.get("stage")
    if stage in Stage.values:
        qs = qs.filter(stage=stage)
    act_type = params.get("act_type")
    if act_type in CaseActType.values:
        qs = qs.filter(act_type=act_type)
    agency = parse_id(params.get("agency"))
    if agency is not None:
        qs = qs.filter(agency_id=agency)
    q = (params.get("q") or "").strip()
    if q:
        if "号" in q or "〔" in q:
            qs = qs.filter(number=q)
        else:
            qs = qs.filter(title__contains=q)
    return qs


def keyset_page(qs, cursor=None, limit=PAGE_SIZE):
    """(rows, next_cursor) for the page after ``cursor`` (an id), newest first."""
    cursor = parse_id(cursor)
    if cursor is not None:
        qs = qs.filter(id__lt=cursor)
    rows = list(qs.order_by("-id")[: limit + 1])
    next_cursor = rows[limit - 1].pk if len(rows) > limit else None
    return rows[:limit], next_cursor
