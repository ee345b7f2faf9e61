"""Periodic check: warn the operators when next year's holiday schedule is still missing.

The State Council publishes the next year's schedule in the autumn (usually November); from
October on, ``manage.py periodic`` prints a warning every run until an administrator has
entered it, so deadlines reaching into the new year do not start failing by surprise.
"""

from django.utils import timezone

from . import calendar

WARN_FROM_MONTH = 10


def missing_next_year(today=None):
    """The next year when its schedule is missing and it is time to enter it, else None."""
    today = today or timezone.localdate()
    year = today.year + 1
    if today.month >= WARN_FROM_MONTH and not calendar.year_is_known(year):
        return year
    return None


def run(stdout):
    year = missing_next_year()
    if year is not None:
        stdout.write(
            f"警告：{year}年的节假日安排尚未录入，涉及{year}年的工作日期限将无法计算。"
            f"请系统管理员在“节假日安排”页面录入或导入国务院办公厅公布的{year}年节假日安排。"
        )
