"""The migration that moves clear-text tokens (the former rest_framework.authtoken table) to
hashes: each keeps working, the clear rows are gone."""

import datetime as dt
import importlib

import pytest

from django.apps import apps
from django.db import connection
from django.utils import timezone

from wagtail.models import APIToken

from portal.accounts.tokens import token_authenticate
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("portal.migrations.0002_api_tokens_hashed")


class Editor:
    connection = connection


def test_clear_tokens_become_hashes_that_still_work():
    users = [UserFactory(username=f"api{n}") for n in range(3)]
    keys = [f"{n:040x}" for n in (0xABC, 0xDEF, 0x123)]
    created = timezone.now() - dt.timedelta(days=10)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, user_id integer, "
            "created timestamp with time zone)"
            if connection.vendor == "postgresql"
            else "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, user_id integer, "
            "created datetime)"
        )
        for user, key in zip(users, keys, strict=True):
            cursor.execute(
                "INSERT INTO authtoken_token (key, user_id, created) VALUES (%s, %s, %s)",
                [key, user.pk, created],
            )
    migration.hash_clear_tokens(apps, Editor())
    for user, key in zip(users, keys, strict=True):
        found = token_authenticate(key)
        assert found is not None and found[0] == user
    stored = list(APIToken.objects.values_list("key_hash", flat=True))
    assert len(stored) == 3 and not set(keys) & set(stored)
    assert all(abs((t.created - created).total_seconds()) < 1 for t in APIToken.objects.all())
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM authtoken_token")
        assert cursor.fetchone()[0] == 0
        cursor.execute("DROP TABLE authtoken_token")


def test_without_the_old_table_nothing_happens():
    migration.hash_clear_tokens(apps, Editor())
    assert not APIToken.objects.exists()
