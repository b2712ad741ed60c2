"""The second factor: an authenticator app (TOTP) and one-time backup codes, on django-otp.
Services write (enrol, confirm, new codes, reset); the views in portal.accounts.views call them."""

import base64

import segno
from django_otp import devices_for_user, user_has_device
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from django.conf import settings
from django.db import transaction

from wagtail.log_actions import log

from portal.accounts.associations import manages_account
from portal.core.roles import needs_second_factor

APP_DEVICE = "authenticator app"
CODES_DEVICE = "backup codes"
# Arabic-Indic and Eastern Arabic-Indic digits read as the ASCII digits authenticator apps show.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def clean_code(code: str) -> str:
    """What a person typed, as the device compares it: any digits, spaces and dashes dropped."""
    return "".join((code or "").translate(_DIGITS).split()).replace("-", "").lower()


def is_enrolled(user) -> bool:
    return user_has_device(user, confirmed=True)


def second_factor_required(user) -> bool:
    return needs_second_factor(user)


def pending_app_device(user) -> TOTPDevice:
    """The authenticator app being set up: one unconfirmed device, made once and reused until
    it is confirmed, so reloading the page keeps the same QR code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE, confirmed=False)
    return device


def qr_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// URL as an inline SVG QR code (no image request, no script)."""
    return segno.make(device.config_url, error="m").svg_inline(
        scale=5, dark="#1d1d1d", light="#ffffff", title="QR", omitsize=True
    )


def manual_key(device: TOTPDevice) -> str:
    """The secret in the base-32 form apps accept typed in, in groups of four."""
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def backup_codes_new(*, user) -> list[str]:
    """A fresh set of one-time backup codes; the previous ones stop working. Shown once."""
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(
            user=user, name=CODES_DEVICE, defaults={"confirmed": True}
        )
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(settings.SECOND_FACTOR_BACKUP_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def backup_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def app_device_confirm(*, request, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the app being set up with a code it shows; the session counts as verified and
    the backup codes are made. None when the code is wrong (nothing changes)."""
    if device.confirmed or device.user_id != request.user.pk:
        return None
    if not device.verify_token(clean_code(code)):
        return None
    with transaction.atomic():
        # One app at a time: a new phone replaces the old one.
        TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = backup_codes_new(user=device.user)
        log(instance=device.user, action="sila.second_factor_enrol", user=device.user)
    otp_login(request, device)
    return codes


def second_factor_verify(*, request, code: str) -> bool:
    """Check a code from the app or a backup code (used once) and mark the session verified."""
    code = clean_code(code)
    if not code:
        return False
    for device in devices_for_user(request.user, confirmed=True):
        if device.verify_token(code):
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                log(instance=request.user, action="sila.backup_code_used", user=request.user)
            return True
    return False


def second_factor_reset(*, actor, user) -> None:
    """An administrator removes a person's second factor (a lost phone): they set it up again at
    their next sign-in. Refused for oneself and, unless a superuser, for superusers."""
    from django.core.exceptions import PermissionDenied

    if not user_can_reset(actor, user):
        raise PermissionDenied
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=None):
            device.delete()
        log(instance=user, action="sila.second_factor_reset", user=actor)


def user_can_reset(actor, user) -> bool:
    if actor is None or actor.pk == user.pk or not actor.has_perm("auth.change_user"):
        return False
    # An association's administrator resets the account of their association's people only.
    return (actor.is_superuser or not user.is_superuser) and manages_account(actor, user)
