"""Old DRF ``authtoken`` keys were stored in clear text. Each one is carried over as a
hashed API token (same secret, so existing clients keep working) that expires 90 days
after this migration, and the clear-text row is deleted. ``rest_framework.authtoken``
stays installed only for its migration history; its keys no longer authenticate."""

import datetime as dt
import hashlib

from django.db import migrations

LEGACY_DAYS = 90


def carry_over(apps, schema_editor):
    from sanxiang.core import clock

    Token = apps.get_model("authtoken", "Token")
    ApiToken = apps.get_model("apitokens", "ApiToken")
    now = clock.now()
    for old in Token.objects.all().iterator():
        ApiToken.objects.get_or_create(
            digest=hashlib.sha256(old.key.encode("utf-8")).hexdigest(),
            defaults={
                "user_id": old.user_id,
                "name": "原 DRF 令牌（已迁移）",
                "prefix": old.key[:8],
                "created_at": old.created or now,
                "expires_at": now + dt.timedelta(days=LEGACY_DAYS),
            },
        )
    Token.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("apitokens", "0001_initial"),
        ("authtoken", "0004_alter_tokenproxy_options"),
    ]

    operations = [migrations.RunPython(carry_over, migrations.RunPython.noop)]
