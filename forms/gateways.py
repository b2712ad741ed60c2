"""What the SMS and WhatsApp backends share: the shape of a backend, and the HTTP gateway
adapter both use (JSON `{"to", "message", "sender"}` POSTed with a bearer token).

A gateway may answer with JSON `{"id": "…", "status": "delivered"}`: the id is kept, so a later
delivery report (`forms.notifications.notification_delivery_report`) finds the message, and a
"delivered" status is recorded at once. Any 2xx answer means the message was accepted."""

import dataclasses
import json
import urllib.request

from django.conf import settings
from django.utils.module_loading import import_string


class GatewayError(Exception):
    """The message was not accepted; the caller keeps it and retries later."""


@dataclasses.dataclass(frozen=True)
class Accepted:
    """What a backend knows once it has handed a message on."""

    gateway_id: str = ""
    delivered: bool = False


class BaseBackend:
    available = True  # False: the channel is not set up, its messages go another way

    def send(self, *, to: str, message: str) -> Accepted | None:
        raise NotImplementedError


def http_gateway_send(
    *, url: str, token: str, sender: str, to: str, message: str, error=GatewayError
) -> Accepted:
    if not url:
        raise error("the gateway's URL is not set")
    body = json.dumps({"to": to, "message": message, "sender": sender}).encode()
    request = urllib.request.Request(  # noqa: S310 - the URL comes from the settings
        url,
        data=body,
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            if not 200 <= response.status < 300:
                raise error(f"gateway answered {response.status}")
            answer = response.read(10_000)
    except OSError as failure:
        raise error(str(failure)) from failure
    try:
        data = json.loads(answer or b"{}")
    except ValueError:
        data = {}
    if not isinstance(data, dict):
        data = {}
    return Accepted(
        gateway_id=str(data.get("id") or "")[:100],
        delivered=str(data.get("status", "")).lower() == "delivered",
    )


def backend(setting: str) -> BaseBackend:
    return import_string(getattr(settings, setting))()
