"""The kinds of submission the casework engine serves: the one place where the tracking door,
the staff API, search and the admin look a kind up (by slug, API slug or model).

Kinds are added by `forms.casework.kinds.register`; this module imports nothing, so models
can ask for their kind without a cycle."""

from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured

from portal.core.roles import permissions_register

if TYPE_CHECKING:
    from forms.casework.kinds import SubmissionKind

_kinds: dict[str, "SubmissionKind"] = {}


def add(kind: "SubmissionKind") -> None:
    known = _kinds.get(kind.slug)
    if known is not None and known is not kind:
        raise ImproperlyConfigured(f"two kinds of submission use the slug {kind.slug!r}")
    if not _idempotency_per_site(kind.model):
        raise ImproperlyConfigured(
            f"{kind.model.__name__} must keep the idempotency key unique per association: "
            "declare its Meta as `class Meta(Submission.Meta)`"
        )
    _kinds[kind.slug] = kind
    # Whoever may read a kind sees personal data: a second factor, audited grants, closed choosers.
    permissions_register(personal_data=[kind.view_permission])


def _idempotency_per_site(model) -> bool:
    return any(
        tuple(getattr(constraint, "fields", ())) == ("site", "idempotency_key")
        for constraint in model._meta.constraints
    )


def kinds() -> list["SubmissionKind"]:
    """Every kind, in the order they were registered."""
    return list(_kinds.values())


def get(slug: str) -> "SubmissionKind | None":
    return _kinds.get(slug)


def by_api_slug(api_slug: str) -> "SubmissionKind | None":
    return next((kind for kind in _kinds.values() if kind.api_slug == api_slug), None)


def of(submission_or_model) -> "SubmissionKind":
    """The kind of a submission or of its model."""
    model = (
        submission_or_model if isinstance(submission_or_model, type) else type(submission_or_model)
    )
    for kind in _kinds.values():
        if issubclass(model, kind.model):
            return kind
    raise LookupError(f"{model.__name__} is not a registered kind of submission")
