"""Forms both apps use: a round's agencies, a score with one deduction and note per
checklist entry, a 整改通知, a 整改报告 and a return. The rules live in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .services import DEFAULT_RECTIFY_WORKDAYS, MAX_RECTIFY_WORKDAYS


class AgenciesForm(forms.Form):
    """A round form: ``agencies`` chosen among those given (shown by name)."""

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agencies"].queryset = agencies
        self.fields["agencies"].label_from_instance = lambda a: a.name


class ScoreForm(forms.Form):
    """One deduction + note per entry of ``self.entries(version)``, and a comment."""

    def entries(self, version):
        raise NotImplementedError

    def __init__(self, *args, version, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = self.entries(version)
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


def comment_field(label):
    return forms.CharField(label=label, required=False, widget=forms.Textarea(attrs={"rows": 3}))


class NoticeForm(forms.Form):
    requirements = forms.CharField(label=_("整改要求"), widget=forms.Textarea(attrs={"rows": 4}))
    workdays = forms.IntegerField(
        label=_("整改期限（工作日）"),
        initial=DEFAULT_RECTIFY_WORKDAYS,
        min_value=1,
        max_value=MAX_RECTIFY_WORKDAYS,
    )


class ReportForm(forms.Form):
    report = forms.CharField(label=_("整改报告"), widget=forms.Textarea(attrs={"rows": 6}))


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("退回理由"), widget=forms.Textarea(attrs={"rows": 3}))
