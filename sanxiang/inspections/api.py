"""REST API of 双随机、一公开 (scoped to the user's visible agencies).

Reads: plans (with tasks) and tasks. Writes: ``POST plans/{id}/draw/`` and
``POST tasks/{id}/result/``, through the same services as the workbench.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from sanxiang.org.scoping import scope

from . import serializers as s
from . import services
from .models import Plan, Task


class PlanViewSet(viewsets.ReadOnlyModelViewSet):
    """抽查计划 of the user's agencies; filter ``status``."""

    def get_serializer_class(self):
        return s.PlanDetailSerializer if self.action != "list" else s.PlanSerializer

    def get_queryset(self):
        qs = scope(Plan.objects.select_related("agency", "item"), self.request.user)
        status = self.request.query_params.get("status")
        if status:
            qs = qs.filter(status=status)
        return qs.prefetch_related("tasks__officers").order_by("-start_date", "-id")

    @extend_schema(request=None, responses=s.PlanDetailSerializer)
    @action(detail=True, methods=["post"])
    def draw(self, request, pk=None):
        """摇号: draw the targets and inspectors (refused unless the plan is a draft)."""
        plan = services.draw(self.get_object(), request.user)
        plan = self.get_queryset().get(pk=plan.pk)
        return Response(s.PlanDetailSerializer(plan).data)


class TaskViewSet(viewsets.ReadOnlyModelViewSet):
    """检查任务 of the user's agencies; filters ``plan``, ``open=1``, ``mine=1``."""

    serializer_class = s.TaskSerializer

    def get_queryset(self):
        qs = scope(Task.objects.all(), self.request.user)
        params = self.request.query_params
        if params.get("plan", "").isdigit():
            qs = qs.filter(plan_id=int(params["plan"]))
        if params.get("open") == "1":
            qs = qs.filter(result="")
        if params.get("mine") == "1":
            qs = qs.filter(officers__user=self.request.user)
        return qs.prefetch_related("officers").order_by("plan_id", "order")

    @extend_schema(request=s.ResultInputSerializer, responses=s.TaskSerializer)
    @action(detail=True, methods=["post"])
    def result(self, request, pk=None):
        """Record the task's result (once; an inspector of the task or the agency head)."""
        task = self.get_object()
        body = s.ResultInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.record_result(
            task,
            request.user,
            result=body.validated_data["result"],
            note=body.validated_data["note"],
        )
        task.refresh_from_db()
        return Response(s.TaskSerializer(task).data)
