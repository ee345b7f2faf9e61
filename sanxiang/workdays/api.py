"""Read-only REST API of the working-day calendar (any logged-in user or platform token).

The calendar is the same for every agency (the State Council schedule), so there is no agency
scope. A year whose schedule is not entered is computed provisionally by the statutory rule:
every answer carries ``provisional`` (true when such a year was counted) and, when true,
``provisional_note`` naming the years. Only a year before 2000 without a schedule answers
HTTP 400 with ``code = "calendar_missing"``.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from . import calendar, services


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()


class DateQuery(serializers.Serializer):
    date = serializers.DateField(help_text="YYYY-MM-DD")


class AddQuery(serializers.Serializer):
    date = serializers.DateField(help_text="起算日期（不计入）")
    n = serializers.IntegerField(min_value=0, max_value=3650, help_text="工作日天数")


class BetweenQuery(serializers.Serializer):
    start = serializers.DateField(help_text="开始日期（不计入）")
    end = serializers.DateField(help_text="结束日期（计入）")


class DayResult(serializers.Serializer):
    date = serializers.DateField()
    is_workday = serializers.BooleanField()
    name = serializers.CharField(help_text="节日名称，如“国庆节”；普通日期为空")
    description = serializers.CharField()
    source = serializers.ChoiceField(
        choices=[
            calendar.SOURCE_OVERRIDE,
            calendar.SOURCE_BUILTIN,
            calendar.SOURCE_WEEKEND_RULE,
            calendar.SOURCE_PROVISIONAL,
        ]
    )
    provisional = serializers.BooleanField(help_text="该年度节假日安排尚未录入，按法定节假日推算")
    provisional_note = serializers.CharField(allow_blank=True)


class AddResult(serializers.Serializer):
    date = serializers.DateField()
    n = serializers.IntegerField()
    result = serializers.DateField(help_text="起算日次日起第 n 个工作日")
    provisional = serializers.BooleanField(
        help_text="为 true 时，计算涉及尚未录入节假日安排的年份，结果为暂定"
    )
    provisional_years = serializers.ListField(child=serializers.IntegerField())
    provisional_note = serializers.CharField(allow_blank=True)
    calendar_revision = serializers.CharField(allow_blank=True)


class BetweenResult(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    workdays = serializers.IntegerField(
        help_text="(start, end] 内的工作日天数；end 早于 start 时为负数"
    )
    provisional = serializers.BooleanField()
    provisional_years = serializers.ListField(child=serializers.IntegerField())
    provisional_note = serializers.CharField(allow_blank=True)


class YearResult(serializers.Serializer):
    year = serializers.IntegerField()
    status = serializers.ChoiceField(
        choices=[
            services.STATUS_BUILTIN,
            services.STATUS_COMPLETE,
            services.STATUS_INCOMPLETE,
            services.STATUS_MISSING,
        ]
    )
    label = serializers.CharField()
    known = serializers.BooleanField()
    provisional = serializers.BooleanField()
    notice = serializers.CharField(allow_blank=True)
    holidays = serializers.IntegerField()
    workdays = serializers.IntegerField()


_ERRORS = {400: OpenApiResponse(ErrorSerializer, description="参数无效或该年度节假日安排未录入")}


def _query(serializer_class, request):
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class IsWorkdayView(APIView):
    @extend_schema(
        summary="某日是否为工作日",
        parameters=[DateQuery],
        responses={200: DayResult, **_ERRORS},
        tags=["workdays"],
    )
    def get(self, request):
        info = calendar.day_info(_query(DateQuery, request)["date"])
        return Response(
            {
                "date": info.date,
                "is_workday": info.is_workday,
                "name": info.name,
                "description": info.describe(),
                "source": info.source,
                "provisional": calendar.is_provisional(info.date.year),
                "provisional_note": calendar.provisional_note(
                    [info.date.year] if calendar.is_provisional(info.date.year) else []
                ),
            }
        )


class AddWorkdaysView(APIView):
    @extend_schema(
        summary="起算日期之后第 n 个工作日（期限届满日）",
        parameters=[AddQuery],
        responses={200: AddResult, **_ERRORS},
        tags=["workdays"],
    )
    def get(self, request):
        data = _query(AddQuery, request)
        result = calendar.deadline(data["date"], data["n"])
        return Response(
            {
                "date": data["date"],
                "n": data["n"],
                "result": result.date,
                "provisional": result.provisional,
                "provisional_years": list(result.provisional_years),
                "provisional_note": result.note,
                "calendar_revision": result.revision,
            }
        )


class WorkdaysBetweenView(APIView):
    @extend_schema(
        summary="两个日期之间的工作日天数",
        parameters=[BetweenQuery],
        responses={200: BetweenResult, **_ERRORS},
        tags=["workdays"],
    )
    def get(self, request):
        data = _query(BetweenQuery, request)
        count = calendar.workdays_between(data["start"], data["end"])
        years = calendar.between_provisional_years(data["start"], data["end"])
        return Response(
            {
                "start": data["start"],
                "end": data["end"],
                "workdays": count,
                "provisional": bool(years),
                "provisional_years": list(years),
                "provisional_note": calendar.provisional_note(years),
            }
        )


class YearsView(APIView):
    @extend_schema(
        summary="各年度节假日安排的录入状态",
        responses={200: YearResult(many=True)},
        tags=["workdays"],
    )
    def get(self, request):
        rows = [
            {
                "year": s.year,
                "status": s.status,
                "label": s.label,
                "known": s.known,
                "provisional": not s.known,
                "notice": s.record.notice if s.record else "",
                "holidays": s.holidays,
                "workdays": s.workdays,
            }
            for s in services.year_overview()
        ]
        return Response(rows)
