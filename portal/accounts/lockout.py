"""The lockout after failed sign-ins (django-axes): per account and address, and a higher
limit per address; the translated lockout page; an audit entry on the account."""

from axes.handlers.database import AxesDatabaseHandler

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Sum
from django.shortcuts import render

from wagtail.log_actions import log


class LockoutHandler(AxesDatabaseHandler):
    """django-axes compares one count with one limit (AXES_FAILURE_LIMIT). The count here is the
    larger of the failures for this account from this address and the failures from this address
    for any account, the latter scaled so that it reaches the limit at
    LOGIN_ADDRESS_FAILURE_LIMIT."""

    def get_failures(self, request, credentials=None) -> int:
        per_account, per_address = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        scaled = per_address * settings.AXES_FAILURE_LIMIT // settings.LOGIN_ADDRESS_FAILURE_LIMIT
        return max(per_account, scaled)


def lockout_response(request, original_response=None, credentials=None):
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    # Rendered now: django-axes answers from a middleware, after the views rendered theirs.
    return render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)


def account_locked(sender, request=None, username=None, ip_address=None, **kwargs) -> None:
    """user_locked_out: an audit entry on the account (when it exists), without the address."""
    if not username:
        return
    user = get_user_model().objects.filter(username=username).first()
    if user is not None:
        log(instance=user, action="sila.account_locked", user=None)
