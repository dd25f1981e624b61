"""API tokens made before tokens were hashed (DRF's authtoken kept each in plain text, with
no expiry) become hashed tokens that expire: a client using one keeps working until then,
and the plain-text table is emptied and dropped, so no token stays readable."""

import datetime

from django.conf import settings
from django.db import migrations
from django.utils import timezone
from knox.crypto import hash_token
from knox.settings import CONSTANTS

PLAIN = "authtoken_token"


def hash_plain_tokens(apps, schema_editor):
    connection = schema_editor.connection
    if PLAIN not in connection.introspection.table_names():
        return
    ApiToken = apps.get_model("accounts", "ApiToken")
    expiry = timezone.now() + datetime.timedelta(days=settings.API_TOKEN_DAYS)
    quoted = schema_editor.quote_name(PLAIN)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT key, user_id, created FROM {quoted}")  # nosec B608: fixed name
        rows = cursor.fetchall()
    for key, user_id, created in rows:
        digest = hash_token(key)
        ApiToken(
            digest=digest,
            token_key=key[: CONSTANTS.TOKEN_KEY_LENGTH],
            user_id=user_id,
            expiry=expiry,
            name="Made before tokens expired",
        ).save(force_insert=True)
        ApiToken.objects.filter(digest=digest).update(created=created)  # not now: then
    schema_editor.execute(f"DROP TABLE {quoted}")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(hash_plain_tokens, migrations.RunPython.noop)]
