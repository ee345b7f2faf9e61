from django import forms
from django.utils.translation import gettext_lazy as _

from .importing import MAX_FILE_BYTES
from .models import OverrideKind


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class OverrideForm(forms.Form):
    date = forms.DateField(label=_("日期"), widget=DateInput())
    kind = forms.ChoiceField(label=_("类型"), choices=OverrideKind.choices)
    name = forms.CharField(
        label=_("名称"), max_length=50, help_text=_("例如：春节、国庆节（调休上班日也填所属节日）")
    )


class CompleteForm(forms.Form):
    notice = forms.CharField(
        label=_("发文字号"),
        max_length=100,
        required=False,
        help_text=_("例如：国办发明电〔2025〕7号"),
    )
    source = forms.CharField(
        label=_("来源"), max_length=500, required=False, help_text=_("通知标题或网址")
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("撤销原因"), max_length=500)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("文件"),
        help_text=_(
            "holiday-cn 格式的 JSON 文件，或 CSV 文件（每行：日期,类型,名称，"
            "类型为 holiday 休息日 / workday 调休上班，例如 2027-01-01,holiday,元旦）"
        ),
    )
    year = forms.IntegerField(
        label=_("年份"),
        required=False,
        min_value=1949,
        max_value=2100,
        help_text=_("JSON 文件自带年份；CSV 文件不填时取文件中最晚日期的年份"),
    )
    notice = forms.CharField(label=_("发文字号"), max_length=100, required=False)
    source = forms.CharField(label=_("来源"), max_length=500, required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("文件过大（不超过512KB）。"))
        return upload


class AddCalcForm(forms.Form):
    date = forms.DateField(label=_("起算日期"), widget=DateInput())
    n = forms.IntegerField(label=_("工作日天数"), min_value=0, max_value=3650)


class BetweenCalcForm(forms.Form):
    start = forms.DateField(label=_("开始日期（不计入）"), widget=DateInput())
    end = forms.DateField(label=_("结束日期（计入）"), widget=DateInput())
