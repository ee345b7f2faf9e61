"""Form labels carry no ASCII colon in the Chinese UI (sanxiang/core/labels.py)."""

from django import forms

from sanxiang.org.models import User


class _Plain(forms.Form):
    title = forms.CharField(label="案由")


class _Model(forms.ModelForm):
    class Meta:
        model = User
        fields = ["username"]


def test_default_label_has_no_ascii_colon():
    assert _Plain()["title"].label_tag() == '<label for="id_title">案由</label>'
    assert ":" not in _Model()["username"].label_tag()


def test_a_form_may_still_ask_for_its_own_suffix():
    assert _Plain(label_suffix="：")["title"].label_tag().endswith("案由：</label>")


def test_rendered_forms_have_no_ascii_colon():
    assert ":</label>" not in _Plain().as_div() + _Model().as_p()
