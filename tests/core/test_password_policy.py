"""Password policy: at least 10 characters, refused with a Chinese message (issue #12
item 5); the demo password (13 characters) still passes."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import translation


def test_nine_characters_are_refused_in_chinese():
    with translation.override("zh-hans"):
        with pytest.raises(ValidationError) as exc:
            validate_password("Qw7#kLp2x")
        text = " ".join(exc.value.messages)
    assert text == "密码太短，至少需要 10 个字符。"


def test_demo_password_passes():
    validate_password("Sanxiang@2026")
    validate_password("Qw7#kLp2xZ")
