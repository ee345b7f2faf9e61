"""Forms built from the field specs of a document kind."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .kinds import DocumentKind, spec


class ContentForm(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def content_form_class(kind):
    """A Form with one optional field per editable element of ``kind`` (mandatory ones
    are marked; completeness is checked when the document is issued)."""
    s = spec(kind)
    fields = {}
    for f in s.editable_fields:
        if f.widget == "textarea":
            widget = forms.Textarea(attrs={"rows": 5})
        elif f.widget == "date":
            widget = forms.DateInput(attrs={"type": "date"})
        elif f.widget == "datetime":
            widget = forms.DateTimeInput(attrs={"type": "datetime-local"})
        else:
            widget = forms.TextInput()
        label = f"{f.label}{' *' if f.required else ''}"
        fields[f.key] = forms.CharField(
            label=label, required=False, widget=widget, help_text=f.help, max_length=20000
        )
    return type(f"{s.code.title().replace('_', '')}ContentForm", (ContentForm,), fields)


class NewDocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("文书种类"), choices=DocumentKind.choices)


class CorrectionForm(forms.Form):
    reason = forms.CharField(label=_("更正理由"), widget=forms.Textarea(attrs={"rows": 3}))
