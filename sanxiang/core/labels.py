"""Form labels without Django's ASCII colon (issue #13 item 9).

Django appends ``label_suffix`` — ``gettext(":")``, which Django's own zh-hans catalogue
leaves as the ASCII ":" — to every ``label_tag``; in the Chinese UI that reads 「案由:」.
Labels here stand on their own line above the input, so the platform's default suffix is
none. ``install()`` (called once from ``CoreConfig.ready``) makes that the default of every
form, whichever app defines it; a form or field that asks for its own suffix keeps it."""

from django.forms.forms import BaseForm

DEFAULT_SUFFIX = ""


def install():
    if getattr(BaseForm.__init__, "_sanxiang_labels", False):
        return
    original = BaseForm.__init__

    def __init__(self, *args, **kwargs):
        # label_suffix is BaseForm's 7th parameter (ModelForm passes it by position)
        asked = kwargs.get("label_suffix", args[6] if len(args) > 6 else None)
        original(self, *args, **kwargs)
        if asked is None:
            self.label_suffix = DEFAULT_SUFFIX

    __init__._sanxiang_labels = True
    __init__.__wrapped__ = original
    BaseForm.__init__ = __init__
