"""Forms of the pages that create cases (the transitions use ``actions`` serializers)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from sanxiang.core.fields import CaseActType, PartyType
from sanxiang.org.models import Officer

from .models import CaseSource


def agency_powers(agency):
    """The agency's powers in force (catalogue), falling back to all of its powers."""
    from sanxiang.catalog.models import Power

    try:
        from sanxiang.catalog.services import current_powers

        qs = current_powers(agency)
    except Exception:  # the catalogue is being edited or unavailable: do not block the form
        qs = Power.objects.filter(agency=agency)
    return Power.objects.filter(pk__in=qs.values("pk")).order_by("code")


class PowerChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} {obj.name}"


class PartyFields(forms.Form):
    party_type = forms.ChoiceField(
        label=_("当事人类别"), choices=[("", "—")] + PartyType.choices, required=False
    )
    party_name = forms.CharField(label=_("当事人姓名或名称"), required=False, max_length=200)
    id_number = forms.CharField(label=_("居民身份证号码"), required=False, max_length=18)
    usci = forms.CharField(label=_("统一社会信用代码"), required=False, max_length=18)
    legal_representative = forms.CharField(label=_("法定代表人/负责人/经营者"), required=False)
    address = forms.CharField(label=_("住所/地址"), required=False)
    phone = forms.CharField(label=_("联系电话"), required=False)

    def party(self):
        d = self.cleaned_data
        if not d.get("party_name") and not d.get("party_type"):
            return None
        return {
            "party_type": d.get("party_type"),
            "name": d.get("party_name"),
            "id_number": d.get("id_number"),
            "usci": d.get("usci"),
            "legal_representative": d.get("legal_representative"),
            "address": d.get("address"),
            "phone": d.get("phone"),
        }


class OpenCaseForm(PartyFields):
    act_type = forms.ChoiceField(
        label=_("执法行为类别"),
        choices=[c for c in CaseActType.choices if c[0] != CaseActType.PENALTY_SIMPLE],
    )
    title = forms.CharField(label=_("案由"), max_length=255)
    power = PowerChoice(label=_("执法事项"), queryset=None, required=False)
    source = forms.ChoiceField(label=_("案件来源"), choices=CaseSource.choices)
    source_detail = forms.CharField(label=_("来源说明"), required=False)
    place = forms.CharField(label=_("地点"), required=False)
    facts = forms.CharField(
        label=_("案情摘要"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    officers = forms.ModelMultipleChoiceField(
        label=_("办案人员（至少两名持证执法人员）"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    field_order = [
        "act_type",
        "title",
        "power",
        "source",
        "source_detail",
        "place",
        "facts",
        "officers",
    ]
    PREFILL_FIELDS = (
        "act_type",
        "title",
        "source",
        "source_detail",
        "place",
        "facts",
        "party_type",
        "party_name",
        "usci",
        "address",
    )

    def __init__(self, *args, agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["power"].queryset = agency_powers(agency)
        self.fields["officers"].queryset = Officer.objects.filter(agency=agency, is_active=True)

    def service_kwargs(self):
        d = self.cleaned_data
        party = self.party()
        return {
            "act_type": d["act_type"],
            "title": d["title"],
            "power": d.get("power"),
            "source": d["source"],
            "source_detail": d.get("source_detail", ""),
            "place": d.get("place", ""),
            "facts": d.get("facts", ""),
            "officers": list(d.get("officers") or []),
            "parties": [party] if party else [],
        }


class OnTheSpotForm(PartyFields):
    power = PowerChoice(label=_("执法事项"), queryset=None)
    title = forms.CharField(label=_("违法行为"), max_length=255)
    facts = forms.CharField(label=_("违法事实"), widget=forms.Textarea(attrs={"rows": 3}))
    basis = forms.CharField(label=_("处罚依据"), widget=forms.Textarea(attrs={"rows": 2}))
    place = forms.CharField(label=_("地点"))
    penalty_kinds = forms.MultipleChoiceField(
        label=_("处罚种类"),
        choices=[("warning", _("警告")), ("fine", _("罚款"))],
        widget=forms.CheckboxSelectMultiple,
    )
    fine = forms.DecimalField(
        label=_("罚款金额（元）"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    officers = forms.ModelMultipleChoiceField(
        label=_("在场执法人员（出示执法证件）"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    paid_on_spot = forms.BooleanField(label=_("当场收缴罚款"), required=False)
    receipt_number = forms.CharField(label=_("罚没款收据号"), required=False)
    decided_at = forms.DateTimeField(
        label=_("处罚时间"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("留空表示当前时间；补录纸质当场处罚决定书时填写决定书所载时间。"),
    )
    late_reason = forms.CharField(
        label=_("补录原因"),
        required=False,
        max_length=500,
        help_text=_(
            "所填时间早于录入之日超过规定天数（默认 3 日）的，属事后补录，须填写原因；"
            "该记录将标注“补录”，录入时间以账本时间为准。"
        ),
    )
    field_order = [
        "power",
        "title",
        "facts",
        "basis",
        "place",
        "party_type",
        "party_name",
        "id_number",
        "usci",
        "legal_representative",
        "address",
        "phone",
        "penalty_kinds",
        "fine",
        "officers",
        "paid_on_spot",
        "receipt_number",
        "decided_at",
        "late_reason",
    ]

    def __init__(self, *args, agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["power"].queryset = agency_powers(agency).filter(act_type="penalty")
        self.fields["officers"].queryset = Officer.objects.filter(agency=agency, is_active=True)
        self.fields["party_type"].required = True
        self.fields["party_name"].required = True

    def service_kwargs(self):
        d = self.cleaned_data
        return {
            "power": d["power"],
            "party": self.party(),
            "title": d["title"],
            "facts": d["facts"],
            "basis": d["basis"],
            "place": d["place"],
            "penalty_kinds": d["penalty_kinds"],
            "fine": d.get("fine"),
            "officers": list(d.get("officers") or []),
            "paid_on_spot": d.get("paid_on_spot", False),
            "receipt_number": d.get("receipt_number", ""),
            "decided_at": d.get("decided_at"),
            "late_reason": d.get("late_reason", ""),
        }
