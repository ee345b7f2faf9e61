from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _nav(request):
    from django.urls import reverse

    user = request.user
    if not user.is_authenticated:
        return []
    return [(_("执法文书"), reverse("documents:index"))]


def _panel(request):
    user = request.user
    if not user.is_authenticated or user.role not in ("handler", "head", "reviewer"):
        return None
    from sanxiang.org.scoping import scope

    from .models import Document

    drafts = (
        scope(Document.objects.drafts().select_related("case"), user)
        .filter(created_by=user)
        .order_by("-updated_at")[:8]
    )
    return {
        "title": _("待签发的文书草稿"),
        "template": "documents/_panel.html",
        "context": {"drafts": list(drafts)},
    }


class DocumentsConfig(AppConfig):
    name = "sanxiang.documents"
    label = "documents"
    verbose_name = _("执法文书")

    def ready(self):
        from sanxiang.cases import hooks
        from sanxiang.core.navigation import register_nav, register_panel

        from .archive import archive_contributor
        from .case_hooks import missing_items, timeline_contributor

        register_nav(_nav)
        register_panel(_panel)
        hooks.register_archive_contributor(archive_contributor)
        hooks.register_timeline_contributor(timeline_contributor)
        hooks.register_missing_items(missing_items)
