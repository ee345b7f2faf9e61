"""Periodic check: warn the operators when next year's holiday schedule is still missing.

The State Council publishes the next year's schedule between late October and December. From
1 November on, while next year is not entered, deadlines reaching into it are computed
provisionally (「暂定」); the periodic job logs a warning once a day (not every run) and the
workbench shows administrators and supervisors a banner with the import link, so the year is
entered before many provisional deadlines pile up.
"""

import logging

from django.core.cache import cache

from sanxiang.core import clock

from . import calendar

WARN_FROM_MONTH = 11
logger = logging.getLogger("sanxiang.workdays")


def missing_next_year(today=None):
    """The next year when its schedule is missing and it is time to enter it, else None."""
    today = today or clock.today()
    year = today.year + 1
    if today.month >= WARN_FROM_MONTH and not calendar.year_is_known(year):
        return year
    return None


def warning_text(year: int) -> str:
    return (
        f"警告：{year}年的节假日安排尚未录入，涉及{year}年的工作日期限暂按法定节假日推算"
        f"（标注“暂定”），录入后自动重算。请系统管理员在“节假日安排”页面导入国务院办公厅"
        f"公布的{year}年节假日安排（manage.py workdays import）。"
    )


def run(stdout):
    year = missing_next_year()
    if year is None:
        return
    # Once a day across processes (cache.add is atomic in Redis and per-process locally).
    key = f"workdays:missing-warned:{clock.today().isoformat()}:{year}"
    if cache.add(key, 1, timeout=26 * 3600):
        text = warning_text(year)
        logger.warning(text)
        stdout.write(text)
