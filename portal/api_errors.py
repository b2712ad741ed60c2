"""Named by the settings (REST_FRAMEWORK's EXCEPTION_HANDLER, portal.api_errors.exception_handler):
the API's errors live in portal.core.api."""

from portal.core.api import error_body, exception_handler, json_error_response

__all__ = ["error_body", "exception_handler", "json_error_response"]
