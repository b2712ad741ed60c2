"""Wagtail's publish_scheduled, which refuses policies cleanly instead of crashing on them.

A policy goes live only through the board's approval (its page refuses anything else), so a
go-live or expiry date set on a policy from a shell or an old form is cleared, with a warning,
and every other scheduled page is published as usual.
"""

import logging

from django.contrib.contenttypes.models import ContentType

from wagtail.management.commands.publish_scheduled import Command as PublishScheduledCommand
from wagtail.models import Revision

from cms.models import PolicyPage

logger = logging.getLogger(__name__)


class Command(PublishScheduledCommand):
    def handle(self, *args, **options):
        if not options.get("dryrun"):
            self.refuse_policy_schedules()
        return super().handle(*args, **options)

    def refuse_policy_schedules(self) -> None:
        content_type = ContentType.objects.get_for_model(PolicyPage)
        scheduled = Revision.objects.filter(
            content_type=content_type, approved_go_live_at__isnull=False
        )
        for revision in scheduled:
            logger.warning(
                "Scheduled publishing of policy page %s refused: a policy version goes live "
                "only through the board's approval.",
                revision.object_id,
            )
            self.stderr.write(
                f"Refused the scheduled publishing of policy page {revision.object_id}: "
                "a policy version goes live only through the board's approval."
            )
        scheduled.update(approved_go_live_at=None)
        expiring = PolicyPage.objects.filter(expire_at__isnull=False)
        for page_id in expiring.values_list("pk", flat=True):
            self.stderr.write(
                f"Refused the scheduled expiry of policy page {page_id}: a policy is taken out "
                "of force by a withdrawal."
            )
        expiring.update(expire_at=None)
