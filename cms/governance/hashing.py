"""Canonical forms and SHA-256 hashes of approved content and of approval records (pure).

The migrations use these functions too, on historical models, so they read attributes and
plain values only and never import a model.
"""

import datetime as dt
import hashlib
import json

# What the board approves: every field of a policy that the public reads, in both languages.
APPROVED_FIELDS = (
    "slug",
    "title_ar",
    "title_en",
    "summary_ar",
    "summary_en",
    "category",
    "response_period_days",
    "body_ar",
    "body_en",
)


def _stream_data(value):
    """A StreamField as stored in a revision (a JSON string or a list), without block ids."""
    if value in (None, ""):
        return []
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return value
    return _without_ids(value)


def _without_ids(value):
    # Block ids are random and say nothing about the text; two revisions with the same text
    # must have the same hash.
    if isinstance(value, list):
        return [_without_ids(item) for item in value]
    if isinstance(value, dict):
        if "type" in value and "value" in value:
            return {"type": value["type"], "value": _without_ids(value["value"])}
        return {key: _without_ids(item) for key, item in value.items()}
    return value


def canonical_content(content: dict) -> dict:
    """The approved fields of a revision's stored content, in one canonical shape."""
    canonical = {}
    for name in APPROVED_FIELDS:
        value = content.get(name)
        if name.startswith("body_"):
            value = _stream_data(value)
        elif value is None and name != "response_period_days":
            value = ""
        canonical[name] = value
    return canonical


def _dumps(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def content_hash(content: dict) -> str:
    """SHA-256 of a revision's approved content (hex)."""
    return hashlib.sha256(_dumps(canonical_content(content))).hexdigest()


def _iso(value) -> str:
    if isinstance(value, dt.datetime):
        value = value.astimezone(dt.UTC) if value.tzinfo else value
        return value.replace(tzinfo=None).isoformat(timespec="microseconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value or "")


def record_fields(approval, members, *, term_number, policy_slug) -> dict:
    """What an approval record says, as plain values: the facts, the members, the links."""
    return {
        "site": approval.site_id,
        "sequence": approval.sequence,
        "policy": approval.policy_id,
        "policy_slug": policy_slug,
        "version": approval.version,
        "revision": approval.revision_id,
        "content_hash": approval.content_hash,
        "meeting_number": approval.meeting_number,
        "term": term_number,
        "meeting_date": _iso(approval.meeting_date),
        "decision_text_ar": approval.decision_text_ar or "",
        "decision_text_en": approval.decision_text_en or "",
        "change_note_ar": approval.change_note_ar or "",
        "change_note_en": approval.change_note_en or "",
        "supersedes_previous": bool(approval.supersedes_previous),
        "minutes": approval.minutes_id,
        "minutes_public": bool(approval.minutes_public),
        "corrects": approval.corrects_id,
        "recorded_by": approval.recorded_by_id,
        "recorded_via": approval.recorded_via,
        "recorded_at": _iso(approval.recorded_at),
        "members": [
            {
                "name_ar": member.name_ar or member.name or "",
                "name_en": member.name_en or "",
                "role": member.role,
                "order": member.sort_order,
            }
            for member in sorted(members, key=lambda m: m.sort_order)
        ],
        "previous_hash": approval.previous_hash,
    }


def record_hash(fields: dict) -> str:
    """SHA-256 of an approval record's fields, which include the previous record's hash."""
    return hashlib.sha256(_dumps(fields)).hexdigest()
