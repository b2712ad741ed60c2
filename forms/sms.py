"""SMS backends, chosen by settings.SMS_BACKEND (environment: SMS_BACKEND).

- `forms.sms.FileBackend` (default): each message is a file in var/sms/, for local work.
- `forms.sms.ConsoleBackend`: prints the message.
- `forms.sms.LocmemBackend`: keeps messages in `forms.sms.outbox` (tests).
- `forms.sms.HTTPGatewayBackend`: POSTs JSON `{"to", "message", "sender"}` to SMS_GATEWAY_URL with
  `Authorization: Bearer SMS_GATEWAY_TOKEN`; any 2xx answer means accepted.
"""

import json
import sys
import urllib.request
import uuid
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

outbox: list[dict] = []


class SMSError(Exception):
    """The message was not accepted; the caller keeps it and retries later."""


class BaseBackend:
    def send(self, *, to: str, message: str) -> None:
        raise NotImplementedError


class ConsoleBackend(BaseBackend):
    def send(self, *, to, message):
        sys.stdout.write(f"SMS to {to}:\n{message}\n{'-' * 40}\n")


class FileBackend(BaseBackend):
    def send(self, *, to, message):
        folder = Path(getattr(settings, "SMS_FILE_PATH", settings.VAR_DIR / "sms"))
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{timezone.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:8]}.txt"
        (folder / name).write_text(f"To: {to}\n\n{message}\n", encoding="utf-8")


class LocmemBackend(BaseBackend):
    def send(self, *, to, message):
        outbox.append({"to": to, "message": message})


class HTTPGatewayBackend(BaseBackend):
    def send(self, *, to, message):
        url = settings.SMS_GATEWAY_URL
        if not url:
            raise SMSError("SMS_GATEWAY_URL is not set")
        body = json.dumps({"to": to, "message": message, "sender": settings.SMS_SENDER}).encode()
        request = urllib.request.Request(  # noqa: S310 - the URL comes from the settings
            url,
            data=body,
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {settings.SMS_GATEWAY_TOKEN}",
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                if not 200 <= response.status < 300:
                    raise SMSError(f"gateway answered {response.status}")
        except OSError as error:
            raise SMSError(str(error)) from error


def get_backend() -> BaseBackend:
    return import_string(settings.SMS_BACKEND)()
