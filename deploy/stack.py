"""The production shape on one machine, without containers: `make stack` / `make stack-stop`.

    python deploy/stack.py up | down | status

Starts, under supervisord: gunicorn with portal.settings.production and deploy/gunicorn.conf.py,
the task workers (`manage.py run_worker`), and nginx with the shipped deploy/nginx.conf behind
the TLS front of deploy/nginx-tls.conf (self-signed certificate made at start); uses the local
PostgreSQL server (started when it is down) and Redis (its own redis-server unless REDIS_URL is
given). The shipped configs are templates: only ports, addresses and paths are filled in here.

Settings come from the environment (defaults in brackets): STACK_DIR [var/stack],
STACK_HOST [localhost], STACK_HTTP_PORT [8480], STACK_TLS_PORT [8443], STACK_APP_PORT [8401],
STACK_PURGE_PORT [8482], STACK_REDIS_PORT [8479, for the stack's own Redis], STACK_WORKERS [1],
STACK_DEMO [1: load the demo content], DATABASE_URL
[postgres://postgres@127.0.0.1:5432/sila_stack], REDIS_URL [the stack's own], GUNICORN_WORKERS,
GUNICORN_THREADS, DATABASE_POOL_SIZE; any other variable is passed on to the application.
"""

import json
import os
import re
import secrets
import shutil
import signal
import ssl
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEPLOY_DIR = PROJECT_DIR / "deploy"
# Folders of the project that hold no module of the application.
BYTECODE_SKIPPED = ("\\.venv", "\\.git", "node_modules", "var", "media", "static")
PLACEHOLDER = re.compile(r"\$\{(SILA_[A-Z0-9_]+)\}")
NGINX_MODULES = Path("/usr/lib/nginx/modules")


class StackError(RuntimeError):
    pass


def render(template: str, values: dict[str, str]) -> str:
    """Fill in ${SILA_…} placeholders (envsubst's syntax, so the proxy image can use envsubst);
    nginx's own $variables are left alone. A placeholder without a value is an error."""
    missing = sorted({name for name in PLACEHOLDER.findall(template) if name not in values})
    if missing:
        raise StackError("no value for " + ", ".join(missing))
    return PLACEHOLDER.sub(lambda match: str(values[match[1]]), template)


def placeholders(template: str) -> set[str]:
    return set(PLACEHOLDER.findall(template))


def _env(name: str, default: str) -> str:
    return os.environ.get(name, "").strip() or default


@dataclass
class Stack:
    directory: Path = field(default_factory=lambda: Path(_env("STACK_DIR", "var/stack")))
    host: str = field(default_factory=lambda: _env("STACK_HOST", "localhost"))
    http_port: int = field(default_factory=lambda: int(_env("STACK_HTTP_PORT", "8480")))
    tls_port: int = field(default_factory=lambda: int(_env("STACK_TLS_PORT", "8443")))
    app_port: int = field(default_factory=lambda: int(_env("STACK_APP_PORT", "8401")))
    purge_port: int = field(default_factory=lambda: int(_env("STACK_PURGE_PORT", "8482")))
    redis_port: int = field(default_factory=lambda: int(_env("STACK_REDIS_PORT", "8479")))
    workers: int = field(default_factory=lambda: int(_env("STACK_WORKERS", "1")))
    demo: bool = field(default_factory=lambda: _env("STACK_DEMO", "1") == "1")
    database_url: str = field(
        default_factory=lambda: _env(
            "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/sila_stack"
        )
    )
    redis_url: str = field(default_factory=lambda: _env("REDIS_URL", ""))
    extra_env: dict = field(default_factory=dict)

    def __post_init__(self):
        if not self.directory.is_absolute():
            self.directory = PROJECT_DIR / self.directory
        self.own_redis = not self.redis_url
        if self.own_redis:
            self.redis_url = f"redis://127.0.0.1:{self.redis_port}/0"

    # --- paths and values --------------------------------------------------------------------

    @property
    def conf_dir(self) -> Path:
        return self.directory / "conf"

    @property
    def front_socket(self) -> Path:
        return self.directory / "proxy.sock"

    @property
    def base_url(self) -> str:
        return f"https://{self.host}:{self.tls_port}"

    @property
    def http_url(self) -> str:
        return f"http://{self.host}:{self.http_port}"

    @property
    def certificate(self) -> Path:
        return self.directory / "tls" / "cert.pem"

    def template_values(self) -> dict[str, str]:
        return {
            "SILA_CACHE_DIR": str(self.directory / "nginx" / "cache"),
            "SILA_UPSTREAM": f"127.0.0.1:{self.app_port}",
            "SILA_PROXY_LISTEN": f"unix:{self.front_socket}",
            "SILA_PROXY_ADDRESS": f"unix:{self.front_socket}",
            "SILA_TRUSTED_FRONT": "unix:",
            "SILA_ACCESS_LOG": str(self.directory / "logs" / "proxy-access.log"),
            "SILA_STATIC_ROOT": str(self.directory / "static"),
            "SILA_PUBLIC_MEDIA_ROOT": str(self.media_root / "public"),
            "SILA_PURGE_LISTEN": f"127.0.0.1:{self.purge_port}",
            "SILA_PURGE_ALLOW": "127.0.0.1",
            "SILA_HTTP_LISTEN": f"127.0.0.1:{self.http_port}",
            "SILA_TLS_LISTEN": f"127.0.0.1:{self.tls_port}",
            "SILA_TLS_CERTIFICATE": str(self.certificate),
            "SILA_TLS_KEY": str(self.directory / "tls" / "key.pem"),
            "SILA_STACK_DIR": str(self.directory),
            "SILA_PROJECT_DIR": str(PROJECT_DIR),
            "SILA_PYTHON": sys.executable,
            "SILA_NGINX": shutil.which("nginx") or "/usr/sbin/nginx",
            "SILA_WORKERS": str(self.workers),
        }

    @property
    def media_root(self) -> Path:
        return Path(
            self.extra_env.get("MEDIA_ROOT")
            or os.environ.get("MEDIA_ROOT")
            or PROJECT_DIR / "media"
        )

    def app_env(self) -> dict[str, str]:
        """The application's environment: production settings for this host and ports."""
        env = dict(os.environ)
        env.update(
            DJANGO_SETTINGS_MODULE="portal.settings.production",
            SECRET_KEY=self.secret_key(),
            ALLOWED_HOSTS=self.host,
            CSRF_TRUSTED_ORIGINS=self.base_url,
            SITE_BASE_URL=self.base_url,
            SECURE_SSL_HOST=f"{self.host}:{self.tls_port}",
            DATABASE_URL=self.database_url,
            REDIS_URL=self.redis_url,
            TRUSTED_PROXY_COUNT="1",
            FRONTEND_CACHE_PURGE_URL=f"http://127.0.0.1:{self.purge_port}/purge",
            # nginx sends the documents' bytes once the document view has said yes.
            DOCUMENTS_ACCEL_REDIRECT="1",
            STATIC_ROOT=str(self.directory / "static"),
            GUNICORN_BIND=f"127.0.0.1:{self.app_port}",
            FORWARDED_ALLOW_IPS="127.0.0.1",
            PYTHONUNBUFFERED="1",
        )
        env.setdefault("GUNICORN_WORKERS", "3")
        env.setdefault("GUNICORN_THREADS", "4")
        env.setdefault("DATABASE_POOL_SIZE", env["GUNICORN_THREADS"])
        env.setdefault("SMS_FILE_PATH", str(self.directory / "sms"))
        env.update(self.extra_env)
        return env

    def secret_key(self) -> str:
        path = self.directory / "secret_key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(50))
            path.chmod(0o600)
        return path.read_text().strip()

    # --- up -------------------------------------------------------------------------------------

    def up(self, *, timeout: float = 120) -> None:
        if self.running():
            raise StackError(f"the stack in {self.directory} is already running (make stack-stop)")
        for name in ("conf", "logs", "tls", "sms", "nginx/cache", "nginx/tmp"):
            (self.directory / name).mkdir(parents=True, exist_ok=True)
        # collectstatic needs no database: it runs beside the migrations and the demo content.
        static = self.manage_in_background("collectstatic", "--noinput", "-v", "0")
        steps = [
            ("packages", self.check_tools),
            ("bytecode", self.compile_bytecode),
            ("database", self.ensure_database),
            ("certificate", self.make_certificate),
            ("configs", self.write_configs),
            ("migrate", lambda: self.manage("migrate", "--noinput")),
            ("site index", lambda: self.manage("rebuild_site_index", "--if-incomplete")),
            (
                "submission index",
                lambda: self.manage("rebuild_submission_index", "--if-outdated", "--no-progress"),
            ),
        ]
        if self.demo:
            steps.append(("demo content", lambda: self.manage("load_demo")))
        steps += [
            ("site host", self.set_site_host),
            ("static files", lambda: self.finish(static, "collectstatic")),
            ("processes", self.start_supervisor),
            ("ready", lambda: self.wait_ready(timeout)),
        ]
        for name, step in steps:
            started = time.monotonic()
            step()
            print(f"stack: {name} ({time.monotonic() - started:.1f}s)", flush=True)

    def compile_bytecode(self) -> None:
        """Python's compiled modules for the project, as the image's build makes them (the
        environment's are made at install: `compile-bytecode` in pyproject.toml). A process
        that finds none compiles every module it imports from source (the gunicorn master and
        every worker it forks or recycles, every task worker), and writes nothing where
        PYTHONDONTWRITEBYTECODE is set or the files are read-only. Up-to-date files are skipped;
        a folder that cannot be written is left as it is."""
        skipped = f"^{re.escape(str(PROJECT_DIR))}/({'|'.join(BYTECODE_SKIPPED)})(/|$)"
        subprocess.run(
            [sys.executable, "-m", "compileall", "-q", "-j", "0", "-x", skipped, str(PROJECT_DIR)],
            cwd=PROJECT_DIR, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False,
        )  # fmt: skip

    def manage_in_background(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "manage.py", *args],
            cwd=PROJECT_DIR,
            env=self.app_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def finish(self, process: subprocess.Popen, name: str) -> None:
        _out, err = process.communicate()
        if process.returncode != 0:
            raise StackError(f"manage.py {name} failed:\n{err[-3000:]}")

    def set_site_host(self) -> None:
        """The default site answers on the stack's host and port, so purges name the host
        that clients use (ALLOWED_HOSTS holds only that host)."""
        import psycopg

        with psycopg.connect(self.database_url, autocommit=True) as connection:
            connection.execute(
                "UPDATE wagtailcore_site SET hostname = %s, port = %s WHERE is_default_site",
                [self.host, self.tls_port],
            )

    def start_supervisor(self) -> None:
        subprocess.run(
            [sys.executable, "-m", "supervisor.supervisord", "-c", str(self.conf_dir / "supervisord.conf")],
            env=self.app_env(),
            cwd=PROJECT_DIR,
            check=True,
        )  # fmt: skip

    def check_tools(self) -> None:
        if not shutil.which("nginx") and not Path("/usr/sbin/nginx").exists():
            raise StackError("nginx is not installed (Debian: nginx-light)")
        if not (NGINX_MODULES / "ngx_http_cache_purge_module.so").exists():
            raise StackError("the purge module is missing (Debian: libnginx-mod-http-cache-purge)")
        if self.own_redis and not shutil.which("redis-server"):
            raise StackError("redis-server is not installed (Debian: redis-server)")
        if not shutil.which("openssl"):
            raise StackError("openssl is not installed")

    def ensure_database(self) -> None:
        import psycopg

        url = urlsplit(self.database_url)
        name = url.path.lstrip("/")
        admin = self.database_url.replace(f"/{name}", "/postgres", 1)
        for attempt in range(2):
            try:
                with psycopg.connect(admin, autocommit=True, connect_timeout=5) as connection:
                    exists = connection.execute(
                        "SELECT 1 FROM pg_database WHERE datname = %s", [name]
                    ).fetchone()
                    if not exists:
                        connection.execute(f'CREATE DATABASE "{name}"')
                return
            except psycopg.OperationalError:
                if attempt or url.hostname not in ("127.0.0.1", "localhost"):
                    raise
                start_local_postgresql()

    def make_certificate(self) -> None:
        key = self.directory / "tls" / "key.pem"
        subprocess.run(
            [
                "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30",
                "-subj", f"/CN={self.host}",
                "-addext", f"subjectAltName=DNS:{self.host},DNS:localhost,IP:127.0.0.1",
                "-keyout", str(key), "-out", str(self.certificate),
            ],
            check=True,
            capture_output=True,
        )  # fmt: skip
        key.chmod(0o600)

    def write_configs(self) -> None:
        values = self.template_values()
        for name in ("nginx.conf", "nginx-tls.conf", "supervisord.conf"):
            text = render((DEPLOY_DIR / name).read_text(), values)
            (self.conf_dir / name).write_text(text)
        (self.conf_dir / "nginx-main.conf").write_text(self.nginx_main())
        redis_conf = self.conf_dir / "supervisord-redis.conf"
        if self.own_redis:
            (self.directory / "redis").mkdir(exist_ok=True)
            redis_conf.write_text(
                "[program:redis]\n"
                f"command={shutil.which('redis-server')} --port {self.redis_port} --bind 127.0.0.1 "
                f'--save "" --appendonly no --dir {self.directory / "redis"}\n'
                "priority=10\nautorestart=true\nredirect_stderr=true\n"
                f"stdout_logfile={self.directory / 'logs' / 'redis.log'}\n"
            )
        elif redis_conf.exists():
            redis_conf.unlink()

    def nginx_main(self) -> str:
        tmp = self.directory / "nginx" / "tmp"
        user = "user root root;\n" if os.geteuid() == 0 else ""
        return (
            f"# Written by deploy/stack.py: the process settings around the shipped configs.\n"
            f"{user}worker_processes {_env('STACK_NGINX_WORKERS', 'auto')};\n"
            f"pid {self.directory / 'nginx' / 'nginx.pid'};\n"
            f"error_log {self.directory / 'logs' / 'proxy-error.log'} warn;\n"
            f"load_module {NGINX_MODULES / 'ngx_http_cache_purge_module.so'};\n"
            "events { worker_connections 4096; }\n"
            "http {\n"
            "    include /etc/nginx/mime.types;\n"
            "    default_type application/octet-stream;\n"
            "    sendfile on;\n    tcp_nopush on;\n    server_tokens off;\n"
            "    keepalive_timeout 65;\n    keepalive_requests 100000;\n"
            f"    client_body_temp_path {tmp}/body;\n    proxy_temp_path {tmp}/proxy;\n"
            f"    fastcgi_temp_path {tmp}/fastcgi;\n    uwsgi_temp_path {tmp}/uwsgi;\n"
            f"    scgi_temp_path {tmp}/scgi;\n"
            f"    include {self.conf_dir / 'nginx.conf'};\n"
            f"    include {self.conf_dir / 'nginx-tls.conf'};\n"
            "}\n"
        )

    def manage(self, *args: str) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=PROJECT_DIR,
            env=self.app_env(),
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise StackError(f"manage.py {' '.join(args[:1])} failed:\n{result.stderr[-3000:]}")
        return result

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        last = "no answer"
        while time.monotonic() < deadline:
            try:
                status, body = self.get("/readyz")
                if status == 200:
                    return
                last = body[:500]
            except OSError as error:
                last = str(error)
            time.sleep(0.5)
        raise StackError(f"the stack did not become ready in {timeout:.0f}s: {last}")

    def get(self, path: str, headers: dict | None = None) -> tuple[int, str]:
        """GET through the TLS front, trusting the stack's own certificate."""
        context = ssl.create_default_context(cafile=str(self.certificate))
        request = urllib.request.Request(self.base_url + path, headers=headers or {})
        try:
            with urllib.request.urlopen(request, context=context, timeout=10) as response:  # noqa: S310
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    # --- control ----------------------------------------------------------------------------------

    def supervisorctl(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "supervisor.supervisorctl", "-c", str(self.conf_dir / "supervisord.conf"), *args],
            cwd=PROJECT_DIR,
            capture_output=True,
            text=True,
        )  # fmt: skip

    def supervisor_pid(self) -> int | None:
        try:
            pid = int((self.directory / "supervisord.pid").read_text().strip())
            os.kill(pid, 0)
            return pid
        except (OSError, ValueError):
            return None

    def running(self) -> bool:
        return self.supervisor_pid() is not None

    def status(self) -> dict:
        if not self.running():
            return {"running": False}
        lines = self.supervisorctl("status").stdout.splitlines()
        return {
            "running": True,
            "url": self.base_url,
            "processes": {line.split()[0]: line.split()[1] for line in lines if line.strip()},
        }

    def down(self, *, timeout: float = 60) -> None:
        pid = self.supervisor_pid()
        if pid is None:
            return
        os.kill(pid, signal.SIGTERM)  # supervisord stops every program, then itself
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.supervisor_pid() is not None:
            time.sleep(0.2)
        if self.supervisor_pid() is not None:
            raise StackError(f"supervisord (pid {pid}) did not stop within {timeout:.0f}s")


def start_local_postgresql() -> None:
    """Start the machine's PostgreSQL cluster when it is down (Debian's pg_ctlcluster)."""
    if not shutil.which("pg_ctlcluster"):
        raise StackError("PostgreSQL is not running and pg_ctlcluster is not installed")
    versions = sorted(Path("/etc/postgresql").iterdir()) if Path("/etc/postgresql").exists() else []
    if not versions:
        raise StackError("no PostgreSQL cluster found (Debian: postgresql)")
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1].name, "main", "start"],
        check=True,
    )


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "status"
    stack = Stack()
    try:
        if command == "up":
            stack.up()
            print(f"Sila is up: {stack.base_url}/ (self-signed certificate: {stack.certificate})")
            print(f"plain HTTP redirects from {stack.http_url}/; stop with `make stack-stop`")
        elif command == "down":
            stack.down()
            print("Sila's stack is stopped")
        elif command == "status":
            print(json.dumps(stack.status(), indent=2))
        else:
            print(__doc__)
            return 2
    except StackError as error:
        print(f"stack: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
