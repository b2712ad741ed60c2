"""Messages to applicants that staff edit in both languages (the defaults are templates)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from forms.models.submission import association_key


class MessageTemplate(models.Model):
    """A message to applicants, editable by staff in both languages. Placeholders in braces:
    {reference}, {name}, {type}, {due_date}, {due_date_hijri}, {tracking_url}, {status},
    {reason}, {rating_url}, {due_date} (the new one when it was extended).
    The SMS texts are also the WhatsApp texts and the body of the email copy."""

    class Key(models.TextChoices):
        RECEIPT_SMS = "receipt_sms", _("Receipt of a help request (SMS)")
        RECEIPT_EMAIL_SUBJECT = (
            "receipt_email_subject",
            _("Receipt of a help request (email subject)"),
        )
        RECEIPT_EMAIL = "receipt_email", _("Receipt of a help request (email)")
        INFORMATION_NEEDED_SMS = "information_needed_sms", _("More information needed (SMS)")
        VOLUNTEER_RECEIPT_SMS = (
            "volunteer_receipt_sms",
            _("Receipt of a volunteer application (SMS)"),
        )
        STATUS_CHANGED_SMS = "status_changed_sms", _("A help request's status changed (SMS)")
        ACCEPTED_SMS = "accepted_sms", _("A help request was accepted (SMS)")
        REJECTED_SMS = "rejected_sms", _("A help request was rejected (SMS)")
        RATING_REQUEST_SMS = "rating_request_sms", _("Asking to rate the service (SMS)")
        DELIVERED_SMS = "delivered_sms", _("The service of a help request was delivered")
        DEADLINE_EXTENDED_SMS = (
            "deadline_extended_sms",
            _("The answer date of a request was extended"),
        )
        MESSAGE_EMAIL_SUBJECT = (
            "message_email_subject",
            _("Subject of the email copy of a message"),
        )
        VOLUNTEER_STATUS_SMS = (
            "volunteer_status_sms",
            _("A volunteer application's status changed (SMS)"),
        )
        COMPLAINT_RECEIPT_SMS = (
            "complaint_receipt_sms",
            _("Receipt of a complaint or suggestion (SMS)"),
        )
        COMPLAINT_STATUS_SMS = (
            "complaint_status_sms",
            _("A complaint's or suggestion's status changed (SMS)"),
        )

    site = association_key()
    key = models.CharField(_("message"), max_length=40, choices=Key.choices)
    body = models.TextField(
        _("text"),
        help_text=_(
            "Placeholders: {reference}, {name}, {type}, {due_date}, {due_date_hijri}, "
            "{tracking_url}, {status}, {reason}, {rating_url}."
        ),
    )

    class Meta:
        ordering = ["key"]
        constraints = [
            models.UniqueConstraint(fields=["site", "key"], name="one_message_text_per_site")
        ]
        verbose_name = _("message to applicants")
        verbose_name_plural = _("messages to applicants")

    def __str__(self):
        return self.get_key_display()

    def validate_constraints(self, exclude=None):
        # The association is not on the form, but a code is unique within it: check it.
        super().validate_constraints(exclude=set(exclude or ()) - {"site"})
