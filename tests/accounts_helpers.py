"""Signing staff in for tests: the password, then the second factor their role needs."""

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from wagtail.models import Site

from portal.core.associations import association
from portal.core.roles import needs_second_factor


def app_device(user) -> TOTPDevice:
    """The user's confirmed authenticator app, made when missing."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="test phone", confirmed=True)


def current_code(device: TOTPDevice, drift: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.drift = drift
    return f"{totp.token():0{device.digits}d}"


def _needs_second_factor_somewhere(user) -> bool:
    """Whether a role of the user, in any association, needs the second factor."""
    for site in Site.objects.all():
        with association(site):
            if needs_second_factor(user):
                return True
    return needs_second_factor(user)


def second_factor_pass(client, user) -> None:
    """Mark the client's session as having proved the second factor (when a role of theirs, in
    any association, needs it)."""
    if not _needs_second_factor_somewhere(user):
        return
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = app_device(user).persistent_id
    session.save()


def fresh_code(device: TOTPDevice) -> str:
    """A code the device accepts now: django-otp refuses a time step already used, so a second
    sign-in within 30 seconds takes the next step (within the device's tolerance) or waits."""
    import time

    while True:
        device.refresh_from_db()
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        now = totp.t()
        step = max(now, device.last_t + 1)
        if step - now <= device.tolerance:
            totp.drift = device.drift + step - now
            return f"{totp.token():0{device.digits}d}"
        time.sleep(1)
