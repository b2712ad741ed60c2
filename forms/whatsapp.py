"""WhatsApp backends, chosen by settings.WHATSAPP_BACKEND (environment: WHATSAPP_BACKEND), in
the same shape as the SMS ones. A message that WhatsApp does not take is sent by SMS instead
(forms.notifications).

- `forms.whatsapp.UnavailableBackend` (default without a gateway): takes nothing, so every
  message goes by SMS.
- `forms.whatsapp.FileBackend`: each message is a file in var/whatsapp/, for local work.
- `forms.whatsapp.LocmemBackend`: keeps messages in `forms.whatsapp.outbox` (tests).
- `forms.whatsapp.HTTPGatewayBackend`: POSTs JSON `{"to", "message", "sender"}` to
  WHATSAPP_GATEWAY_URL with `Authorization: Bearer WHATSAPP_GATEWAY_TOKEN` (a WhatsApp Business
  provider's HTTP API or a small relay in front of it).
"""

from django.conf import settings

from forms import sms
from forms.gateways import Accepted, BaseBackend, GatewayError, backend, http_gateway_send

outbox: list[dict] = []


class WhatsAppError(GatewayError):
    """WhatsApp did not take the message; it goes by SMS instead."""


class FileBackend(sms.FileBackend):
    folder = "whatsapp"
    setting = "WHATSAPP_FILE_PATH"


class LocmemBackend(BaseBackend):
    def send(self, *, to, message):
        outbox.append({"to": to, "message": message})


class UnavailableBackend(BaseBackend):
    """A site without WhatsApp: messages to those who asked for it go by SMS."""

    available = False

    def send(self, *, to, message):
        raise WhatsAppError("WhatsApp is not set up")


class HTTPGatewayBackend(BaseBackend):
    def send(self, *, to, message) -> Accepted:
        return http_gateway_send(
            url=settings.WHATSAPP_GATEWAY_URL,
            token=settings.WHATSAPP_GATEWAY_TOKEN,
            sender=settings.WHATSAPP_SENDER,
            to=to,
            message=message,
            error=WhatsAppError,
        )


def get_backend() -> BaseBackend:
    return backend("WHATSAPP_BACKEND")
