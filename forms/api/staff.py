"""The staff API: the inbox for authenticated staff, with the same permissions as the admin.

`/api/v1/staff/<kind>/` for every registered kind (help-requests, volunteer-applications, …):
list (filters, search, ordering, paging), detail, transitions, notes and assignment (what they
read and write: `staff_serializers`); `/api/v1/staff/search/` across the kinds the user may see
is `staff_search`. Session or token authentication; every read of a submission's personal data
is in the audit log."""

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

from forms.api.staff_serializers import (
    AssignSerializer,
    NoteSerializer,
    SubmissionDetailSerializer,
    SubmissionSummarySerializer,
    TransitionSerializer,
)
from forms.casework import registry, selectors
from forms.casework.filters import filterset_for, orderings_for
from forms.casework.transitions import submission_assign, submission_note_add, submission_transition
from portal.core.api import ErrorSerializer


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
