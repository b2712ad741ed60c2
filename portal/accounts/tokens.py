"""API tokens: Wagtail's APIToken (only a keyed hash of the secret is stored; revoked tokens
stay for the audit trail), with a lifetime, tokens made only for oneself, and the REST API's
authentication class."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from wagtail.log_actions import log
from wagtail.models import APIToken

from portal.accounts.associations import manages_account, users_in_scope

KEYWORDS = (b"token", b"bearer")
LAST_USED_INTERVAL = dt.timedelta(minutes=1)


def lifetime() -> dt.timedelta:
    return dt.timedelta(days=settings.API_TOKEN_LIFETIME_DAYS)


def expires_at(token: APIToken) -> dt.datetime:
    return token.created + lifetime()


def is_expired(token: APIToken, now: dt.datetime | None = None) -> bool:
    return (now or timezone.now()) >= expires_at(token)


def usable_tokens():
    """Tokens that still open the API: not revoked, not expired."""
    return APIToken.objects.filter(revoked_at__isnull=True, created__gt=timezone.now() - lifetime())


def user_can_manage_token(actor, owner, site=None) -> bool:
    """The owner, or an administrator (who may manage users) for anyone but a superuser. An
    association's administrator: only for a person of their association (`site`, else the
    request's) whose account is theirs to manage — a token acts for the whole account, in every
    association it holds a role in, so the token of a person with roles elsewhere too is left to
    superusers and platform administrators, like the account itself."""
    if actor is None or not actor.is_authenticated:
        return False
    if actor.pk == owner.pk:
        return True
    if not actor.has_perm("auth.change_user"):
        return False
    if owner.is_superuser and not actor.is_superuser:
        return False
    people = users_in_scope(actor, type(owner)._default_manager.filter(pk=owner.pk), site)
    return people.exists() and manages_account(actor, owner, site)


def api_token_create(*, actor, name: str) -> tuple[APIToken, str]:
    """A token for the actor's own account (nobody makes a token that acts as someone else);
    the secret is returned once and never stored."""
    with transaction.atomic():
        token, plaintext = APIToken.create_token(user=actor, name=name)
        log(token, "wagtail.apitoken.create", user=actor)
    return token, plaintext


def api_token_revoke(*, actor, token: APIToken) -> None:
    if not user_can_manage_token(actor, token.user):
        raise PermissionDenied
    if token.revoked_at is None:
        with transaction.atomic():
            token.revoke()
            log(token, "wagtail.apitoken.revoke", user=actor)


def token_authenticate(secret: str):
    """The user a secret stands for, or None (unknown, revoked, expired, inactive user)."""
    token = (
        usable_tokens()
        .select_related("user")
        .filter(key_hash__in=APIToken.candidate_key_hashes(secret))
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_INTERVAL:
        APIToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user, token


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Token <secret>` (or `Bearer <secret>`)."""

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() not in KEYWORDS:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token header."))
        try:
            secret = parts[1].decode()
        except UnicodeError as error:
            raise exceptions.AuthenticationFailed(_("Invalid token header.")) from error
        found = token_authenticate(secret)
        if found is None:
            raise exceptions.AuthenticationFailed(_("Invalid, expired or revoked token."))
        return found

    def authenticate_header(self, request):
        return "Token"


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """How the schema (/api/schema/) describes the token: an Authorization header."""

    target_class = "portal.accounts.tokens.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": _(
                "“Token <secret>” (or “Bearer <secret>”), made under Settings → API tokens."
            ),
        }
