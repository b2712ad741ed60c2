"""The HTTP SMS gateway backend against a real HTTP server on the loopback interface."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from forms.sms import HTTPGatewayBackend, SMSError


@pytest.fixture
def gateway():
    received = []

    class Handler(BaseHTTPRequestHandler):
        status = 202

        def do_POST(self):  # noqa: N802 - the http.server API
            length = int(self.headers["Content-Length"])
            received.append(
                {"auth": self.headers["Authorization"], "body": json.loads(self.rfile.read(length))}
            )
            self.send_response(Handler.status)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/send", received, Handler
    server.shutdown()


def test_messages_are_posted_with_the_token(gateway, settings):
    url, received, _handler = gateway
    settings.SMS_GATEWAY_URL, settings.SMS_GATEWAY_TOKEN, settings.SMS_SENDER = (
        url,
        "secret",
        "Sila",
    )
    HTTPGatewayBackend().send(to="+966551234567", message="رسالة")
    assert received == [
        {
            "auth": "Bearer secret",
            "body": {"to": "+966551234567", "message": "رسالة", "sender": "Sila"},
        }
    ]


def test_a_refusing_or_missing_gateway_raises_for_a_retry(gateway, settings):
    url, _received, handler = gateway
    handler.status = 503
    settings.SMS_GATEWAY_URL = url
    with pytest.raises(SMSError):
        HTTPGatewayBackend().send(to="+966551234567", message="x")
    settings.SMS_GATEWAY_URL = "http://127.0.0.1:9/closed"
    with pytest.raises(SMSError):
        HTTPGatewayBackend().send(to="+966551234567", message="x")
