"""Demo data for the holiday table.

2004–2026 come from ``chinese_calendar``; the demo records the 2026 State Council notice as
the source of that year. The 2027 schedule is NOT entered: the reference snapshot of
holiday-cn (2027.json) is empty, and inventing dates would be exactly the silent guess the
platform forbids — so the demo shows the clear "2027年的节假日安排尚未录入" error until an
administrator imports the real schedule.
"""

from django.contrib.auth import get_user_model

from sanxiang.org.models import Role

from . import services

NOTICE_2026 = "国办发明电〔2025〕7号"
SOURCE_2026 = (
    "国务院办公厅关于2026年部分节假日安排的通知 "
    "https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm"
)


def load(ctx):
    User = get_user_model()
    admin = (
        User.objects.filter(role=Role.ADMIN, is_active=True).order_by("pk").first()
        or User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    )
    if admin is None:
        return
    services.mark_year_complete(admin, 2026, notice=NOTICE_2026, source=SOURCE_2026)
