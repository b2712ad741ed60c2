"""Drafts of public forms, for every kind: saved as the applicant goes, encrypted at rest with
Fernet (FORM_DRAFT_KEY, or a key derived from SECRET_KEY), expiring FORM_DRAFT_DAYS after the last
save. The applicant holds the only copy of the draft's secret (a cookie or the link sent by
SMS); the database keeps its hash, so a copy of the database opens no draft."""

import base64
import datetime as dt
import hashlib
import json
import secrets

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from forms.models import FormDraft, Notification
from forms.notifications import notifications_send_after_commit
from portal.core.associations import current_or_default_site

MAX_PAYLOAD_BYTES = 64 * 1024


def _fernet() -> MultiFernet:
    """Every configured key (comma-separated: the first encrypts, all decrypt, for rotation)."""
    configured = [key.strip() for key in (settings.FORM_DRAFT_KEY or "").split(",") if key.strip()]
    if not configured:
        derived = hashlib.sha256(f"sila.form-drafts:{settings.SECRET_KEY}".encode()).digest()
        configured = [base64.urlsafe_b64encode(derived).decode()]
    return MultiFernet([Fernet(key) for key in configured])


def _hash(token: str) -> str:
    return hashlib.sha256(f"draft:{token}".encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(24)


def encrypt(data: dict) -> bytes:
    return _fernet().encrypt(json.dumps(data, ensure_ascii=False).encode())


def decrypt(payload: bytes) -> dict | None:
    try:
        return json.loads(_fernet().decrypt(bytes(payload)))
    except (InvalidToken, ValueError):
        return None


def _expiry(now: dt.datetime) -> dt.datetime:
    return now + dt.timedelta(days=settings.FORM_DRAFT_DAYS)


def draft_save(*, kind_slug: str, token: str, data: dict, step: int) -> FormDraft:
    """Save the answers so far (replacing the previous save) and push the expiry back."""
    payload = encrypt(data)
    if len(payload) > MAX_PAYLOAD_BYTES:
        raise ValueError("draft too large")
    now = timezone.now()
    draft, created = FormDraft.objects.get_or_create(
        token_hash=_hash(token),
        defaults={
            "site": current_or_default_site(),
            "kind": kind_slug,
            "step": step,
            "reached": step,
            "payload": payload,
            "expires_at": _expiry(now),
        },
    )
    if not created:
        draft.step = step
        draft.reached = max(draft.reached, step)
        draft.payload = payload
        draft.updated_at = now
        draft.expires_at = _expiry(now)
        draft.save(update_fields=["step", "reached", "payload", "updated_at", "expires_at"])
    return draft


def draft_find(*, kind_slug: str, token: str | None) -> FormDraft | None:
    """The applicant's live draft of this kind, or None (unknown, expired or another kind)."""
    if not token:
        return None
    return FormDraft.objects.filter(
        token_hash=_hash(token),
        site=current_or_default_site(),  # resumed only on its association's host
        kind=kind_slug,
        expires_at__gt=timezone.now(),
    ).first()


def draft_data(draft: FormDraft | None) -> dict:
    """The draft's answers ({} when there is no draft or it can no longer be read)."""
    if draft is None:
        return {}
    return decrypt(draft.payload) or {}


def draft_delete(*, token: str | None) -> None:
    if token:
        FormDraft.objects.filter(token_hash=_hash(token)).delete()


@transaction.atomic
def draft_send_link(*, draft: FormDraft, mobile: str, body: str) -> Notification:
    """Send the applicant the link that resumes their draft (`body` holds it)."""
    FormDraft.objects.filter(pk=draft.pk).update(links_sent=draft.links_sent + 1)
    notification = Notification(channel="sms", recipient=mobile, body=body)
    return notifications_send_after_commit([notification])[0]


def drafts_purge_expired(*, now=None) -> int:
    """Delete every expired draft; returns how many."""
    deleted, _ = FormDraft.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted
