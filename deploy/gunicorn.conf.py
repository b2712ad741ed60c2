"""gunicorn settings for Sila (sized by environment; defaults suit a 2-core host)."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
timeout = 30
graceful_timeout = 30
keepalive = 30  # nginx keeps its upstream connections open
max_requests = 2000
max_requests_jitter = 200
# Import the application once, then fork: workers start in a moment and share memory. Nothing
# connects at import time (the database pool opens on first use in each worker).
preload_app = True
# One host may run several instances (a blue/green switch, the tests): no shared control socket.
control_socket_disable = True
worker_tmp_dir = "/dev/shm"  # noqa: S108 - heartbeat files, kept off a slow disk
# Only the proxy in front is trusted with X-Forwarded-Proto; Django reads the client's address
# from X-Forwarded-For by TRUSTED_PROXY_COUNT (portal.proxy).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# No access log here: Django logs each request as JSON by the name of its view (never its path:
# tracking links hold secrets), and nginx logs without addresses or query strings.
accesslog = None
errorlog = "-"
