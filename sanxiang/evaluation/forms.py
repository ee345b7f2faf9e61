"""Input forms of the workbench pages; the rules themselves live in ``services``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from . import checklist
from .services import DEFAULT_RECTIFY_WORKDAYS


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):
        super().__init__(attrs=attrs, format=format)


class RoundForm(forms.Form):
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

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agencies"].queryset = agencies
        self.fields["agencies"].label_from_instance = lambda a: a.name


class SheetForm(forms.Form):
    """One deduction + note per checklist item of ``version``."""

    comment = forms.CharField(
        label=_("评查意见"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, version, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = checklist.items(version)
        for item in self.items:
            self.fields[f"d_{item.code}"] = forms.IntegerField(
                label=_("%(label)s（%(points)s分）") % {"label": item.label, "points": item.points},
                initial=0,
                required=False,
                widget=forms.NumberInput(attrs={"min": 0, "max": item.points}),
            )
            self.fields[f"n_{item.code}"] = forms.CharField(
                label=_("扣分理由"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def rows(self):
        return [(item, self[f"d_{item.code}"], self[f"n_{item.code}"]) for item in self.items]

    def deductions(self):
        data = self.cleaned_data
        return {
            i.code: (data.get(f"d_{i.code}") or 0, data.get(f"n_{i.code}") or "")
            for i in self.items
        }


class RectificationForm(forms.Form):
    requirements = forms.CharField(label=_("整改要求"), widget=forms.Textarea(attrs={"rows": 4}))
    workdays = forms.IntegerField(label=_("整改期限（工作日）"), initial=DEFAULT_RECTIFY_WORKDAYS)


class ReportForm(forms.Form):
    report = forms.CharField(label=_("整改报告"), widget=forms.Textarea(attrs={"rows": 6}))


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("退回理由"), widget=forms.Textarea(attrs={"rows": 3}))
