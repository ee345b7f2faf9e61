"""Who may read a ledger leaf's *content* (issue #11 item 4).

Leaf hashes, proofs, tree heads and the key are public (anyone must be able to check a
record). A leaf's content - the canonical JSON with the actor's name and the payload
(party names, facts, officers…) - is readable only by users who may see the agency the
leaf belongs to, with the same rule as every other record (``sanxiang.org.scoping``): a
user of an enforcement agency sees its own agency, a supervisor (司法局) the agencies it
supervises, a superuser without an agency everything. The actor of a leaf may always read
it.

The agency of a leaf is found from its subject (``"case:12"`` → the case's agency …), see
``SUBJECTS``. Subjects of platform-wide public facts (the holiday calendar) are readable
by every logged-in user; a subject this module does not know is readable by nobody but the
actor and a platform superuser (fail closed: a new kind of subject must be added here).
"""

from __future__ import annotations

from collections import defaultdict

from django.apps import apps

from sanxiang.org.scoping import visible_agency_ids

PUBLIC = "public"

# subject prefix -> (model, field the subject's id names, agency fields of that model)
SUBJECTS = {
    "case": ("cases.Case", "pk", ("agency_id",)),
    "recording": ("records.Recording", "pk", ("agency_id",)),
    "document": ("documents.Document", "pk", ("agency_id",)),
    "review": ("review.Review", "pk", ("agency_id",)),
    "publication": ("publicity.Publication", "pk", ("agency_id",)),
    "annual_report": ("publicity.AnnualReport", "pk", ("agency_id",)),
    "certificate": ("org.Certificate", "number", ("agency_id", "officer__agency_id")),
    "agency": ("org.Agency", "pk", ("pk",)),
    "catalog_version": ("catalog.CatalogVersion", "pk", ("agency_id",)),
    "complaint": ("complaints.Complaint", "number", ("agency_id",)),
    "inspection_plan": ("inspections.Plan", "pk", ("agency_id",)),
    "inspection_task": ("inspections.Task", "pk", ("agency_id",)),
    "evaluation_round": ("evaluation.Round", "pk", ("agency_id",)),
    "evaluation_sheet": ("evaluation.Sheet", "pk", ("agency_id", "round__agency_id")),
    "evaluation_rectification": (
        "evaluation.Rectification",
        "pk",
        ("agency_id", "round__agency_id"),
    ),
}
# The State Council holiday schedule and its changes: public facts.
PUBLIC_SUBJECTS = {"holiday", "holiday-year"}


def _split(subject: str):
    prefix, _sep, ident = (subject or "").partition(":")
    return prefix, ident


def leaf_agencies(leaves) -> dict[int, set | str]:
    """``{leaf index: set of agency ids | PUBLIC}``; an empty set when unknown."""
    out: dict[int, set | str] = {}
    wanted: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for leaf in leaves:
        prefix, ident = _split(leaf.subject)
        if prefix in PUBLIC_SUBJECTS:
            out[leaf.index] = PUBLIC
            continue
        out[leaf.index] = set()
        if prefix in SUBJECTS and ident:
            wanted[prefix][ident].append(leaf.index)
    for prefix, by_ident in wanted.items():
        label, id_field, agency_fields = SUBJECTS[prefix]
        model = apps.get_model(label)
        idents = list(by_ident)
        if id_field == "pk":
            idents = [i for i in idents if i.isdigit()]
            if not idents:
                continue
        lookup = "pk" if id_field == "pk" else id_field
        rows = model.objects.filter(**{f"{lookup}__in": idents}).values_list(lookup, *agency_fields)
        for row in rows:
            for index in by_ident.get(str(row[0]), []):
                out[index].update(a for a in row[1:] if a is not None)
    return out


def _sees_everything(user) -> bool:
    return bool(user.is_superuser and user.agency_id is None)


def readable(user, leaves) -> set[int]:
    """Indices of ``leaves`` whose content ``user`` may read."""
    leaves = list(leaves)
    if user is None or not user.is_authenticated or not user.is_active:
        return set()
    if _sees_everything(user):
        return {leaf.index for leaf in leaves}
    visible = set(visible_agency_ids(user))
    owners = leaf_agencies(leaves)
    out = set()
    for leaf in leaves:
        agencies = owners.get(leaf.index, set())
        if leaf.actor_id is not None and leaf.actor_id == user.pk:
            out.add(leaf.index)
        elif agencies == PUBLIC or (agencies and agencies & visible):
            out.add(leaf.index)
    return out


def may_read(user, leaf) -> bool:
    return leaf.index in readable(user, [leaf])
