"""SMS backends, chosen by settings.SMS_BACKEND (environment: SMS_BACKEND).

- `forms.sms.FileBackend` (default): each message is a file in var/sms/, for local work.
- `forms.sms.ConsoleBackend`: prints the message.
- `forms.sms.LocmemBackend`: keeps messages in `forms.sms.outbox` (tests).
- `forms.sms.HTTPGatewayBackend`: POSTs JSON `{"to", "message", "sender"}` to SMS_GATEWAY_URL with
  `Authorization: Bearer SMS_GATEWAY_TOKEN`; any 2xx answer means accepted (see forms.gateways).
"""

import sys
import uuid
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from forms.gateways import Accepted, BaseBackend, GatewayError, backend, http_gateway_send

outbox: list[dict] = []


class SMSError(GatewayError):
    """The message was not accepted; the caller keeps it and retries later."""


class ConsoleBackend(BaseBackend):
    def send(self, *, to, message):
        sys.stdout.write(f"SMS to {to}:\n{message}\n{'-' * 40}\n")


class FileBackend(BaseBackend):
    folder = "sms"
    setting = "SMS_FILE_PATH"

    def send(self, *, to, message):
        folder = Path(getattr(settings, self.setting, settings.VAR_DIR / self.folder))
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{timezone.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:8]}.txt"
        (folder / name).write_text(f"To: {to}\n\n{message}\n", encoding="utf-8")


class LocmemBackend(BaseBackend):
    def send(self, *, to, message):
        outbox.append({"to": to, "message": message})


class HTTPGatewayBackend(BaseBackend):
    def send(self, *, to, message) -> Accepted:
        return http_gateway_send(
            url=settings.SMS_GATEWAY_URL,
            token=settings.SMS_GATEWAY_TOKEN,
            sender=settings.SMS_SENDER,
            to=to,
            message=message,
            error=SMSError,
        )


def get_backend() -> BaseBackend:
    return backend("SMS_BACKEND")
