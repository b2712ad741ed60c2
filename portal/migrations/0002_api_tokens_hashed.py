"""API tokens were stored in clear (rest_framework.authtoken). Each one becomes a Wagtail
APIToken holding only its keyed hash, so it keeps working until it expires, and the clear
rows are deleted. The old app is no longer installed: its table is read only if it exists."""

from django.conf import settings
from django.db import migrations
from django.utils.crypto import salted_hmac

KEY_SALT = "wagtail.apitoken"  # wagtail.models.api.KEY_SALT


def hash_clear_tokens(apps, schema_editor):
    connection = schema_editor.connection
    if "authtoken_token" not in connection.introspection.table_names():
        return
    APIToken = apps.get_model("wagtailcore", "APIToken")
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote('key')}, {quote('user_id')}, {quote('created')} "
            f"FROM {quote('authtoken_token')}"
        )
        rows = cursor.fetchall()
        for key, user_id, created in rows:
            token = APIToken.objects.create(
                user_id=user_id,
                name="API token (moved from the old store)",
                key_hash=salted_hmac(
                    KEY_SALT, key, secret=settings.SECRET_KEY, algorithm="sha256"
                ).hexdigest(),
                prefix=key[:4],
            )
            # Keep the original age: the lifetime counts from the token's creation.
            APIToken.objects.filter(pk=token.pk).update(created=created)
        cursor.execute(f"DELETE FROM {quote('authtoken_token')}")


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_scheduled_runs"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(hash_clear_tokens, migrations.RunPython.noop)]
