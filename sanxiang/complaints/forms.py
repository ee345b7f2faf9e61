from django import forms
from django.utils.translation import gettext_lazy as _

from sanxiang.org.models import Agency

from . import services
from .models import ComplaintKind, ComplaintResult


class SubmitForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("类别"), choices=ComplaintKind.choices, widget=forms.RadioSelect
    )
    agency = forms.ModelChoiceField(
        label=_("被投诉举报的执法机关"),
        queryset=Agency.objects.none(),
        empty_label=_("请选择"),
        error_messages={"required": _("请选择被投诉举报的执法机关。")},
    )
    reference = forms.CharField(
        label=_("相关文号或执法证号（选填）"), max_length=60, required=False
    )
    content = forms.CharField(
        label=_("内容"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "maxlength": services.CONTENT_MAX}),
        help_text=_("请写明时间、地点、事情经过和诉求，不超过2000字。"),
    )
    name = forms.CharField(label=_("姓名"), max_length=50, required=False)
    phone = forms.CharField(
        label=_("联系电话"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].error_messages["required"] = _("请选择类别。")
        self.fields["agency"].queryset = services.enforcement_agencies().order_by("path")

    def clean(self):
        data = super().clean()
        if "kind" in data and "agency" in data:
            errors = services.submission_errors(
                kind=data["kind"],
                agency=data["agency"],
                content=data.get("content", ""),
                name=data.get("name", ""),
                phone=data.get("phone", ""),
                reference=data.get("reference", ""),
            )
            for field, message in errors.items():
                self.add_error(field, message)
        return data


class LookupForm(forms.Form):
    number = forms.CharField(label=_("受理编号"), max_length=20)
    code = forms.CharField(label=_("查询码"), max_length=20)


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("不予受理理由"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("不予受理须说明理由。")},
    )


class TransferForm(forms.Form):
    to_agency = forms.ModelChoiceField(
        label=_("转至机关"), queryset=Agency.objects.none(), empty_label=_("请选择")
    )
    reason = forms.CharField(label=_("转办说明"), required=False, max_length=500)

    def __init__(self, *args, complaint, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_agency"].queryset = services.transfer_targets(complaint)


class ConcludeForm(forms.Form):
    result = forms.ChoiceField(
        label=_("办理结果"), choices=ComplaintResult.choices, widget=forms.RadioSelect
    )
    reply = forms.CharField(
        label=_("答复内容"),
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": services.CONTENT_MAX}),
        error_messages={"required": _("办结须填写答复内容。")},
        help_text=_("答复内容将通过公众查询页告知投诉举报人，请勿写入执法人员个人信息。"),
    )
