"""Input forms of the workbench pages; the rules themselves live in ``services``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from . import checklist
from .services import DEFAULT_RECTIFY_WORKDAYS, MAX_SAMPLE

QUARTERS = [(1, _("第一季度")), (2, _("第二季度")), (3, _("第三季度")), (4, _("第四季度"))]


class RoundForm(forms.Form):
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

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agencies"].queryset = agencies
        self.fields["agencies"].label_from_instance = lambda a: a.name


class ItemForm(forms.Form):
    """One deduction + note per manual checklist item of ``version``."""

    comment = forms.CharField(
        label=_("巡查意见"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, version, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = checklist.manual_items(version)
        for item in self.items:
            self.fields[f"d_{item.code}"] = forms.IntegerField(
                label=_("%(label)s（%(points)s分）") % {"label": item.label, "points": item.points},
                initial=0,
                required=False,
                widget=forms.NumberInput(attrs={"min": 0, "max": item.points}),
            )
            self.fields[f"n_{item.code}"] = forms.CharField(
                label=_("扣分理由"), required=False, widget=forms.Textarea(attrs={"rows": 2})
            )

    def rows(self):
        return [(item, self[f"d_{item.code}"], self[f"n_{item.code}"]) for item in self.items]

    def deductions(self):
        data = self.cleaned_data
        return {
            i.code: (data.get(f"d_{i.code}") or 0, data.get(f"n_{i.code}") or "")
            for i in self.items
        }


class NoticeForm(forms.Form):
    requirements = forms.CharField(label=_("整改要求"), widget=forms.Textarea(attrs={"rows": 4}))
    workdays = forms.IntegerField(
        label=_("整改期限（工作日）"), initial=DEFAULT_RECTIFY_WORKDAYS, min_value=1, max_value=120
    )


class ReportForm(forms.Form):
    report = forms.CharField(label=_("整改报告"), widget=forms.Textarea(attrs={"rows": 6}))


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("退回理由"), widget=forms.Textarea(attrs={"rows": 3}))
