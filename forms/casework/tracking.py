"""Finding a submission again when its tracking link is lost: the applicant gives its reference
and their mobile number, receives a one-time code by SMS at that number, and with the code gets
the tracking link again (shown and re-sent). The answers never say whether a reference exists:
a wrong pair gets the same page, and the code that never came simply never matches. Nothing
about the person goes into the cache: only the submission's kind and id and the code's hash."""

import hashlib
import hmac
import secrets

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext

from forms.casework import registry
from forms.casework.messages import tracking_url
from forms.notifications import notifications_send_after_commit, sms_to
from portal.core.associations import current_or_default_site
from portal.core.dates import to_ascii_digits

CODE_SECONDS = 10 * 60
CODE_TRIES = 5
_KEY = "sila:track-code:"


def _hash(value: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


def submission_by_reference_and_mobile(reference: str, mobile: str):
    """The submission of the current association (the host's) with this reference whose
    applicant's mobile is `mobile` (E.164), or None."""
    reference = to_ascii_digits(reference or "").strip().upper()
    site = current_or_default_site()
    for kind in registry.kinds():
        if kind.prefix and reference.startswith(f"{kind.prefix}-"):
            found = kind.model.objects.filter(site=site, reference=reference).first()
            if found is not None and getattr(found, "mobile", None) == mobile:
                return found
    return None


def tracking_code_request(*, reference: str, mobile: str, language: str) -> str:
    """Start a lookup; returns its handle (kept by the applicant's browser). When the pair
    matches a submission, a code goes by SMS to that mobile; otherwise nothing is sent, and the
    handle behaves the same until a code is tried."""
    handle = secrets.token_urlsafe(24)
    submission = submission_by_reference_and_mobile(reference, mobile)
    code = f"{secrets.randbelow(1_000_000):06d}"
    entry = {"code": _hash(code), "tries": 0, "kind": None, "pk": None}
    if submission is not None:
        entry.update(kind=registry.of(submission).slug, pk=submission.pk)
        with translation.override(language):
            body = gettext("%(code)s is your code to find request %(reference)s.") % {
                "code": code,
                "reference": submission.reference,
            }
        with transaction.atomic():
            notifications_send_after_commit([sms_to(submission, body)])
    cache.set(_KEY + _hash(handle), entry, CODE_SECONDS)
    return handle


def tracking_code_check(*, handle: str, code: str):
    """The submission when `code` is right for this lookup, else None; a lookup allows
    CODE_TRIES tries, and a right code works once."""
    if not handle:
        return None
    key = _KEY + _hash(handle)
    entry = cache.get(key)
    if entry is None:
        return None
    code = "".join(to_ascii_digits(code or "").split())
    if entry["pk"] is None or not hmac.compare_digest(entry["code"], _hash(code)):
        entry["tries"] += 1
        if entry["tries"] >= CODE_TRIES:
            cache.delete(key)
        else:
            cache.set(key, entry, CODE_SECONDS)
        return None
    cache.delete(key)
    kind = registry.get(entry["kind"])
    if kind is None:
        return None
    return kind.model.objects.filter(site=current_or_default_site(), pk=entry["pk"]).first()


def tracking_link_resend(*, submission, language: str) -> None:
    """Send the tracking link again to the applicant's mobile."""
    with translation.override(language):
        body = gettext("Your request %(reference)s: follow it here %(url)s") % {
            "reference": submission.reference,
            "url": tracking_url(submission),
        }
    with transaction.atomic():
        notifications_send_after_commit([sms_to(submission, body)])
