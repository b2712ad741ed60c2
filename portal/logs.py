"""Log lines as JSON, each with the id of the request it belongs to (python-json-logger)."""

import contextvars
import logging

from pythonjsonlogger.json import JsonFormatter as BaseJsonFormatter

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


class RequestIdFilter(logging.Filter):
    """Adds `request_id` (the current request's, or "-" outside a request) to every record."""

    def filter(self, record):
        record.request_id = request_id.get()
        return True


class JsonFormatter(BaseJsonFormatter):
    """One object a line: time, level, logger, message, request_id, and any `extra` fields."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("fmt", "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s")
        kwargs.setdefault(
            "rename_fields", {"asctime": "time", "levelname": "level", "name": "logger"}
        )
        kwargs.setdefault("json_ensure_ascii", False)
        super().__init__(*args, **kwargs)
