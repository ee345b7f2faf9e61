"""``{{ text|shorthash }}``: long hex digests (SHA-256 and the like) shown as their first 12
characters with a ``<details>`` that reveals the full value to read or copy — no script,
and a 64-character digest never widens a phone page (issue #13 item 11)."""

import re

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()

HEX_RUN = re.compile(r"\b[0-9a-fA-F]{32,}\b")
SHORT = 12


@register.filter
def shorthash(value):
    text = "" if value is None else str(value)
    out = []
    last = 0
    for match in HEX_RUN.finditer(text):
        out.append(escape(text[last : match.start()]))
        digest = match.group(0)
        out.append(
            format_html(
                '<details class="hash-full"><summary><span class="hash-short hash">{}…</span>'
                ' <span class="hint">{}</span></summary><code class="hash">{}</code></details>',
                digest[:SHORT],
                _("显示完整值"),
                digest,
            )
        )
        last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(str(p) for p in out))  # noqa: S308 - every interpolated value is escaped above
