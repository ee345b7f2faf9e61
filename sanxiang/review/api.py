"""REST API of the legal review (every step of the workflow)."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404  # a malformed id is a 404, not a 500
from rest_framework.response import Response
from rest_framework.views import APIView

from sanxiang.cases.models import Case
from sanxiang.catalog.models import DiscretionTier
from sanxiang.core.inputs import parse_id
from sanxiang.documents.models import Document
from sanxiang.org.models import User
from sanxiang.org.scoping import scope

from . import serializers as s
from . import services
from .models import DeadlineExtension, Dispute, Review


def _case(request, case_id):
    return get_object_or_404(scope(Case.objects.select_related("agency"), request.user), pk=case_id)


def _document(case, doc_id):
    if doc_id is None:
        return None
    return get_object_or_404(Document.objects.filter(case=case), pk=doc_id)


class CaseScopeView(APIView):
    """Whether the case's proposed decision needs legal review (GET: evaluation now;
    POST: the handler records the assessment with the statutory criteria)."""

    @extend_schema(responses=s.ScopeEvaluationSerializer)
    def get(self, request, case_id):
        case = _case(request, case_id)
        scope_ = services.latest_scope(case)
        result = services.evaluate_scope(case, scope_.answers if scope_ else {})
        return Response(s.ScopeEvaluationSerializer(result).data)

    @extend_schema(request=s.ScopeInputSerializer, responses=s.ScopeSerializer)
    def post(self, request, case_id):
        case = _case(request, case_id)
        body = s.ScopeInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        result = services.assess_scope(
            case,
            data.get("answers") or {},
            request.user,
            document=_document(case, data.get("document")),
            note=data.get("note", ""),
        )
        return Response(s.ScopeSerializer(result).data, status=201)


class CaseGateView(APIView):
    """May the decision be issued now? (the same check the decision gate makes)"""

    @extend_schema(responses=s.GateStatusSerializer)
    def get(self, request, case_id):
        case = _case(request, case_id)
        doc_id = parse_id(request.query_params.get("document"))
        document = _document(case, doc_id) if doc_id else None
        st = services.gate_status(case, document)
        return Response(
            {
                "ok": st.ok,
                "required": st.required,
                "message": str(st.message),
                "reasons": [str(r) for r in st.reasons],
                "review": st.review.pk if st.review else None,
            }
        )


class CaseSubmitView(APIView):
    """送审: submit the draft decision with the materials checklist."""

    @extend_schema(request=s.SubmitSerializer, responses=s.ReviewDetailSerializer)
    def post(self, request, case_id):
        case = _case(request, case_id)
        body = s.SubmitSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        materials = []
        for m in data["materials"]:
            item = {k: m.get(k) for k in ("kind", "title", "reference", "note")}
            item["document"] = _document(case, m.get("document"))
            if m.get("content"):
                item["file"] = (m.get("filename") or "material.bin", m["content"])
            materials.append(item)
        tier = None
        if data.get("tier"):
            tier = get_object_or_404(
                DiscretionTier.objects.select_related("benchmark__version__agency"), pk=data["tier"]
            )
        review = services.submit_for_review(
            case,
            _document(case, data["document"]),
            proposal=data["proposal"],
            materials=materials,
            actor=request.user,
            justification=data.get("justification", ""),
            tier=tier,
            base_amount=data.get("base_amount"),
            assessment_held=data.get("assessment_held", False),
        )
        return Response(s.ReviewDetailSerializer(review).data, status=201)


class ReviewViewSet(viewsets.ReadOnlyModelViewSet):
    """法制审核 of the user's agencies; filters ``status``, ``case``, ``mine=1``."""

    lookup_value_regex = "[0-9]+"

    def get_serializer_class(self):
        return s.ReviewDetailSerializer if self.action != "list" else s.ReviewSerializer

    def get_queryset(self):
        qs = Review.objects.select_related("case", "reviewer").order_by("-id")
        qs = scope(qs, self.request.user)
        params = self.request.query_params
        if params.get("status"):
            qs = qs.filter(status=params["status"])
        case_id = parse_id(params.get("case"))
        if case_id is not None:
            qs = qs.filter(case_id=case_id)
        if params.get("mine") == "1":
            qs = qs.filter(reviewer=self.request.user)
        return qs

    def _done(self, review):
        review.refresh_from_db()
        return Response(s.ReviewDetailSerializer(review).data)

    @extend_schema(responses=s.ReviewerOptionSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="eligible-reviewers")
    def eligible_reviewers(self, request, pk=None):
        """Eligible reviewers (办、审分离), least loaded first."""
        users = services.eligible_reviewers(self.get_object())
        return Response(
            [{"id": u.pk, "name": u.display_name, "open_reviews": u.open_reviews} for u in users]
        )

    @extend_schema(request=s.AssignSerializer, responses=s.ReviewDetailSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        review = self.get_object()
        body = s.AssignSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        reviewer = get_object_or_404(User.objects.all(), pk=body.validated_data["reviewer"])
        services.assign_reviewer(review, reviewer, request.user, body.validated_data["reason"])
        return self._done(review)

    @extend_schema(request=s.AcceptSerializer, responses=s.ReviewDetailSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        review = self.get_object()
        body = s.AcceptSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.accept(review, request.user, today=body.validated_data.get("today"))
        return self._done(review)

    @extend_schema(request=s.ExtensionRequestSerializer, responses=s.ExtensionSerializer)
    @action(detail=True, methods=["post"])
    def extension(self, request, pk=None):
        """Request an extension of the deadline (approved by the head)."""
        review = self.get_object()
        body = s.ExtensionRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        ext = services.request_extension(review, request.user, **body.validated_data)
        return Response(s.ExtensionSerializer(ext).data, status=201)

    @extend_schema(request=s.FindingsSerializer, responses=s.ReviewDetailSerializer)
    @action(detail=True, methods=["post"])
    def findings(self, request, pk=None):
        """Save the checklist in progress."""
        review = self.get_object()
        body = s.FindingsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.save_findings(review, body.validated_data["findings"], request.user)
        return self._done(review)

    @extend_schema(request=s.OpinionInputSerializer, responses=s.ReviewDetailSerializer)
    @action(detail=True, methods=["post"])
    def opinion(self, request, pk=None):
        """Give the written opinion (同意/纠正/不予作出/移送) with the 7-point checklist."""
        review = self.get_object()
        body = s.OpinionInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        services.give_opinion(
            review, request.user, kind=d["kind"], reasoning=d["reasoning"], findings=d["findings"]
        )
        return self._done(review)

    @extend_schema(request=s.ReasonSerializer, responses=s.DisputeSerializer)
    @action(detail=True, methods=["post"])
    def dispute(self, request, pk=None):
        """The handling unit disagrees with a non-agreeing opinion."""
        review = self.get_object()
        body = s.ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        dispute = services.dispute_opinion(
            review, request.user, reason=body.validated_data["reason"]
        )
        return Response(s.DisputeSerializer(dispute).data, status=201)

    @extend_schema(request=s.TransferInputSerializer, responses=s.TransferSerializer)
    @action(detail=True, methods=["post"])
    def transfer(self, request, pk=None):
        """Record the transfer of the suspected crime to the public-security organ."""
        review = self.get_object()
        body = s.TransferInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        transfer = services.record_transfer(review, request.user, **body.validated_data)
        return Response(s.TransferSerializer(transfer).data, status=201)

    @extend_schema(request=s.ReasonSerializer, responses=s.ReviewDetailSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        review = self.get_object()
        body = s.ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.withdraw(review, request.user, reason=body.validated_data["reason"])
        return self._done(review)

    @extend_schema(request=s.ReasonSerializer, responses=s.ReviewDetailSerializer)
    @action(detail=True, methods=["post"], url_path="end-case")
    def end_case(self, request, pk=None):
        """不予作出 stands: the head terminates the case."""
        review = self.get_object()
        body = s.ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.end_case_after_refusal(review, request.user, reason=body.validated_data["reason"])
        return self._done(review)

    @extend_schema(responses=s.DiffFieldSerializer(many=True))
    @action(detail=True, methods=["get"])
    def diff(self, request, pk=None):
        """Differences of the draft from the previous submission."""
        return Response(services.draft_diff(self.get_object()))


class ExtensionViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = s.ExtensionSerializer
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        qs = DeadlineExtension.objects.select_related("review").order_by("-id")
        qs = scope(qs, self.request.user, "review__agency")
        if self.request.query_params.get("status"):
            qs = qs.filter(status=self.request.query_params["status"])
        return qs

    @extend_schema(request=s.ExtensionDecisionSerializer, responses=s.ExtensionSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """The head approves or refuses the extension."""
        ext = self.get_object()
        body = s.ExtensionDecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        ext = services.decide_extension(ext, request.user, **body.validated_data)
        return Response(s.ExtensionSerializer(ext).data)


class DisputeViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = s.DisputeSerializer
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        qs = Dispute.objects.select_related("review", "discussion").order_by("-id")
        return scope(qs, self.request.user, "review__agency")

    @extend_schema(request=s.DiscussionInputSerializer, responses=s.DisputeSerializer)
    @action(detail=True, methods=["post"], url_path="collective-discussion")
    def collective_discussion(self, request, pk=None):
        """The head records the decision after collective discussion."""
        dispute = self.get_object()
        body = s.DiscussionInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.record_collective_discussion(dispute, request.user, **body.validated_data)
        dispute.refresh_from_db()
        return Response(s.DisputeSerializer(dispute).data, status=201)


class FlagsView(APIView):
    """Reviews nearing (≤ 2 working days) or past their deadline, for the user's role."""

    @extend_schema(responses=s.FlagSerializer(many=True))
    def get(self, request):
        return Response(s.FlagSerializer(services.deadline_flags(request.user), many=True).data)


class StatsView(APIView):
    """Per agency: reviewed, agreed, corrected, refused, transferred, overdue; reviewer ratio."""

    @extend_schema(responses=s.StatsRowSerializer(many=True))
    def get(self, request):
        return Response(s.StatsRowSerializer(services.stats(request.user), many=True).data)
