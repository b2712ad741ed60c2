"""What the staff API reads and writes for one submission: its summary and detail (timeline,
messages, notes, documents), a step along its procedure, a note and an assignment."""

from rest_framework import serializers

from forms.casework import registry, selectors
from forms.casework.kinds import Step
from portal.core.api import (
    StrictBooleanField,
    StrictCharField,
    StrictIntegerField,
)
from portal.core.people import display_name


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.SerializerMethodField()

    def get_name(self, user) -> str:
        return display_name(user)


class SubmissionSummarySerializer(serializers.Serializer):
    reference = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    channel = serializers.CharField()
    full_name = serializers.CharField(default="")
    city = serializers.CharField(default="")
    submitted_at = serializers.DateTimeField()
    assignee = PersonSerializer(allow_null=True)
    support_type = serializers.CharField(source="support_type.name", default=None)
    response_due = serializers.DateField(source="due_date", default=None)
    days_left = serializers.SerializerMethodField()

    def get_days_left(self, obj) -> int | None:
        return obj.days_left()


class EventSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    applicant_told = serializers.BooleanField(source="public")
    message = serializers.CharField()
    note = serializers.CharField()
    meeting = serializers.CharField()
    by = PersonSerializer(allow_null=True)
    assigned_to = PersonSerializer(allow_null=True)


class MessageSerializer(serializers.Serializer):
    """A message to the applicant and what became of it."""

    id = serializers.IntegerField()
    channel = serializers.CharField()
    event = serializers.CharField()
    status = serializers.CharField(help_text="pending (queued), sent, delivered or failed")
    attempts = serializers.IntegerField()
    next_attempt_at = serializers.DateTimeField(allow_null=True)
    last_error = serializers.CharField()
    created_at = serializers.DateTimeField()
    sent_at = serializers.DateTimeField(allow_null=True)
    delivered_at = serializers.DateTimeField(allow_null=True)
    copy_of = serializers.IntegerField(source="copy_of_id", allow_null=True)


class NoteSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    text = StrictCharField(max_length=3000)
    author = PersonSerializer(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


class AttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    original_name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()


class SubmissionDetailSerializer(SubmissionSummarySerializer):
    applicant = serializers.SerializerMethodField()
    next_statuses = serializers.SerializerMethodField()
    timeline = EventSerializer(many=True, source="events.all")
    notes = serializers.SerializerMethodField()
    messages = serializers.SerializerMethodField()
    attachments = serializers.SerializerMethodField()

    def get_applicant(self, obj) -> dict:
        """What the admin's page shows of the applicant, less what the summary already has."""
        names = [f for f in registry.of(obj).applicant_fields if f not in ("full_name", "city")]
        values = {name: getattr(obj, name) for name in names}
        return serializers.JSONField().to_representation(
            {k: (str(v) if v is not None else None) for k, v in values.items()}
        )

    def get_next_statuses(self, obj) -> list[str]:
        user = self.context["request"].user
        return [str(s) for s in registry.of(obj).next_statuses(obj.status, user)]

    def get_notes(self, obj) -> list[dict]:
        notes = selectors.internal_notes(obj, self.context["request"].user)
        return NoteSerializer(notes, many=True).data

    def get_messages(self, obj) -> list[dict]:
        messages = selectors.messages_of(obj, self.context["request"].user)
        for message in messages:
            if message.status != "pending":
                message.next_attempt_at = None
        return MessageSerializer(messages, many=True).data

    def get_attachments(self, obj) -> list[dict]:
        if not registry.of(obj).accepts_attachments:
            return []
        return AttachmentSerializer(obj.attachments.all(), many=True).data


class TransitionSerializer(serializers.Serializer):
    """A step; besides these, the details its kind asks for (a help request's `reason` and
    `meeting`)."""

    to_status = StrictCharField()
    note = StrictCharField(required=False, allow_blank=True, default="")
    message = StrictCharField(required=False, allow_blank=True, default="")
    notify = StrictBooleanField(required=False, allow_null=True, default=None)

    def __init__(self, *args, kind=None, **kwargs):
        super().__init__(*args, **kwargs)
        for detail in kind.details if kind else self._every_detail():
            self.fields[detail.name] = StrictCharField(
                required=False, allow_blank=True, default="", help_text=str(detail.label)
            )

    @staticmethod
    def _every_detail():
        return list({d.name: d for kind in registry.kinds() for d in kind.details}.values())

    def step(self) -> Step:
        data = dict(self.validated_data)
        core = {name: data.pop(name) for name in ("note", "message", "notify")}
        return Step(to=data.pop("to_status"), details=data, **core)


class AssignSerializer(serializers.Serializer):
    assignee = StrictIntegerField(allow_null=True)
    note = StrictCharField(required=False, allow_blank=True, default="")
