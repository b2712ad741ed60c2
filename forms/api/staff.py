"""The staff API: the inbox for authenticated staff, with the same permissions as the admin.

`/api/v1/staff/<kind>/` for every registered kind (help-requests, volunteer-applications, …):
list (filters, search, ordering, paging), detail, transitions, notes and assignment; and
`/api/v1/staff/search/` across the kinds the user may see. Session or token authentication;
every read of a submission's personal data is in the audit log."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from wagtail.log_actions import log

from forms.casework import registry, selectors
from forms.casework.filters import filterset_for, orderings_for
from forms.casework.kinds import Step
from forms.casework.transitions import submission_assign, submission_note_add, submission_transition
from portal.core.api import (
    ErrorSerializer,
    StrictBooleanField,
    StrictCharField,
    StrictIntegerField,
)
from portal.core.people import display_name
from search.index.service import allowed_kinds, search_submissions


def _kind(view):
    kind = registry.by_api_slug(view.kwargs["kind"])
    if kind is None:
        raise Http404
    return kind


class CanViewKind(permissions.BasePermission):
    """Authenticated staff holding the view permission of the kind in the URL."""

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        return _kind(view).can_view(request.user)


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


def _kind_parameter() -> OpenApiParameter:
    return OpenApiParameter(
        "kind",
        str,
        location=OpenApiParameter.PATH,
        enum=[kind.api_slug for kind in registry.kinds()],
        description="Kind of submission",
    )


def _list_parameters() -> list[OpenApiParameter]:
    typed = ", ".join(kind.api_slug for kind in registry.kinds() if kind.type_field)
    due = ", ".join(kind.api_slug for kind in registry.kinds() if kind.due_field)
    return [
        _kind_parameter(),
        OpenApiParameter(
            "q", str, description="Reference, national ID, phone (any format) or name"
        ),
        OpenApiParameter("status", str, many=True),
        OpenApiParameter("support_type", int, description=f"Only {typed}"),
        OpenApiParameter("channel", str),
        OpenApiParameter("assignee", int),
        OpenApiParameter("overdue", bool, description=f"Only {due}"),
        OpenApiParameter(
            "message_failed", bool, description="A message failed past its last retry"
        ),
        OpenApiParameter("city", str),
        OpenApiParameter("submitted_at_after", str, description="YYYY-MM-DD"),
        OpenApiParameter("submitted_at_before", str, description="YYYY-MM-DD"),
        OpenApiParameter(
            "ordering", str, enum=sorted(set().union(*map(orderings_for, registry.kinds())))
        ),
    ]


class StaffSubmissionList(ListAPIView):
    permission_classes = [CanViewKind]
    serializer_class = SubmissionSummarySerializer

    def get_queryset(self):
        kind = _kind(self)
        related = ["assignee", *([kind.type_field] if kind.type_field else [])]
        queryset = selectors.submissions_for(self.request.user, kind).select_related(*related)
        filterset = filterset_for(kind)(self.request.GET, queryset=queryset, request=self.request)
        if not filterset.is_valid():
            raise serializers.ValidationError(filterset.errors)
        queryset = filterset.qs
        if query := self.request.GET.get("q", "").strip():
            queryset = selectors.submissions_matching(queryset, self.request.user, query)
        ordering = self.request.GET.get("ordering", "-submitted_at")
        if ordering not in orderings_for(kind):
            ordering = "-submitted_at"
        return queryset.order_by(ordering, "-pk")

    @extend_schema(
        operation_id="staff_submissions_list",
        parameters=_list_parameters(),
        responses={200: SubmissionSummarySerializer(many=True), 403: ErrorSerializer},
        tags=["staff"],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class _SubmissionView(APIView):
    permission_classes = [CanViewKind]

    def submission(self):
        kind = _kind(self)
        related = ["assignee", "case_file", *([kind.type_field] if kind.type_field else [])]
        return get_object_or_404(
            selectors.submissions_for(self.request.user, kind).select_related(*related),
            reference=self.kwargs["reference"],
        )

    def detail(self, submission, code=status.HTTP_200_OK):
        submission.refresh_from_db()
        return Response(
            SubmissionDetailSerializer(submission, context={"request": self.request}).data,
            status=code,
        )


class StaffSubmissionDetail(_SubmissionView):
    @extend_schema(
        operation_id="staff_submissions_retrieve",
        parameters=[_kind_parameter()],
        responses={200: SubmissionDetailSerializer, 403: ErrorSerializer, 404: ErrorSerializer},
        tags=["staff"],
    )
    def get(self, request, kind, reference):
        submission = self.submission()
        log(instance=submission, action="intake.staff_api_view", user=request.user)
        return self.detail(submission)


class StaffSubmissionTransition(_SubmissionView):
    @extend_schema(
        operation_id="staff_submissions_transition",
        parameters=[_kind_parameter()],
        request=TransitionSerializer,
        responses={200: SubmissionDetailSerializer, 400: ErrorSerializer, 403: ErrorSerializer},
        tags=["staff"],
        description=(
            "Move the submission one step along its procedure. Steps the procedure does not "
            "allow from the current status answer 400 and change nothing; steps the user's "
            "role may not take answer 403."
        ),
    )
    def post(self, request, kind, reference):
        submission = self.submission()
        data = TransitionSerializer(data=request.data, kind=registry.of(submission))
        data.is_valid(raise_exception=True)
        submission_transition(submission=submission, user=request.user, step=data.step())
        return self.detail(submission)


class StaffSubmissionNotes(_SubmissionView):
    @extend_schema(
        operation_id="staff_submissions_note_create",
        parameters=[_kind_parameter()],
        request=NoteSerializer,
        responses={201: NoteSerializer, 400: ErrorSerializer, 403: ErrorSerializer},
        tags=["staff"],
    )
    def post(self, request, kind, reference):
        submission = self.submission()
        data = NoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        note = submission_note_add(
            submission=submission, user=request.user, text=data.validated_data["text"]
        )
        return Response(NoteSerializer(note).data, status=status.HTTP_201_CREATED)


class StaffSubmissionAssign(_SubmissionView):
    @extend_schema(
        operation_id="staff_submissions_assign",
        parameters=[_kind_parameter()],
        request=AssignSerializer,
        responses={200: SubmissionDetailSerializer, 400: ErrorSerializer, 403: ErrorSerializer},
        tags=["staff"],
    )
    def post(self, request, kind, reference):
        submission = self.submission()
        declared = registry.of(submission)
        data = AssignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        assignee_id = data.validated_data["assignee"]
        assignee = None
        if assignee_id is not None:
            assignee = selectors.staff_for(declared).filter(pk=assignee_id).first()
            if assignee is None:
                if not declared.can_assign(request.user):
                    raise PermissionDenied
                raise serializers.ValidationError(
                    {"assignee": [gettext("This person cannot work on this kind of submission.")]},
                    code="invalid_assignee",
                )
        submission_assign(
            submission=submission,
            user=request.user,
            assignee=assignee,
            note=data.validated_data["note"],
        )
        return self.detail(submission)


class SearchHitSerializer(serializers.Serializer):
    kind = serializers.CharField()
    reference = serializers.CharField()
    score = serializers.FloatField()
    highlight = serializers.CharField()


class FacetSerializer(serializers.Serializer):
    value = serializers.CharField()
    count = serializers.IntegerField()


class SearchResultsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    hits = SearchHitSerializer(many=True)
    facets = serializers.DictField(child=FacetSerializer(many=True))


class StaffSearch(APIView):
    """Search every submission the user may see: hits with highlights, and facets (status,
    type, channel, city) counted only over what the user may see."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="staff_search",
        parameters=[
            OpenApiParameter("q", str),
            OpenApiParameter("kind", str, enum=[kind.slug for kind in registry.kinds()]),
            OpenApiParameter("status", str, many=True),
            OpenApiParameter("channel", str),
            OpenApiParameter("city", str),
            OpenApiParameter("page", int),
        ],
        responses={200: SearchResultsSerializer, 403: ErrorSerializer},
        tags=["staff"],
    )
    def get(self, request):
        visible = allowed_kinds(request.user)
        if not visible:
            raise PermissionDenied
        kind = request.GET.get("kind")
        try:
            page = max(1, int(request.GET.get("page", "1")))
        except ValueError:
            page = 1
        filters = {
            "status": request.GET.getlist("status"),
            "channel": request.GET.get("channel", ""),
            "city": request.GET.get("city", ""),
        }
        results = search_submissions(
            request.user,
            text=request.GET.get("q", ""),
            kinds=(kind,) if kind in visible else visible,
            filters=filters,
            page=page,
        )
        data = {
            "total": results.total,
            "hits": [hit.__dict__ for hit in results.hits],
            "facets": {
                name: [{"value": value, "count": count} for value, count in values]
                for name, values in results.facets.items()
            },
        }
        return Response(SearchResultsSerializer(data).data)
