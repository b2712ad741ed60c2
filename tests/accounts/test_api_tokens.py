"""API tokens: only a keyed hash is stored, they expire, and their owner or an administrator
revokes them; nobody makes a token that acts as someone else."""

import datetime as dt

import pytest

from django.conf import settings
from django.utils import timezone

from wagtail.models import APIToken, ModelLogEntry

from portal.accounts.tokens import api_token_create, api_token_revoke

pytestmark = pytest.mark.django_db

LIST = "/api/v1/staff/help-requests/"


def auth(secret, keyword="Token"):
    return {"HTTP_AUTHORIZATION": f"{keyword} {secret}"}


def test_a_token_opens_the_staff_api_and_only_its_hash_is_stored(client, roles):
    token, secret = api_token_create(actor=roles["officer"], name="reporting")
    assert client.get(LIST, **auth(secret)).status_code == 200
    assert client.get(LIST, **auth(secret, "Bearer")).status_code == 200
    stored = APIToken.objects.get(pk=token.pk)
    assert secret not in (stored.key_hash, stored.prefix) and secret[12:] not in stored.key_hash
    assert stored.last_used_at is not None
    # The token carries its owner's role, no more.
    assert client.get("/api/v1/staff/volunteer-applications/", **auth(secret)).status_code == 403


@pytest.mark.parametrize("days", [0, 1, settings.API_TOKEN_LIFETIME_DAYS - 1])
def test_a_token_works_until_its_lifetime_ends(client, roles, days):
    token, secret = api_token_create(actor=roles["officer"], name="age")
    created = timezone.now() - dt.timedelta(days=days, hours=1)
    APIToken.objects.filter(pk=token.pk).update(created=created)
    assert client.get(LIST, **auth(secret)).status_code == 200


@pytest.mark.parametrize("days", [settings.API_TOKEN_LIFETIME_DAYS, 400])
def test_an_expired_token_is_refused(client, roles, days):
    token, secret = api_token_create(actor=roles["officer"], name="old")
    APIToken.objects.filter(pk=token.pk).update(created=timezone.now() - dt.timedelta(days=days))
    response = client.get(LIST, **auth(secret))
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_the_owner_revokes_a_token(client, roles):
    token, secret = api_token_create(actor=roles["officer"], name="laptop")
    api_token_revoke(actor=roles["officer"], token=token)
    assert client.get(LIST, **auth(secret)).status_code == 401
    assert ModelLogEntry.objects.filter(action="wagtail.apitoken.revoke").exists()


def test_an_administrator_revokes_anyone_s_token_in_the_admin(client, roles):
    token, secret = api_token_create(actor=roles["officer"], name="stolen")
    client.force_login(roles["administrator"])
    assert "stolen" in client.get("/admin/api-tokens/").content.decode()
    assert client.post(f"/admin/api-tokens/delete/{token.pk}/").status_code == 302
    client.logout()
    assert client.get(LIST, **auth(secret)).status_code == 401


def test_a_colleague_cannot_revoke_or_see_another_s_token(client, roles):
    token, _ = api_token_create(actor=roles["officer"], name="mine")
    client.force_login(roles["researcher"])
    assert "mine" not in client.get("/admin/api-tokens/").content.decode()
    assert client.post(f"/admin/api-tokens/delete/{token.pk}/").status_code == 404
    assert APIToken.objects.get(pk=token.pk).revoked_at is None


def test_tokens_are_made_in_the_admin_for_oneself_only(client, roles):
    officer = roles["officer"]
    client.force_login(roles["administrator"])
    response = client.post("/admin/api-tokens/new/", {"name": "sync", "user": officer.pk})
    assert response.status_code == 200
    token = APIToken.objects.get(name="sync")
    assert token.user == roles["administrator"]
    secret = response.context["token"]
    assert secret in response.content.decode()
    assert APIToken.objects.filter(user=officer).count() == 0


def test_unknown_and_malformed_tokens_answer_401_in_the_error_shape(client, roles):
    for header in ("Token nope", "Token a b", "Bearer " + "x" * 300):
        response = client.get(LIST, HTTP_AUTHORIZATION=header)
        assert response.status_code == 401, header
        assert set(response.json()) >= {"code", "message"}
