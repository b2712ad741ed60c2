"""The production stack, brought up by deploy/stack.py on this machine for the end-to-end tests.

It runs with its own PostgreSQL cluster (initdb in a temporary folder, so the fault test may
restart it), its own Redis, free ports on 127.0.0.1 and a loopback SMS gateway the tests switch
between refusing and accepting. It needs nginx with the purge module, redis-server, openssl
and PostgreSQL's server binaries: without them these tests skip with the reason, and under CI
(CI=true) a missing part is a failure. They run with the PostgreSQL suite (DATABASE_URL set to
PostgreSQL); the SQLite run skips them, so CI runs them once.
"""

import http.client
import http.server
import importlib.util
import json
import os
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading
import time
import uuid
from pathlib import Path

import pytest

from tests.e2e.conftest import in_ci

ROOT = Path(__file__).resolve().parents[2]


def load_stack_module():
    spec = importlib.util.spec_from_file_location("sila_stack", ROOT / "deploy" / "stack.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def postgres_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return found[-1].parent if found else None


def missing_parts() -> list[str]:
    missing = []
    if not shutil.which("nginx") and not Path("/usr/sbin/nginx").exists():
        missing.append("nginx (Debian: nginx-light)")
    if not Path("/usr/lib/nginx/modules/ngx_http_cache_purge_module.so").exists():
        missing.append("libnginx-mod-http-cache-purge")
    if not shutil.which("redis-server"):
        missing.append("redis-server")
    if not shutil.which("openssl"):
        missing.append("openssl")
    if postgres_bin() is None:
        missing.append("PostgreSQL server (Debian: postgresql)")
    return missing


class Gateway(http.server.ThreadingHTTPServer):
    """A loopback SMS gateway: answers 503 while `accepting` is False, records what it takes."""

    daemon_threads = True

    def __init__(self):
        self.accepting = True
        self.received: list[dict] = []
        self.refused = 0
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", free_port()), GatewayHandler)


class GatewayHandler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - http.server's naming
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        gateway = self.server
        with gateway.lock:
            if not gateway.accepting:
                gateway.refused += 1
                self.send_response(503)
                self.end_headers()
                return
            gateway.received.append(json.loads(body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


class PostgresCluster:
    """A throw-away PostgreSQL cluster (initdb), run as the postgres user when we are root."""

    def __init__(self, directory: Path):
        self.bin = postgres_bin()
        self.directory = directory
        self.data = directory / "data"
        self.port = free_port()
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def run(self, *args, check=True):
        return subprocess.run(
            [*self.as_postgres, *args], check=check, capture_output=True, text=True, timeout=120
        )

    def start(self):
        self.directory.mkdir(parents=True, exist_ok=True)
        if self.as_postgres:
            shutil.chown(self.directory, "postgres", "postgres")
        self.run(
            str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres",
            "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8",
        )  # fmt: skip
        self.pg_ctl("start")

    def pg_ctl(self, action: str, *extra: str, check: bool = True):
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1"
        return self.run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.directory / "log"),
            "-o", options, "-w", "-t", "60", action, *extra, check=check,
        )  # fmt: skip

    def restart(self):
        self.pg_ctl("restart", "-m", "fast")

    def stop(self):
        self.pg_ctl("stop", "-m", "fast", check=False)

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/sila"


class Client:
    """HTTPS through the stack's TLS front, from a chosen loopback address."""

    def __init__(self, stack, source: str = "127.0.0.1", scheme: str = "https"):
        self.stack = stack
        self.source = source
        self.scheme = scheme
        self.connection = None

    def _connect(self):
        if self.scheme == "https":
            context = ssl.create_default_context(cafile=str(self.stack.certificate))
            return http.client.HTTPSConnection(
                "127.0.0.1", self.stack.tls_port, context=context, timeout=30,
                source_address=(self.source, 0),
            )  # fmt: skip
        return http.client.HTTPConnection(
            "127.0.0.1", self.stack.http_port, timeout=30, source_address=(self.source, 0)
        )

    def request(self, method, path, body=None, headers=None):
        port = self.stack.tls_port if self.scheme == "https" else self.stack.http_port
        headers = {"Host": f"{self.stack.host}:{port}", **(headers or {})}
        for attempt in range(2):
            if self.connection is None:
                self.connection = self._connect()
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                response.body = response.read()
                return response
            except (http.client.HTTPException, OSError):
                self.connection.close()
                self.connection = None
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def get(self, path, headers=None):
        return self.request("GET", path, headers=headers)

    def close(self):
        if self.connection is not None:
            self.connection.close()


@pytest.fixture(scope="session")
def stack():
    missing = missing_parts()
    if missing:
        message = "the production stack needs " + ", ".join(missing)
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.skip("the stack suite runs with the PostgreSQL suite (DATABASE_URL=postgres://…)")
    module = load_stack_module()
    workdir = Path(tempfile.mkdtemp(prefix="sila-stack-"))
    os.chmod(workdir, 0o755)
    cluster = PostgresCluster(workdir / "pg")
    gateway = Gateway()
    threading.Thread(target=gateway.serve_forever, daemon=True).start()
    cluster.start()
    instance = module.Stack(
        directory=workdir / "stack",
        host="localhost",
        http_port=free_port(),
        tls_port=free_port(),
        app_port=free_port(),
        purge_port=free_port(),
        redis_port=free_port(),
        workers=1,
        demo=True,
        database_url=cluster.url,
        redis_url="",
        extra_env={
            "MEDIA_ROOT": str(workdir / "media"),
            "SMS_BACKEND": "forms.sms.HTTPGatewayBackend",
            "SMS_GATEWAY_URL": f"http://127.0.0.1:{gateway.server_address[1]}/sms",
            "GUNICORN_WORKERS": "2",
            "GUNICORN_THREADS": "8",
            "DATABASE_POOL_SIZE": "8",
            "EMAIL_HOST": "",
            # The outbox's back-off and sweep, shortened so the fault test sees retries within
            # seconds; the schedule and the code are the production ones.
            "NOTIFICATION_RETRY_DELAYS": "20,40,80,160,320",
            "NOTIFICATION_SWEEP_SECONDS": "2",
        },
    )
    instance.cluster = cluster
    instance.gateway = gateway
    try:
        instance.up(timeout=180)
    except Exception:
        logs = instance.directory / "logs"
        for log in sorted(logs.glob("*.log")) if logs.exists() else []:
            print(f"--- {log.name}\n{log.read_text()[-2000:]}")
        instance.down()
        cluster.stop()
        raise
    yield instance
    instance.down()
    gateway.shutdown()
    cluster.stop()
    shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture
def client(stack):
    clients = []

    def make(source="127.0.0.1", scheme="https"):
        made = Client(stack, source, scheme)
        clients.append(made)
        return made

    yield make
    for made in clients:
        made.close()


def manage(stack, code: str, *, timeout: float = 120) -> str:
    """Run Python in the stack's application environment (production settings)."""
    result = subprocess.run(
        [stack_python(), "manage.py", "shell", "-c", code],
        cwd=ROOT, env=stack.app_env(), capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def stack_python() -> str:
    import sys

    return sys.executable


def wait_for(condition, *, timeout: float, interval: float = 0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    return condition()


def luhn_id(number: int) -> str:
    first_nine = f"1{number:08d}"
    for check in range(10):
        digits = first_nine + str(check)
        total = sum(
            (int(c) * (2 if i % 2 == 0 else 1)) // 10 + (int(c) * (2 if i % 2 == 0 else 1)) % 10
            for i, c in enumerate(digits)
        )
        if total % 10 == 0:
            return digits
    raise AssertionError("unreachable")


@pytest.fixture(scope="session")
def demo(stack):
    """What the tests need to know of the demo content."""
    out = manage(
        stack,
        "import json; from forms.models import SupportType; from cms.models import PolicyPage; "
        "from wagtail.models import Site; site = Site.objects.get(is_default_site=True); "
        "p = PolicyPage.objects.live().descendant_of(site.root_page).order_by('pk').first(); "
        "t = SupportType.objects.get(slug='financial', site=site); "
        "print(json.dumps({'support_type': t.pk, "
        "'policy_url': p.get_url_parts()[2], 'policy_slug': p.slug, 'policy_id': p.pk}))",
    )
    return json.loads(out.strip().splitlines()[-1])


def filing_body(demo, number: int) -> dict:
    return {
        "support_type": demo["support_type"],
        "full_name": "فاطمة بنت علي الحربي",
        "national_id": luhn_id(number),
        "date_of_birth": "15/3/1990",
        "gender": "female",
        "nationality": "سعودية",
        "marital_status": "widowed",
        "family_size": "5",
        "dependants": "4",
        "monthly_income": "2500",
        "income_sources": "ضمان اجتماعي",
        "city": "جدة",
        "district": "الروضة",
        "mobile": f"055{number % 10_000_000:07d}",
        "email": "",
        "preferred_contact": "sms",
        "description": "أحتاج إلى مساعدة في دفع إيجار المسكن.",
        "consent_declaration": True,
        "consent_processing": True,
        "consent_contact": True,
    }


def file_request(client, demo, number: int, key: str | None = None):
    return client.request(
        "POST",
        "/api/v1/help-requests/?locale=ar",
        body=json.dumps(filing_body(demo, number)),
        headers={"Content-Type": "application/json", "Idempotency-Key": key or uuid.uuid4().hex},
    )
