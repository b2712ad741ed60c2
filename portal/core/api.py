"""What every endpoint of the API shares: one error shape (a stable `code`, a translated
`message`, field details) and the `locale` parameter that picks the language."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, serializers
from rest_framework.parsers import JSONParser
from rest_framework.views import exception_handler as drf_exception_handler

LOCALE_PARAMETER = OpenApiParameter(
    name="locale",
    description="Language of the content: `ar` (default) or `en`. Falls back to Accept-Language.",
    required=False,
    type=str,
    enum=["ar", "en"],
)


class ErrorSerializer(serializers.Serializer):
    """The error shape of every endpoint."""

    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(required=False)


# DRF's default codes, mapped to the messages our catalogue translates.
MESSAGES = {
    "not_found": lambda: _("The requested resource was not found."),
    "permission_denied": lambda: _("You do not have permission to do this."),
    "not_authenticated": lambda: _("Authentication is required."),
    "authentication_failed": lambda: _("Authentication failed."),
    "method_not_allowed": lambda: _("This method is not allowed here."),
    "not_acceptable": lambda: _("The requested format is not available."),
    "unsupported_media_type": lambda: _("This type of content is not supported."),
    "throttled": lambda: _("Too many requests. Please try again later."),
    "parse_error": lambda: _("The request could not be read."),
    "not_an_object": lambda: _("The body of the request must be a JSON object."),
    "invalid": lambda: _("Some of the data sent is not valid."),
    "bad_request": lambda: _("The request is not valid."),
    "server_error": lambda: _("Something went wrong on our side. Please try again later."),
}


class ObjectJSONParser(JSONParser):
    """JSON bodies, which must be objects: a list, a string or a number answers 400, and so does
    nesting too deep to read."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as error:  # "[[[[…" nested past Python's limit
            raise exceptions.ParseError() from error
        if not isinstance(data, dict):
            raise exceptions.ParseError(code="not_an_object")
        return data


class StrictCharField(serializers.CharField):
    """Text only: a number, a list or an object is refused, not turned into a string."""

    default_error_messages = {"invalid": gettext_lazy("Send text.")}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """JSON true or false only (form posts, which carry only text, keep Django's words)."""

    default_error_messages = {"invalid": gettext_lazy("Send true or false.")}

    def to_internal_value(self, data):
        if isinstance(data, bool) or (isinstance(data, str) and self._from_form()):
            return super().to_internal_value(data)
        self.fail("invalid")

    def _from_form(self) -> bool:
        request = self.context.get("request") if hasattr(self, "context") else None
        return request is not None and hasattr(request.data, "getlist")


class StrictIntegerField(serializers.IntegerField):
    """A number (or digits in a string); true and false are not 1 and 0."""

    default_error_messages = {"invalid": gettext_lazy("Send a number.")}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("invalid")
        return super().to_internal_value(data)


def error_body(code: str, message: str | None = None, fields: dict | None = None) -> dict:
    body = {"code": code, "message": message or MESSAGES.get(code, MESSAGES["bad_request"])()}
    if fields:
        body["fields"] = fields
    return body


def exception_handler(exc, context):
    """DRF's EXCEPTION_HANDLER: every error becomes the project's JSON error shape."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, DjangoValidationError):
        # The services refuse bad input with Django's ValidationError (translated messages).
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )

    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # Unexpected errors go to the 500 handler, which also answers JSON for the API.

    if isinstance(exc, exceptions.ValidationError):
        fields = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = error_body("invalid", fields=fields)
    elif isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else "bad_request"
        response.data = error_body(code)
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            response.data["retry_after_seconds"] = int(exc.wait)
    return response


def json_error_response(code: str, http_status: int) -> JsonResponse:
    """For errors raised outside DRF views (unknown API URL, server error)."""
    return JsonResponse(
        error_body(code), status=http_status, json_dumps_params={"ensure_ascii": False}
    )
