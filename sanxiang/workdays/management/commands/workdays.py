"""Working-day calculations and holiday-table import from the command line.

    python manage.py workdays add 2026-09-30 7        -> 2026-10-15
    python manage.py workdays add 2028-01-24 3        -> 2028-02-02 暂定：2028年节假日安排尚未录入，…
    python manage.py workdays between 2026-09-30 2026-10-15   -> 7
    python manage.py workdays is 2026-10-10           -> 2026-10-10 星期六 工作日（调休上班：国庆节）
    python manage.py workdays next 2026-09-30         -> 2026-10-08
    python manage.py workdays status                  -> one line per year
    python manage.py workdays import FILE [--user admin] [--year 2027] [--notice ...] [--source ...]

``import`` is an administrator's edit: it runs as the given administrator account (``--user``;
may be omitted when there is exactly one active administrator) and is written to the ledger
like an edit on the page.
"""

import datetime as dt
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from sanxiang.core.errors import DomainError
from sanxiang.org.models import Role
from sanxiang.workdays import calendar, services
from sanxiang.workdays.importing import format_error


def _date(text):
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"日期格式无效：“{text}”（应为 YYYY-MM-DD）。")


class Command(BaseCommand):
    help = "工作日计算与节假日安排导入。Working days: add / between / is / next / status / import."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="第 N 个工作日（起算日次日开始计算）")
        add.add_argument("date")
        add.add_argument("n", type=int)
        between = sub.add_parser("between", help="(D1, D2] 之间的工作日天数")
        between.add_argument("start")
        between.add_argument("end")
        is_ = sub.add_parser("is", help="某日是否为工作日")
        is_.add_argument("date")
        nxt = sub.add_parser("next", help="某日之后的第一个工作日")
        nxt.add_argument("date")
        sub.add_parser("status", help="各年度节假日安排的录入状态")
        imp = sub.add_parser("import", help="导入年度节假日安排（holiday-cn JSON 或 CSV）")
        imp.add_argument("file")
        imp.add_argument(
            "--user", default=None, help="执行导入的系统管理员用户名（只有一名管理员时可省略）"
        )
        imp.add_argument("--year", type=int, default=None)
        imp.add_argument("--notice", default="", help="发文字号，例如 国办发明电〔2025〕7号")
        imp.add_argument("--source", default="", help="来源（通知标题或网址）")

    def handle(self, *args, **options):
        try:
            getattr(self, "do_" + options["action"])(options)
        except DomainError as exc:
            lines = [str(exc.message)]
            lines += [format_error(d) for d in exc.details if isinstance(d, dict) and "reason" in d]
            raise CommandError("\n".join(lines))

    def _line(self, first: str, years) -> str:
        """The answer first; then 暂定 and the reason when a provisional year was counted."""
        if years:
            return f"{first} 暂定：{calendar.provisional_note(years)}"
        return first

    def do_add(self, options):
        result = calendar.deadline(_date(options["date"]), options["n"])
        self.stdout.write(self._line(result.date.isoformat(), result.provisional_years))

    def do_between(self, options):
        start, end = _date(options["start"]), _date(options["end"])
        count = calendar.workdays_between(start, end)
        years = calendar.between_provisional_years(start, end)
        self.stdout.write(self._line(str(count), years))

    def do_is(self, options):
        info = calendar.day_info(_date(options["date"]))
        years = [info.date.year] if calendar.is_provisional(info.date.year) else []
        self.stdout.write(
            self._line(f"{info.date.isoformat()} {info.weekday_name} {info.describe()}", years)
        )

    def do_next(self, options):
        result = calendar.deadline(_date(options["date"]), 1)
        self.stdout.write(self._line(result.date.isoformat(), result.provisional_years))

    def do_status(self, options):
        for row in services.year_overview():
            extra = f" {row.record.notice}" if row.record and row.record.notice else ""
            self.stdout.write(f"{row.year} {row.label}{extra}")

    def _admin(self, username):
        User = get_user_model()
        if username:
            try:
                return User.objects.get(username=username)
            except User.DoesNotExist:
                raise CommandError(f"用户“{username}”不存在。")
        admins = list(
            User.objects.filter(is_active=True)
            .filter(Q(role=Role.ADMIN) | Q(is_superuser=True))
            .order_by("pk")[:2]
        )
        if len(admins) != 1:
            raise CommandError("请用 --user 指定执行导入的系统管理员用户名。")
        return admins[0]

    def do_import(self, options):
        user = self._admin(options["user"])
        path = Path(options["file"])
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取文件 {path}：{exc.strerror}")
        result = services.import_schedule(
            user,
            content,
            filename=path.name,
            year=options["year"],
            notice=options["notice"],
            source=options["source"],
        )
        self.stdout.write(
            f"已导入{result.year}年节假日安排：休息日{result.holidays}天，"
            f"调休上班日{result.workdays}天；已标记为完整录入。"
        )
        if result.removed:
            self.stdout.write("已删除文件中没有的原有调整：" + "、".join(result.removed))
        if result.moved:
            self.stdout.write(f"已按新的节假日安排重算{len(result.moved)}个暂定期限：")
            for item in result.moved:
                self.stdout.write("  " + item.line())
        else:
            self.stdout.write("没有需要重算的暂定期限。")
