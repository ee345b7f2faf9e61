from django.core.management.base import BaseCommand

from sanxiang.org.demo import DEMO_PASSWORD, demo_logins


class Command(BaseCommand):
    help = "Print the URL and one demo login per role."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000/")

    def handle(self, *args, **options):
        url = options["url"]
        self.stdout.write("")
        self.stdout.write(f"三项制度执法平台 已启动：{url}")
        self.stdout.write(f"  公示平台（无需登录）：{url}gs/")
        self.stdout.write(f"  API 文档：{url}api/docs/")
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for role_label, username, agency in demo_logins():
            self.stdout.write(f"  {role_label:<8} {username:<16} {agency}")
        self.stdout.write("按 Ctrl+C 停止。")
        self.stdout.write("")
