"""Password policy with Chinese messages (等保: at least 10 characters by default).

Django's own zh-hans catalogue translates the length message only under some plural-form
setups; this validator states it in Chinese directly."""

from django.contrib.auth import password_validation
from django.utils.translation import gettext as _


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def __init__(self, min_length=10):
        super().__init__(min_length=min_length)

    def get_error_message(self):
        return _("密码太短，至少需要 %(min_length)d 个字符。")

    def get_help_text(self):
        return _("密码至少需要 %(min_length)d 个字符。") % {"min_length": self.min_length}
