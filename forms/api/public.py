"""The public API of submissions: filing (an endpoint for every kind with a form applicants fill
in) and tracking by the secret key, sent in a header."""

import hashlib

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from forms.casework import registry, selectors
from forms.casework.filing import submission_file
from forms.casework.kinds import SubmissionKind
from forms.casework.messages import tracking_url
from forms.fields.api import strict_form_data
from portal.core.api import LOCALE_PARAMETER, ErrorSerializer, ObjectJSONParser, error_body
from portal.core.associations import current_site_id
from portal.core.dates import HijriDate
from portal.core.ratelimit import SharedScopedRateThrottle, allow, client_ip, first_refused

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    "Idempotency-Key",
    str,
    location=OpenApiParameter.HEADER,
    description="Any unique string per submission; retrying with the same key files nothing new.",
)
SUBMISSIONS_PER_ID_PER_DAY = 3
TRACKING_PER_IP_PER_10_MINUTES = 30


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


# One serializer gives every receipt its shape: its fields are made once per process, where a
# serializer made for each answer would copy its declared fields every time.
_RECEIPT = ReceiptSerializer()


def _receipt(submission) -> dict:
    due = submission.due_date
    data = {
        "reference": submission.reference,
        "tracking_url": tracking_url(submission),
        "response_due": due,
        "response_due_hijri": HijriDate.from_gregorian(due).numeric() if due else None,
    }
    return _RECEIPT.to_representation(data)


class SubmissionCreateView(APIView):
    """File a submission of `kind` from its form's fields (multipart or JSON)."""

    kind: SubmissionKind = None
    parser_classes = [MultiPartParser, FormParser, ObjectJSONParser]
    throttle_classes = [SharedScopedRateThrottle]
    throttle_scope = "submissions"

    def idempotency_key(self, request, national_id: str) -> str | None:
        """The client's key, bound to the applicant: replaying a key with another person's data
        files a new submission instead of returning the first applicant's receipt and link."""
        key = (request.headers.get("Idempotency-Key") or "").strip()[:80]
        if not key:
            return None
        return "api:" + hashlib.sha256(f"{national_id}:{key}".encode()).hexdigest()

    def counted(self, key: str | None, national_id: str) -> tuple[bool, bool]:
        """(seen, limited): whether this association saw the idempotency key in the last day,
        and, for a key not seen, whether the applicant is over the daily limit; both counted
        now, in one round trip to the cache. Only a seen key is looked up before filing, so a
        first filing asks the database nothing; a key the counter forgot (expired, an emptied
        cache) is still caught by the database's unique key at the insert, and answered with its
        receipt. Retries of one key count once towards the applicant's limit: the first is
        counted, the others wait for its receipt (submission_file), however many race."""
        limits = []
        if key:
            # Keys are the association's own (another association may hold the same one).
            per_site = f"{current_site_id()}:{key}"
            limits.append(
                {"scope": f"{self.kind.slug}-key", "key": per_site, "limit": 1, "window": 86400}
            )
        limits.append(
            {
                "scope": f"{self.kind.slug}-id",
                "key": national_id,
                "limit": SUBMISSIONS_PER_ID_PER_DAY,
                "window": 24 * 3600,
            }
        )
        refused = first_refused(limits)
        if refused is None:
            return False, False
        seen = bool(key) and refused == 0
        return seen, not seen

    def post(self, request):
        try:
            data = strict_form_data(
                self.kind.fields, request.data, json=not hasattr(request.data, "getlist")
            )
        except ValidationError as error:
            return Response(error_body("invalid", fields=error.message_dict), status=400)
        form = self.kind.fields(data, request.FILES)
        if not form.is_valid():
            fields = {name: [str(e) for e in errors] for name, errors in form.errors.items()}
            return Response(error_body("invalid", fields=fields), status=400)
        national_id = form.cleaned_data["national_id"]
        key = self.idempotency_key(request, national_id)
        seen, limited = self.counted(key, national_id)
        if seen and (existing := selectors.submission_by_idempotency_key(self.kind, key)):
            return Response(_receipt(existing), status=status.HTTP_200_OK)
        if limited:
            # a replay the counter forgot is still answered with its receipt
            if existing := selectors.submission_by_idempotency_key(self.kind, key):
                return Response(_receipt(existing), status=status.HTTP_200_OK)
            return Response(error_body("throttled"), status=status.HTTP_429_TOO_MANY_REQUESTS)
        submission, created = submission_file(
            kind=self.kind,
            data=form.submission_data(),
            consents=form.consents(),
            attachments=form.cleaned_data.get("attachments", ()),
            language=request.LANGUAGE_CODE[:2],
            idempotency_key=key,
            replay_checked=True,
        )
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(_receipt(submission), status=code)


def create_view(kind: SubmissionKind) -> type[SubmissionCreateView]:
    """The filing endpoint of one kind, documented with its form's fields."""

    @extend_schema(
        operation_id=f"{kind.api_slug.replace('-', '_')}_create",
        parameters=[LOCALE_PARAMETER, IDEMPOTENCY_PARAMETER],
        request={
            "multipart/form-data": kind.fields.openapi_schema(),
            "application/json": kind.fields.openapi_schema(json=True),
        },
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
        return SubmissionCreateView.post(self, request)

    name = f"{kind.model.__name__}CreateView"
    return type(name, (SubmissionCreateView,), {"kind": kind, "post": post, "__doc__": None})


class TrackingView(APIView):
    """The public part of a submission's timeline. The secret from the tracking link goes in
    the `X-Tracking-Key` header, never in the URL. A wrong key and an unknown reference look
    alike."""

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
        if not allow(
            scope="track-ip",
            key=client_ip(request),
            limit=TRACKING_PER_IP_PER_10_MINUTES,
            window=600,
        ):
            return Response(error_body("throttled"), status=status.HTTP_429_TOO_MANY_REQUESTS)
        submission = selectors.submission_tracked(
            kind_slug=kind, reference=reference, key=request.headers.get("X-Tracking-Key", "")
        )
        if submission is None:
            return Response(
                error_body("not_found", _("No request matches this reference and key.")), status=404
            )
        declared = registry.of(submission)
        data = {
            "reference": submission.reference,
            "status": submission.status,
            "status_label": str(declared.label_of(submission.status)),
            "response_due": submission.due_date,
            "timeline": [
                {
                    "status": event.to_status,
                    "label": str(declared.label_of(event.to_status)),
                    "at": event.at,
                    "message": event.message,
                }
                for event in submission.public_events
            ],
        }
        return Response(TrackingSerializer(data).data)
