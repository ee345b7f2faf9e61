from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _nav(request):
    from django.urls import reverse

    user = request.user
    if not user.is_authenticated:
        return []
    items = [(_("执法案件"), reverse("cases:list"))]
    if user.role in ("handler", "head") and user.agency_id:
        items.append((_("当场处罚"), reverse("cases:on_the_spot")))
    return items


def _panel(request):
    user = request.user
    if not user.is_authenticated or not user.agency_id or user.role not in ("handler", "head"):
        return None
    from .models import Case, OpeningStatus, Stage

    qs = Case.objects.filter(agency_id=user.agency_id).exclude(
        stage__in=[Stage.ARCHIVED, Stage.TERMINATED]
    )
    if user.role == "head":
        qs = qs.filter(stage=Stage.OPENING, opening_status=OpeningStatus.PENDING) | qs.filter(
            stage=Stage.DECISION
        )
        title = _("待审批立案 / 待决定的案件")
    else:
        qs = qs.filter(handlers__officer__user=user)
        title = _("我承办的案件")
    cases = list(qs.only("id", "number", "title", "stage").order_by("-id")[:8])
    return {"title": title, "template": "cases/_panel.html", "context": {"cases": cases}}


class CasesConfig(AppConfig):
    name = "sanxiang.cases"
    label = "cases"
    verbose_name = _("执法案件")

    def ready(self):
        from sanxiang.core.navigation import register_nav, register_panel

        register_nav(_nav)
        register_panel(_panel)

        from .deadline_kinds import register_all

        register_all()
