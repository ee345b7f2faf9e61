"""Input forms of the workbench pages; the rules themselves live in ``services``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from . import checklist
from .shared.forms import (  # noqa: F401  (the app's surface)
    AgenciesForm,
    NoticeForm,
    ReportForm,
    ReturnForm,
    ScoreForm,
    comment_field,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):
        super().__init__(attrs=attrs, format=format)


class RoundForm(AgenciesForm):
    title = forms.CharField(label=_("评查批次名称"), max_length=200)
    period_start = forms.DateField(label=_("结案起始日期"), widget=DateInput)
    period_end = forms.DateField(label=_("结案截止日期"), widget=DateInput)
    agencies = forms.ModelMultipleChoiceField(
        label=_("被评查机关"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    ratio = forms.IntegerField(label=_("抽取比例（%）"), initial=10)
    min_per_agency = forms.IntegerField(
        label=_("每个机关至少抽取（件）"),
        initial=1,
        help_text=_("有已结案案卷的机关至少抽取的件数。"),
    )


class SheetForm(ScoreForm):
    """One deduction + note per checklist item of ``version``."""

    comment = comment_field(_("评查意见"))

    def entries(self, version):
        return checklist.items(version)


RectificationForm = NoticeForm
