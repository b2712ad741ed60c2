"""A message gateway on the loopback interface, in the shape of the SMS and WhatsApp HTTP
gateways: it refuses the first `failures` messages (503), then accepts each with an id."""

import json
import random
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORTS = range(8850, 8899)


class Gateway:
    """An SMS gateway on the loopback interface that refuses the first `failures` messages,
    then accepts each with an id."""

    def __init__(self, failures: int, answer_status: str = "accepted"):
        self.failures, self.answer_status, self.received = failures, answer_status, []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the http.server API
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                gateway.received.append(body)
                if len(gateway.received) <= gateway.failures:
                    self.send_response(503)
                    self.end_headers()
                    return
                answer = json.dumps(
                    {"id": f"gw-{len(gateway.received)}", "status": gateway.answer_status}
                ).encode()
                self.send_response(202)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        for port in random.Random().sample(list(PORTS), len(PORTS)):
            try:
                self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
                break
            except OSError:
                continue
        self.url = f"http://127.0.0.1:{self.server.server_port}/messages"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
