"""Connects the staff accounts' receivers once the apps are ready."""

from axes.signals import user_locked_out

from django.contrib.auth.signals import user_logged_in

from portal.accounts import lockout, middleware, roles


def connect_signals() -> None:
    user_logged_in.connect(middleware.session_started, dispatch_uid="sila-session-started")
    user_locked_out.connect(lockout.account_locked, dispatch_uid="sila-account-locked")
    roles.connect_signals()
