"""Public API for filing help requests and volunteer applications, and tracking them."""

import hashlib

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from cms.api import LOCALE_PARAMETER, ErrorSerializer
from forms.casework.transitions import (
    help_request_submit,
    tracking_url,
    volunteer_application_submit,
)
from forms.models import HelpRequest, RequestStatus, VolunteerApplication, VolunteerStatus
from forms.public.forms import HelpRequestFields, VolunteerApplicationFields
from portal.api_errors import error_body
from portal.dates import HijriDate
from portal.ratelimit import allow, client_ip

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    "Idempotency-Key",
    str,
    location=OpenApiParameter.HEADER,
    description="Any unique string per submission; retrying with the same key files nothing new.",
)


class ReceiptSerializer(serializers.Serializer):
    reference = serializers.CharField()
    tracking_url = serializers.CharField(help_text="Secret link for the applicant; keep it private")
    response_due = serializers.DateField(allow_null=True)
    response_due_hijri = serializers.CharField(allow_null=True)


class TimelineEntrySerializer(serializers.Serializer):
    status = serializers.CharField()
    label = serializers.CharField()
    at = serializers.DateTimeField()
    message = serializers.CharField()


class TrackingSerializer(serializers.Serializer):
    reference = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    response_due = serializers.DateField(allow_null=True)
    timeline = TimelineEntrySerializer(many=True)


def _receipt(submission) -> dict:
    due = getattr(submission, "response_due", None)
    return {
        "reference": submission.reference,
        "tracking_url": tracking_url(submission),
        "response_due": due,
        "response_due_hijri": HijriDate.from_gregorian(due).numeric() if due else None,
    }


def _invalid(form) -> Response:
    fields = {name: [str(e) for e in errors] for name, errors in form.errors.items()}
    return Response(error_body("invalid", fields=fields), status=status.HTTP_400_BAD_REQUEST)


def _flatten(data) -> dict:
    """QueryDict or JSON → what a Django form reads (files are passed apart)."""
    if hasattr(data, "lists"):
        return {key: values if len(values) > 1 else values[0] for key, values in data.lists()}
    return {
        key: ("on" if value is True else value) for key, value in data.items() if value is not False
    }


class SubmissionView(APIView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "submissions"

    def idempotency_key(self, request, national_id: str) -> str | None:
        """The client's key, bound to the applicant: replaying a key with another person's data
        files a new request instead of returning the first applicant's receipt and secret link."""
        key = (request.headers.get("Idempotency-Key") or "").strip()[:80]
        if not key:
            return None
        return "api:" + hashlib.sha256(f"{national_id}:{key}".encode()).hexdigest()

    def limited(self, request, national_id) -> bool:
        return not allow(scope=f"{self.scope}-id", key=national_id, limit=3, window=24 * 3600)


class HelpRequestCreateView(SubmissionView):
    scope = "help"

    @extend_schema(
        operation_id="help_requests_create",
        parameters=[LOCALE_PARAMETER, IDEMPOTENCY_PARAMETER],
        request={"multipart/form-data": HelpRequestFields.openapi_schema()},
        responses={
            201: ReceiptSerializer,
            200: OpenApiResponse(
                ReceiptSerializer, description="Replay of an earlier Idempotency-Key"
            ),
            400: ErrorSerializer,
            429: ErrorSerializer,
        },
        tags=["requests"],
    )
    def post(self, request):
        form = HelpRequestFields(_flatten(request.data), request.FILES)
        if not form.is_valid():
            return _invalid(form)
        key = self.idempotency_key(request, form.cleaned_data["national_id"])
        if key and (existing := HelpRequest.objects.filter(idempotency_key=key).first()):
            return Response(ReceiptSerializer(_receipt(existing)).data, status=status.HTTP_200_OK)
        if self.limited(request, form.cleaned_data["national_id"]):
            return Response(error_body("throttled"), status=status.HTTP_429_TOO_MANY_REQUESTS)
        submission, created = help_request_submit(
            data=form.request_data(),
            consents=form.consents(),
            attachments=form.cleaned_data["attachments"],
            language=request.LANGUAGE_CODE[:2],
            idempotency_key=key,
        )
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(ReceiptSerializer(_receipt(submission)).data, status=code)


class VolunteerApplicationCreateView(SubmissionView):
    scope = "volunteer"

    @extend_schema(
        operation_id="volunteer_applications_create",
        parameters=[LOCALE_PARAMETER, IDEMPOTENCY_PARAMETER],
        request={"multipart/form-data": VolunteerApplicationFields.openapi_schema()},
        responses={
            201: ReceiptSerializer,
            200: ReceiptSerializer,
            400: ErrorSerializer,
            429: ErrorSerializer,
        },
        tags=["requests"],
    )
    def post(self, request):
        form = VolunteerApplicationFields(_flatten(request.data))
        if not form.is_valid():
            return _invalid(form)
        key = self.idempotency_key(request, form.cleaned_data["national_id"])
        if key and (existing := VolunteerApplication.objects.filter(idempotency_key=key).first()):
            return Response(ReceiptSerializer(_receipt(existing)).data, status=status.HTTP_200_OK)
        if self.limited(request, form.cleaned_data["national_id"]):
            return Response(error_body("throttled"), status=status.HTTP_429_TOO_MANY_REQUESTS)
        submission, created = volunteer_application_submit(
            data=form.application_data(),
            consents=form.consents(),
            language=request.LANGUAGE_CODE[:2],
            idempotency_key=key,
        )
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(ReceiptSerializer(_receipt(submission)).data, status=code)


class TrackingView(APIView):
    """The public part of a request's timeline. The secret from the tracking link goes in the
    `X-Tracking-Key` header, never in the URL. A wrong key and an unknown reference look alike."""

    @extend_schema(
        operation_id="tracking_retrieve",
        parameters=[
            LOCALE_PARAMETER,
            OpenApiParameter(
                "X-Tracking-Key", str, location=OpenApiParameter.HEADER, required=True
            ),
        ],
        responses={200: TrackingSerializer, 404: ErrorSerializer, 429: ErrorSerializer},
        tags=["requests"],
    )
    def get(self, request, kind, reference):
        if not allow(scope="track-ip", key=client_ip(request), limit=30, window=600):
            return Response(error_body("throttled"), status=status.HTTP_429_TOO_MANY_REQUESTS)
        model = {"help": HelpRequest, "volunteer": VolunteerApplication}.get(kind)
        submission = model.objects.filter(reference=reference).first() if model else None
        if submission is None or not submission.tracking_key_matches(
            request.headers.get("X-Tracking-Key", "")
        ):
            return Response(
                error_body("not_found", _("No request matches this reference and key.")), status=404
            )
        labels = dict((RequestStatus if kind == "help" else VolunteerStatus).choices)
        timeline = [
            {
                "status": e.to_status,
                "label": str(labels.get(e.to_status, e.to_status)),
                "at": e.at,
                "message": e.message,
            }
            for e in submission.events.all()
            if e.public
        ]
        data = {
            "reference": submission.reference,
            "status": submission.status,
            "status_label": str(labels.get(submission.status, submission.status)),
            "response_due": getattr(submission, "response_due", None),
            "timeline": timeline,
        }
        return Response(TrackingSerializer(data).data)
