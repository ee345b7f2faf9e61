"""Public representations of snapshots (open-data API, webhooks, feed). Snapshots only."""

from django.urls import reverse
from rest_framework import serializers

from .models import Snapshot


def decision_path(publication_id) -> str:
    return reverse("gs:decision", args=[publication_id])


def snapshot_public_dict(snap: Snapshot) -> dict:
    """Everything public about a snapshot (withdrawn ones keep only the notice fields)."""
    base = {
        "id": snap.publication_id,
        "version": snap.version,
        "state": snap.state,
        "url": decision_path(snap.publication_id),
        "agency": snap.agency_name,
        "agency_usci": snap.agency_usci,
        "category": snap.category,
        "category_label": str(snap.get_category_display()),
        "document_number": snap.document_number,
        "decision_date": snap.decision_date.isoformat(),
        "published_at": snap.published_at.isoformat() if snap.published_at else None,
        "ledger_index": snap.ledger_index,
        "sha256": snap.content_sha256,
    }
    if snap.state == "withdrawn":
        base.update(
            {
                "withdrawn_on": snap.withdrawn_on.isoformat() if snap.withdrawn_on else None,
                "withdrawal_kind": snap.withdrawal_kind,
                "withdrawal_reason": snap.withdrawal_reason,
            }
        )
        return base
    base.update(
        {
            "title": snap.title,
            "target_type": snap.target_type,
            "target_name": snap.target_name,
            "target_usci": snap.target_usci,
            "target_legal_rep": snap.target_legal_rep,
            "conclusion": snap.conclusion,
            "visible_until": snap.visible_until.isoformat() if snap.visible_until else None,
            "correction_note": snap.correction_note,
            "details": {k: v for k, v in (snap.details or {}).items() if k != "parties"},
            "full_text": snap.full_text,
        }
    )
    return base


class DecisionListSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="publication_id", read_only=True)
    category = serializers.CharField(read_only=True, help_text="执法行为类别代码 (ActType)")
    case_act_type = serializers.CharField(read_only=True, help_text="案件类别代码 (CaseActType)")
    target_type = serializers.CharField(read_only=True, help_text="行政相对人类别代码 (PartyType)")
    url = serializers.SerializerMethodField()
    category_label = serializers.CharField(source="get_category_display", read_only=True)
    agency = serializers.CharField(source="agency_name", read_only=True)

    class Meta:
        model = Snapshot
        fields = [
            "id",
            "version",
            "url",
            "agency",
            "agency_usci",
            "category",
            "category_label",
            "case_act_type",
            "document_number",
            "title",
            "decision_date",
            "target_type",
            "target_name",
            "target_usci",
            "target_legal_rep",
            "conclusion",
            "published_at",
            "visible_until",
            "ledger_index",
        ]
        read_only_fields = fields

    def get_url(self, obj) -> str:
        return decision_path(obj.publication_id)


class FullTextSection(serializers.ListField):
    child = serializers.CharField()


class DecisionDetailSerializer(DecisionListSerializer):
    details = serializers.JSONField(read_only=True)
    full_text = serializers.ListField(child=FullTextSection(), read_only=True)

    class Meta(DecisionListSerializer.Meta):
        fields = [
            *DecisionListSerializer.Meta.fields,
            "details",
            "full_text",
            "correction_note",
            "content_sha256",
        ]
        read_only_fields = fields


class WithdrawnSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="publication_id", read_only=True)
    withdrawal_kind = serializers.CharField(
        read_only=True,
        help_text="revoked 撤销 / confirmed_illegal 确认违法 / ordered_redone 责令重作",
    )
    agency = serializers.CharField(source="agency_name", read_only=True)

    class Meta:
        model = Snapshot
        fields = [
            "id",
            "agency",
            "document_number",
            "decision_date",
            "withdrawn_on",
            "withdrawal_kind",
            "withdrawal_reason",
        ]
        read_only_fields = fields
