"""Input forms of the appeals pages; the rules live in ``services``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AppealKind, Outcome


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):
        super().__init__(attrs=attrs, format=format)


class AppealForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=AppealKind.choices)
    body = forms.CharField(
        label=_("复议机关/人民法院"),
        max_length=200,
        help_text=_("例如：某某县人民政府、某某县人民法院"),
    )
    reference = forms.CharField(label=_("案号"), max_length=100, required=False)
    applicant = forms.CharField(label=_("申请人/原告"), max_length=100, required=False)
    known_on = forms.DateField(
        label=_("知道或者应当知道行政行为之日"),
        widget=DateInput,
        required=False,
        help_text=_("不填则按送达日期（尚未送达的按决定日期）计算申请/起诉期限。"),
    )
    applied_on = forms.DateField(label=_("申请/起诉日期"), widget=DateInput)
    prior = forms.ModelChoiceField(
        label=_("经过的行政复议（复议后起诉）"), queryset=None, required=False
    )
    prior_received_on = forms.DateField(
        label=_("收到复议决定书之日"), widget=DateInput, required=False
    )
    simple_procedure = forms.BooleanField(label=_("适用简易程序"), required=False)

    def __init__(self, *args, priors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["prior"].queryset = priors
        self.fields["prior"].label_from_instance = lambda a: (
            f"{a.body} {a.reference} {a.get_outcome_display() or a.get_status_display()}"
        )


class AcceptForm(forms.Form):
    accepted_on = forms.DateField(label=_("受理/立案日期"), widget=DateInput)


class ExtendForm(forms.Form):
    days = forms.IntegerField(label=_("延长天数"), min_value=1, max_value=30)
    note = forms.CharField(label=_("延长理由及批准情况"), max_length=500)


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("结果"), choices=Outcome.choices)
    redo_ordered = forms.BooleanField(label=_("撤销并责令重新作出"), required=False)
    decided_on = forms.DateField(label=_("决定/裁判日期"), widget=DateInput)
    changed_conclusion = forms.CharField(
        label=_("变更后的处理结果"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("结果为“变更”时填写，用于更正公示信息。"),
    )
    note = forms.CharField(
        label=_("结果说明"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    document = forms.FileField(
        label=_("结果文书"),
        help_text=_("复议决定书、判决书、裁定书或调解书：PDF 或 JPG、PNG 扫描件。"),
    )
