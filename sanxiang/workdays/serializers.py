"""``ProvisionalFlag``: the REST API's ``"<deadline>_provisional": true|false`` next to every
stored deadline — true when the date lies in a year whose holiday schedule is not entered yet
(computed by the statutory rule and recomputed once the year is imported)."""

from rest_framework import serializers

from . import calendar


class ProvisionalFlag(serializers.BooleanField):
    def __init__(self, source, **kwargs):
        kwargs.setdefault(
            "help_text", "期限所在年度的节假日安排尚未录入，暂按法定节假日推算（暂定）"
        )
        super().__init__(source=source, read_only=True, **kwargs)

    def to_representation(self, value):
        return calendar.date_is_provisional(value)
