"""The applicant's rating of the service: a right, and a tool for improvement, not for blame."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from forms.casework import registry
from forms.models import SatisfactionRating


def satisfaction_record(*, submission, data: dict, language: str) -> SatisfactionRating:
    """The applicant's rating: once per submission, only once it reached its kind's rated
    status (a closed help request)."""
    kind = registry.of(submission)
    if not kind.rated_status or submission.status != kind.rated_status:
        raise ValidationError(
            {"score": _("This request can be rated once it is closed.")}, code="not_closed"
        )
    try:
        with transaction.atomic():
            rating = SatisfactionRating(owner=submission, language=language, **data)
            rating.full_clean(exclude=["case_file"])
            rating.save()
    except IntegrityError:
        raise ValidationError(
            {"score": _("This request has already been rated. Thank you.")}, code="already_rated"
        ) from None
    return rating
