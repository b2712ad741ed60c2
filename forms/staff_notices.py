"""Notices to staff: a line in the admin (with where to look) and, when they have an address, an
email through the outbox; and marking the notices a member of staff has seen. References and
days only, never an applicant's personal data."""

from django.utils import timezone

from forms.models import Notification, StaffNotice
from forms.notifications import notifications_send_after_commit


def staff_notify(*, user, text: str, url: str, subject: str, body: str, site) -> None:
    """Tell a member of staff in the admin (a notice, shown on `site`'s host: the association
    the notice is about) and by email (when they have an address): references and days only,
    never an applicant's personal data."""
    StaffNotice.objects.create(user=user, site=site, text=text[:300], url=url[:300])
    if user.email:
        notifications_send_after_commit(
            [
                Notification(
                    channel=Notification.Channel.EMAIL,
                    recipient=user.email,
                    subject=subject[:200],
                    body=body,
                )
            ]
        )


def notices_mark_read(*, user, notices) -> None:
    """The notices a member of staff has seen."""
    StaffNotice.objects.filter(
        user=user, pk__in=[notice.pk for notice in notices], read_at__isnull=True
    ).update(read_at=timezone.now())
