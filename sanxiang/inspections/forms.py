"""Input forms of the workbench pages; the rules themselves live in ``services``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import RiskClass, TaskResult


class DateInput(forms.DateInput):
    """HTML date input: its value must be ISO (the zh-hans locale format is 2026/10/01)."""

    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):
        super().__init__(attrs=attrs, format=format)


class PlanForm(forms.Form):
    item = forms.ModelChoiceField(label=_("抽查事项"), queryset=None, empty_label=None)
    title = forms.CharField(label=_("计划名称"), max_length=200)
    start_date = forms.DateField(label=_("开始日期"), widget=DateInput)
    end_date = forms.DateField(label=_("结束日期"), widget=DateInput)
    ratio_a = forms.IntegerField(label=_("A类（守信/低风险）抽查比例（%）"), initial=3)
    ratio_b = forms.IntegerField(label=_("B类（一般）抽查比例（%）"), initial=5)
    ratio_c = forms.IntegerField(label=_("C类（较高风险）抽查比例（%）"), initial=10)
    ratio_d = forms.IntegerField(label=_("D类（失信/高风险）抽查比例（%）"), initial=20)
    inspectors_per_task = forms.IntegerField(
        label=_("每项任务执法人员数"),
        initial=2,
        help_text=_("检查须由两名以上持证执法人员进行。"),
    )

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items
        self.fields["item"].label_from_instance = lambda i: f"{i.code} {i.name}"


class TargetForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=200)
    usci = forms.CharField(label=_("统一社会信用代码"), max_length=18, min_length=18)
    address = forms.CharField(label=_("地址"), max_length=255, required=False)
    risk_class = forms.ChoiceField(
        label=_("信用风险分类"), choices=RiskClass.choices, initial=RiskClass.B
    )
    is_active = forms.BooleanField(label=_("在册"), required=False, initial=True)


class ResultForm(forms.Form):
    result = forms.ChoiceField(
        label=_("检查结果"), choices=TaskResult.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("检查情况"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("发现问题、转立案或未找到检查对象时必须填写。"),
    )
