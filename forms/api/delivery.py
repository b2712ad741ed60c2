"""Delivery reports from the SMS and WhatsApp gateways: `POST /api/v1/messages/delivery-report/`
with `Authorization: Bearer MESSAGE_REPORT_TOKEN` and JSON `{"id": "<the gateway's message id>",
"status": "delivered" | "failed", "error": "…"}`. Off (404) while the token is not set."""

import hmac

from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from forms.notifications import notification_delivery_report
from portal.core.api import error_body


class DeliveryReportSerializer(serializers.Serializer):
    id = serializers.CharField(max_length=100)
    status = serializers.ChoiceField(choices=["delivered", "failed"])
    error = serializers.CharField(max_length=300, required=False, allow_blank=True)


class DeliveryReportView(APIView):
    authentication_classes = []
    permission_classes = []

    @extend_schema(
        request=DeliveryReportSerializer,
        responses={204: None, 404: OpenApiResponse(description="The reports' token is not set.")},
        tags=["messages"],
    )
    def post(self, request):
        token = settings.MESSAGE_REPORT_TOKEN
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not token:
            return Response(error_body("not_found"), status=404)
        if not hmac.compare_digest(given.encode(), token.encode()):
            return Response(error_body("authentication_failed"), status=401)
        serializer = DeliveryReportSerializer(data=request.data)
        if not serializer.is_valid():
            return Response(error_body("invalid", fields=serializer.errors), status=400)
        data = serializer.validated_data
        found = notification_delivery_report(
            gateway_id=data["id"],
            delivered=data["status"] == "delivered",
            error=data.get("error", ""),
        )
        if not found:
            return Response(error_body("not_found"), status=404)
        return Response(status=status.HTTP_204_NO_CONTENT)
