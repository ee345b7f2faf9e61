"""Time limits of 行政复议法 (2023), 行政诉讼法 (2017) and 行政执法机关移送涉嫌犯罪案件的规定 (2020).

Counting (民事诉讼法 on 期间, applied by 行政复议法第八十八条 and 行政诉讼法第一百零一条):
the day the period starts is not counted; a period that ends on a statutory holiday ends on
the first working day after it. Only the 3/5/7/10-day periods of 行政复议法 are working
days (第八十八条第二款); every other "日" of these texts is a calendar day.
"""

from __future__ import annotations

import calendar as _cal
import datetime as dt

from sanxiang.workdays import calendar as workdays

# 行政复议法 (2023)
RECONSIDERATION_APPLY_DAYS = 60  # 第二十条: 知道或者应当知道之日起六十日内
RECONSIDERATION_ACCEPT_WORKDAYS = 5  # 第三十条 + 第八十八条: 五日内审查 (工作日)
RECONSIDERATION_DECIDE_DAYS = 60  # 第六十二条第一款: 受理之日起六十日内
RECONSIDERATION_EXTEND_MAX_DAYS = 30  # 第六十二条第一款: 延长最多不得超过三十日
RECONSIDERATION_SIMPLE_DAYS = 30  # 第六十二条第二款: 简易程序三十日
# 行政诉讼法 (2017)
LITIGATION_AFTER_RECONSIDERATION_DAYS = 15  # 第四十五条: 收到复议决定书之日起十五日内
LITIGATION_DIRECT_MONTHS = 6  # 第四十六条: 知道或者应当知道之日起六个月内
LITIGATION_FILING_DAYS = 7  # 第五十一条第二款: 七日内决定是否立案
LITIGATION_FIRST_INSTANCE_MONTHS = 6  # 第八十一条: 立案之日起六个月内作出第一审判决
LITIGATION_SIMPLE_DAYS = 45  # 第八十三条: 简易程序立案之日起四十五日内审结
# 行政执法机关移送涉嫌犯罪案件的规定 (2020)
TRANSFER_APPROVAL_DAYS = 3  # 第五条第二款: 接到报告之日起3日内作出批准移送或者不批准移送
TRANSFER_SEND_DAYS = 1  # 第五条第二款: 批准的，应当在24小时内移送
POLICE_DECISION_DAYS = 3  # 第八条: 接受之日起3日内审查，决定立案或者不予立案
RECONSIDERATION_REQUEST_DAYS = 3  # 第九条第一款: 接到不予立案通知书之日起3日内提请复议
POLICE_RECONSIDERATION_DAYS = 3  # 第九条第二款: 收到提请复议文件之日起3日内作出决定
PROCURATORATE_DAYS = 3  # 第九条第二款: 收到复议决定通知书之日起3日内建议检察院立案监督
HANDOVER_DAYS = 3  # 第十二条: 接到立案通知书之日起3日内移交涉案物品及材料


def days_limit(start: dt.date, days: int) -> dt.date:
    """The last day of a period of ``days`` calendar days starting after ``start``."""
    return workdays.workday_on_or_after(start + dt.timedelta(days=days))


def months_limit(start: dt.date, months: int) -> dt.date:
    """The last day of a period of ``months`` months (the same day of the month; the month's
    last day when it has no such day), moved past a holiday like ``days_limit``."""
    month0 = start.month - 1 + months
    year, month = start.year + month0 // 12, month0 % 12 + 1
    day = min(start.day, _cal.monthrange(year, month)[1])
    return workdays.workday_on_or_after(dt.date(year, month, day))


def hours_limit(start: dt.date, days: int = 1) -> dt.date:
    """A period counted in hours (24 小时): not extended over holidays."""
    return start + dt.timedelta(days=days)


def workdays_limit(start: dt.date, n: int) -> dt.date:
    return workdays.add_workdays(start, n)
