"""The staff API: the inbox for authenticated staff, with the same permissions as the admin.

`/api/v1/staff/help-requests/` and `/api/v1/staff/volunteer-applications/`: list (filters,
search, ordering, paging), detail, transitions, notes and assignment. Session or token
authentication; every read of a submission's personal data is in the audit log."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from wagtail.log_actions import log

from cms.api import ErrorSerializer
from forms.admin.viewsets import (
    HelpRequestFilterSet,
    HelpRequestViewSet,
    VolunteerApplicationViewSet,
    VolunteerFilterSet,
    help_request_staff,
    search_filter,
    volunteer_staff,
)
from forms.casework import transitions as services
from forms.models import HelpRequest, VolunteerApplication

KINDS = {
    "help-requests": {
        "model": HelpRequest,
        "filterset": HelpRequestFilterSet,
        "staff": help_request_staff,
        "related": ["support_type", "assignee"],
    },
    "volunteer-applications": {
        "model": VolunteerApplication,
        "filterset": VolunteerFilterSet,
        "staff": volunteer_staff,
        "related": ["assignee"],
    },
}
ORDERINGS = {"submitted_at", "-submitted_at", "response_due", "-response_due", "status"}


class CanViewKind(permissions.BasePermission):
    """Authenticated staff holding `view_<model>` for the kind in the URL."""

    def has_permission(self, request, view):
        model = KINDS[view.kwargs["kind"]]["model"]
        return bool(
            request.user
            and request.user.is_authenticated
            and request.user.has_perm(f"intake.view_{model._meta.model_name}")
        )


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.SerializerMethodField()

    def get_name(self, user) -> str:
        return user.get_full_name() or user.get_username()


class SubmissionSummarySerializer(serializers.Serializer):
    reference = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    channel = serializers.CharField()
    full_name = serializers.CharField()
    city = serializers.CharField()
    submitted_at = serializers.DateTimeField()
    assignee = PersonSerializer(allow_null=True)
    support_type = serializers.CharField(source="support_type.name", default=None)
    response_due = serializers.DateField(default=None)
    days_left = serializers.SerializerMethodField()

    def get_days_left(self, obj) -> int | None:
        return obj.days_left() if isinstance(obj, HelpRequest) else None


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


class NoteSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    text = serializers.CharField(max_length=3000)
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
    attachments = serializers.SerializerMethodField()

    # What the admin's request page shows of the applicant, less what the summary already has.
    APPLICANT_FIELDS = {
        viewset.model: [f for f in viewset.inspect_view_fields if f not in ("full_name", "city")]
        for viewset in (HelpRequestViewSet, VolunteerApplicationViewSet)
    }

    def get_applicant(self, obj) -> dict:
        values = {name: getattr(obj, name) for name in self.APPLICANT_FIELDS[type(obj)]}
        return serializers.JSONField().to_representation(
            {k: (str(v) if v is not None else None) for k, v in values.items()}
        )

    def get_next_statuses(self, obj) -> list[str]:
        user = self.context["request"].user
        if isinstance(obj, HelpRequest):
            return [str(s) for s in services.help_request_next_statuses(obj, user)]
        return [str(s) for s in services.volunteer_application_next_statuses(obj, user)]

    def get_notes(self, obj) -> list[dict]:
        if not services.can_work(self.context["request"].user, obj):
            return []
        return NoteSerializer(obj.notes.select_related("author"), many=True).data

    def get_attachments(self, obj) -> list[dict]:
        if not isinstance(obj, HelpRequest):
            return []
        return AttachmentSerializer(obj.attachments.all(), many=True).data


class TransitionSerializer(serializers.Serializer):
    to_status = serializers.CharField()
    note = serializers.CharField(required=False, allow_blank=True, default="")
    message = serializers.CharField(required=False, allow_blank=True, default="")
    notify = serializers.BooleanField(required=False, allow_null=True, default=None)
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    meeting = serializers.CharField(required=False, allow_blank=True, default="")


class AssignSerializer(serializers.Serializer):
    assignee = serializers.IntegerField(allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, default="")


KIND_PARAMETER = OpenApiParameter(
    "kind", str, location=OpenApiParameter.PATH, enum=list(KINDS), description="Kind of submission"
)
LIST_PARAMETERS = [
    KIND_PARAMETER,
    OpenApiParameter("q", str, description="Reference, national ID, phone (any format) or name"),
    OpenApiParameter("status", str, many=True),
    OpenApiParameter("support_type", int, description="Help requests only"),
    OpenApiParameter("channel", str),
    OpenApiParameter("assignee", int),
    OpenApiParameter("overdue", bool, description="Help requests only"),
    OpenApiParameter("city", str),
    OpenApiParameter("submitted_at_after", str, description="YYYY-MM-DD"),
    OpenApiParameter("submitted_at_before", str, description="YYYY-MM-DD"),
    OpenApiParameter("ordering", str, enum=sorted(ORDERINGS)),
]


class StaffSubmissionList(ListAPIView):
    permission_classes = [CanViewKind]
    serializer_class = SubmissionSummarySerializer

    def get_queryset(self):
        kind = KINDS[self.kwargs["kind"]]
        queryset = kind["model"].objects.select_related(*kind["related"])
        filterset = kind["filterset"](self.request.GET, queryset=queryset, request=self.request)
        if not filterset.is_valid():
            raise serializers.ValidationError(filterset.errors)
        queryset = filterset.qs
        if query := self.request.GET.get("q", "").strip():
            queryset = search_filter(queryset, self.request.user, query)
        ordering = self.request.GET.get("ordering", "-submitted_at")
        if ordering not in ORDERINGS or (
            "response_due" in ordering and kind["model"] is not HelpRequest
        ):
            ordering = "-submitted_at"
        return queryset.order_by(ordering, "-pk")

    @extend_schema(
        operation_id="staff_submissions_list",
        parameters=LIST_PARAMETERS,
        responses={200: SubmissionSummarySerializer(many=True), 403: ErrorSerializer},
        tags=["staff"],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class _SubmissionView(APIView):
    permission_classes = [CanViewKind]

    def submission(self):
        kind = KINDS[self.kwargs["kind"]]
        return get_object_or_404(
            kind["model"].objects.select_related(*kind["related"]),
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
        parameters=[KIND_PARAMETER],
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
        parameters=[KIND_PARAMETER],
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
        data = TransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if isinstance(submission, HelpRequest):
            services.help_request_transition(help_request=submission, user=request.user, **values)
        else:
            values.pop("reason"), values.pop("meeting")
            services.volunteer_application_transition(
                application=submission, user=request.user, **values
            )
        return self.detail(submission)


class StaffSubmissionNotes(_SubmissionView):
    @extend_schema(
        operation_id="staff_submissions_note_create",
        parameters=[KIND_PARAMETER],
        request=NoteSerializer,
        responses={201: NoteSerializer, 400: ErrorSerializer, 403: ErrorSerializer},
        tags=["staff"],
    )
    def post(self, request, kind, reference):
        submission = self.submission()
        data = NoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        note = services.submission_note_add(
            submission=submission, user=request.user, text=data.validated_data["text"]
        )
        return Response(NoteSerializer(note).data, status=status.HTTP_201_CREATED)


class StaffSubmissionAssign(_SubmissionView):
    @extend_schema(
        operation_id="staff_submissions_assign",
        parameters=[KIND_PARAMETER],
        request=AssignSerializer,
        responses={200: SubmissionDetailSerializer, 400: ErrorSerializer, 403: ErrorSerializer},
        tags=["staff"],
    )
    def post(self, request, kind, reference):
        submission = self.submission()
        data = AssignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        assignee_id = data.validated_data["assignee"]
        assignee = None
        if assignee_id is not None:
            assignee = KINDS[kind]["staff"]().filter(pk=assignee_id).first()
            if assignee is None:
                if not request.user.has_perm(
                    services.WORK
                    if isinstance(submission, HelpRequest)
                    else services.VOLUNTEER_WORK
                ):
                    raise PermissionDenied
                raise serializers.ValidationError(
                    {"assignee": [_no_such_staff()]}, code="invalid_assignee"
                )
        services.submission_assign(
            submission=submission,
            user=request.user,
            assignee=assignee,
            note=data.validated_data["note"],
        )
        return self.detail(submission)


def _no_such_staff() -> str:
    from django.utils.translation import gettext

    return gettext("This person cannot work on this kind of submission.")


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
            OpenApiParameter("kind", str, enum=["help", "volunteer"]),
            OpenApiParameter("status", str, many=True),
            OpenApiParameter("channel", str),
            OpenApiParameter("city", str),
            OpenApiParameter("page", int),
        ],
        responses={200: SearchResultsSerializer, 403: ErrorSerializer},
        tags=["staff"],
    )
    def get(self, request):
        from search.submissions import KINDS, allowed_kinds, search_submissions

        if not allowed_kinds(request.user):
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
            kinds=(kind,) if kind in KINDS else KINDS,
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
