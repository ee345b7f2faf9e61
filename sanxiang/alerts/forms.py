"""Input forms of the alert pages; the rules live in ``services``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AlertStatus, Severity


class FilterForm(forms.Form):
    """The list's own filters; agency, rule (as the list's "status" choice) and the date range
    are the shared ones of ``core.lists.filter_list``."""

    status = forms.ChoiceField(label=_("状态"), required=False)
    severity = forms.ChoiceField(label=_("等级"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("全部"))]
        self.fields["status"].choices = [
            ("", _("待处理和已签收")),
            ("all", _("全部")),
        ] + list(AlertStatus.choices)
        self.fields["severity"].choices = everything + list(Severity.choices)


class TransitionForm(forms.Form):
    text = forms.CharField(
        label=_("说明"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    confirm = forms.BooleanField(
        label=_("我已核实，确认提交（提交后不可撤回，并记入账本）"),
        error_messages={"required": _("请勾选确认后再提交。")},
    )

    LABELS = {
        "acknowledge": _("签收说明（已知悉的情况、拟采取的措施）"),
        "resolve": _("整改情况"),
        "dismiss": _("排除理由（为何不属于问题）"),
    }

    def __init__(self, *args, action="acknowledge", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].label = self.LABELS[action]
