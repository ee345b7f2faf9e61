"""python manage.py laws import PATH... | laws links | laws list"""

from django.core.management.base import BaseCommand, CommandError

from sanxiang.core.errors import DomainError

from ... import services
from ...models import Law


class Command(BaseCommand):
    help = (
        "法律法规库：import 导入 Markdown 法律文本（文件或目录）；links 重建目录条目引用；list 列出"
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["import", "links", "list"])
        parser.add_argument("paths", nargs="*")

    def handle(self, *args, action, paths, **options):
        try:
            if action == "import":
                if not paths:
                    raise CommandError("请给出要导入的文件或目录。")
                counts = services.import_laws(paths)
                self.stdout.write(
                    f"新增 {counts['created']} 部，更新 {counts['updated']} 部，"
                    f"未变化 {counts['unchanged']} 部。"
                )
            elif action == "links":
                n = services.build_catalog_links()
                self.stdout.write(f"目录条目引用条文：{n} 条。")
            else:
                for law in Law.objects.order_by("key", "-revision_date"):
                    self.stdout.write(f"{law.title}\t{law.revision_date}\t{law.articles.count()}条")
        except DomainError as exc:
            raise CommandError(str(exc.message if hasattr(exc, "message") else exc)) from exc
