"""Input forms of the workbench pages; the rules themselves live in ``services``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from sanxiang.evaluation.shared.forms import (  # noqa: F401  (the app's surface)
    AgenciesForm,
    NoticeForm,
    ReportForm,
    ReturnForm,
    ScoreForm,
    comment_field,
)

from . import checklist
from .services import MAX_SAMPLE

QUARTERS = [(1, _("第一季度")), (2, _("第二季度")), (3, _("第三季度")), (4, _("第四季度"))]


class RoundForm(AgenciesForm):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(label=_("季度"), choices=QUARTERS, coerce=int)
    title = forms.CharField(
        label=_("巡查批次名称"),
        max_length=200,
        required=False,
        help_text=_("不填写时按“某年第某季度行政执法公示网上巡查”命名。"),
    )
    agencies = forms.ModelMultipleChoiceField(
        label=_("被巡查机关"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    sample_size = forms.IntegerField(
        label=_("每个机关抽取（条）"),
        initial=5,
        min_value=1,
        max_value=MAX_SAMPLE,
        help_text=_("本季度公示信息少于此数的机关全部巡查。"),
    )


class ItemForm(ScoreForm):
    """One deduction + note per manual checklist item of ``version``."""

    comment = comment_field(_("巡查意见"))

    def entries(self, version):
        return checklist.manual_items(version)
