"""Input forms of the transfer pages; the rules live in ``services``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from sanxiang.appeals.forms import DateInput

from .models import PoliceDecision
from .services import MATERIALS


class TransferForm(forms.Form):
    reported_on = forms.DateField(label=_("移送书面报告日期"), widget=DateInput)
    approved_on = forms.DateField(
        label=_("负责人批准移送日期"),
        widget=DateInput,
        help_text=_("正职负责人或者主持工作的负责人应自接到报告之日起3日内决定（第五条）。"),
    )
    police_authority = forms.CharField(
        label=_("接受移送的公安机关"), max_length=200, required=False
    )
    transferred_on = forms.DateField(
        label=_("移送日期"), widget=DateInput, required=False, help_text=_("批准后24小时内移送。")
    )
    received_on = forms.DateField(
        label=_("公安机关接受（回执）日期"), widget=DateInput, required=False
    )
    materials = forms.MultipleChoiceField(
        label=_("移送材料（第六条）"),
        choices=[(m, m) for m in MATERIALS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    case_summary = forms.CharField(
        label=_("涉嫌犯罪案件情况"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class ReplyForm(forms.Form):
    decision = forms.ChoiceField(label=_("公安机关决定"), choices=PoliceDecision.choices)
    notified_on = forms.DateField(label=_("收到通知书日期"), widget=DateInput)
    reasons = forms.CharField(
        label=_("不予立案理由"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DateOnlyForm(forms.Form):
    on = forms.DateField(label=_("日期"), widget=DateInput)


class ProcuratorateForm(forms.Form):
    on = forms.DateField(label=_("建议日期"), widget=DateInput)
    note = forms.CharField(label=_("说明"), max_length=500, required=False)


class ReturnForm(forms.Form):
    on = forms.DateField(label=_("退回日期"), widget=DateInput)
    note = forms.CharField(
        label=_("退回后的处理"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("应当给予行政处罚的，依法实施行政处罚（第十条）。"),
    )
