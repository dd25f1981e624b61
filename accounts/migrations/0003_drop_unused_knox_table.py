"""django-rest-knox's own migrations make its AuthToken table even though the project
swaps in accounts.ApiToken (KNOX_TOKEN_MODEL); nothing uses that table, and its foreign key
to the users' table stops PostgreSQL from emptying that table (TRUNCATE), as `manage.py
flush` and the test runner do. Drop it."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_plain_tokens_hashed"),
        ("knox", "0009_extend_authtoken_field"),
    ]

    operations = [
        migrations.RunSQL("DROP TABLE IF EXISTS knox_authtoken", migrations.RunSQL.noop),
    ]
