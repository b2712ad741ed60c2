"""The production stack under load (wrk, 127.0.0.1 only, bounded): the cached policy page through
the proxy against nginx serving the same bytes as a static file, the uncached page's requests/s
and CPU per request at gunicorn, wagtail/bakerydemo's blog page under the same gunicorn settings
when BAKERYDEMO_DIR names a prepared checkout, and intake on PostgreSQL with the worker running.

Runs with `make bench` and DATABASE_URL=postgres://… (the stack needs PostgreSQL's binaries).
"""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from statistics import median

import pytest

from tests.stack.conftest import Client, demo, free_port, manage, stack, wait_for  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))


def wrk(
    url: str,
    *,
    connections: int,
    headers: dict | None = None,
    script: str | None = None,
    seconds: int = SECONDS,
):
    if not shutil.which("wrk"):
        pytest.skip("wrk is not installed (Debian: wrk)")
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    if script:
        command += ["-s", script]
    out = subprocess.run(
        [*command, url], capture_output=True, text=True, timeout=seconds + 60
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])
    p99 = re.search(r"99%\s+([\d.]+\w+)", out)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": round(rps, 1),
        "p99": p99[1] if p99 else None,
        "non_2xx": int(non_2xx[1]) if non_2xx else 0,
        "out": out,
    }


def process_cpu_seconds(master: int) -> float:
    """CPU seconds of a process tree: the master's own, those of its children that ended (a
    worker recycled after `max_requests` counts too) and those of the running children."""
    ticks = os.sysconf("SC_CLK_TCK")

    def times(pid: int, *, with_ended_children: bool) -> int:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            return 0
        own = int(fields[11]) + int(fields[12])  # utime + stime
        return own + (int(fields[13]) + int(fields[14]) if with_ended_children else 0)

    total = times(master, with_ended_children=True)
    total += sum(times(pid, with_ended_children=False) for pid in children(master))
    return total / ticks


def machine_idle_seconds() -> float:
    """The machine's idle CPU seconds so far (all cores), from /proc/stat."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()
    return (int(fields[4]) + int(fields[5])) / os.sysconf("SC_CLK_TCK")  # idle + iowait


def children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(line) for line in out.split()]


def gunicorn_master(stack) -> int:
    return int(stack.supervisorctl("pid", "web").stdout.strip())


def measure_page(url: str, master: int, *, headers: dict, connections: int = 8) -> dict:
    import urllib.request

    for _ in range(5):  # warm up: image renditions, template and query caches, every worker
        urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=60).read()  # noqa: S310
    before = process_cpu_seconds(master)
    result = wrk(url, connections=connections, headers=headers)
    spent = process_cpu_seconds(master) - before
    requests = result["rps"] * SECONDS
    result["cpu_ms_per_request"] = round(spent / requests * 1000, 2) if requests else None
    return result


def test_stack_throughput(stack, demo, report):  # noqa: F811
    figures = {"seconds": SECONDS}
    host = f"{stack.host}:{stack.tls_port}"
    page = demo["policy_url"]
    front = f"https://127.0.0.1:{stack.tls_port}"

    wait_for_tasks(stack)

    # 1. the cached page through the proxy against the same bytes as a static file
    browser = Client(stack)
    browser.get(page)
    warm = browser.get(page)
    assert warm.getheader("X-Cache-Status") == "HIT"
    static_dir = stack.directory / "static" / "bench"
    static_dir.mkdir(parents=True, exist_ok=True)
    (static_dir / "policy.html").write_bytes(warm.body)
    static = browser.get("/static/bench/policy.html")
    assert static.body == warm.body
    browser.close()
    # in turns, so both meet the same state of the machine
    cached, static_file = [], []
    for _turn in range(TURNS):
        cached.append(wrk(front + page, connections=32, headers={"Host": host})["rps"])
        static_file.append(
            wrk(front + "/static/bench/policy.html", connections=32, headers={"Host": host})["rps"]
        )
    figures["cached_page_rps"] = sorted(cached)
    figures["static_file_rps"] = sorted(static_file)
    figures["cached_vs_static_turns"] = [
        round(c / f, 3) for c, f in zip(cached, static_file, strict=True)
    ]
    figures["cached_vs_static"] = round(median(cached) / median(static_file), 3)
    print(f"\n[bench] {figures}", flush=True)

    # 2. the uncached page at gunicorn (same settings as below for bakerydemo), beside a
    # trivial endpoint of the same gunicorn: the same-run baseline of a loaded machine
    app = f"http://127.0.0.1:{stack.app_port}"
    headers = {"Host": host, "X-Forwarded-Proto": "https"}
    figures["load_average_at_start"] = round(os.getloadavg()[0], 2)
    trivial = measure_page(app + "/healthz", gunicorn_master(stack), headers=headers)
    figures["trivial_endpoint_rps"] = trivial["rps"]
    uncached = measure_page(app + page, gunicorn_master(stack), headers=headers)
    assert uncached["non_2xx"] == 0
    figures["policy_versions"] = approved_versions(stack, demo)
    figures["uncached_page_rps"] = uncached["rps"]
    figures["uncached_page_cpu_ms"] = uncached["cpu_ms_per_request"]
    figures["uncached_page_p99"] = uncached["p99"]
    figures["uncached_page_vs_trivial"] = round(uncached["rps"] / trivial["rps"], 3)
    print(f"[bench] {figures}", flush=True)

    # 2b. a worker gunicorn has just forked (at start, or recycled after max_requests): the CPU
    # of its first request against the steady one
    figures.update(recycled_worker(stack, app + page, headers))
    print(f"[bench] {figures}", flush=True)

    # 3. intake: accepted filings per second at gunicorn, the worker running
    figures.update(intake(stack, demo))
    figures["intake_vs_trivial"] = round(figures["intake_accepted_per_second"] / trivial["rps"], 3)
    print(f"[bench] {figures}", flush=True)

    # 4. wagtail/bakerydemo's blog page, outside the project, under the same gunicorn settings
    bakery = os.environ.get("BAKERYDEMO_DIR")
    if bakery:
        figures.update(bakerydemo(Path(bakery), stack, uncached))
        print(f"[bench] {figures}", flush=True)

    # 5. a long history: two copies of the policy with the same content and summary, one
    # approved LONG_HISTORY times and the other once, measured in turns (the same state of the
    # machine and of the workers for both); CPU per request should not grow with the history
    twins = history_twins(stack, demo, versions=LONG_HISTORY)
    figures["policy_versions_later"] = twins["long"]["versions"]
    figures["policy_versions_short"] = twins["short"]["versions"]
    turns = {"short": [], "long": []}
    for _turn in range(TURNS):
        for name in ("short", "long"):
            result = measure_page(app + twins[name]["url"], gunicorn_master(stack), headers=headers)
            assert result["non_2xx"] == 0
            turns[name].append(result)
    for name, key in (("short", "first"), ("long", "later")):
        cpu = sorted(r["cpu_ms_per_request"] for r in turns[name])
        figures[f"history_cpu_ms_{key}"] = cpu
        figures[f"uncached_page_cpu_ms_{key}_median"] = median(cpu)
        figures[f"uncached_page_rps_{key}_median"] = median([r["rps"] for r in turns[name]])
    figures["cpu_later_vs_first"] = round(
        figures["uncached_page_cpu_ms_later_median"] / figures["uncached_page_cpu_ms_first_median"],
        3,
    )
    figures["load_average_at_end"] = round(os.getloadavg()[0], 2)
    report("stack", figures)


def recycled_worker(stack, url: str, headers: dict) -> dict:
    """One worker serves (the others are stopped with SIGTTOU); it is replaced by a fresh fork,
    whose CPU is read from /proc around its first request and its next STEADY_REQUESTS ones."""
    import urllib.request

    master = gunicorn_master(stack)
    workers = len(children(master))

    def get():
        request = urllib.request.Request(url, headers=headers)
        urllib.request.urlopen(request, timeout=60).read()  # noqa: S310

    def serving(count: int) -> list[int]:
        found = wait_for(lambda: len(children(master)) == count, timeout=60)
        assert found, f"gunicorn did not settle at {count} workers"
        time.sleep(1)  # the worker's own start (its post-fork set-up) is not its first request
        return children(master)

    for _ in range(workers - 1):
        os.kill(master, signal.SIGTTOU)
    [old] = serving(1)
    os.kill(old, signal.SIGTERM)
    wait_for(lambda: old not in children(master) and len(children(master)) == 1, timeout=60)
    [fresh] = serving(1)
    before = process_cpu_seconds(fresh)
    get()
    first = process_cpu_seconds(fresh) - before
    before = process_cpu_seconds(fresh)
    for _ in range(STEADY_REQUESTS):
        get()
    steady = (process_cpu_seconds(fresh) - before) / STEADY_REQUESTS
    for _ in range(workers - 1):
        os.kill(master, signal.SIGTTIN)
    serving(workers)
    return {
        "fresh_worker_first_request_cpu_ms": round(first * 1000, 1),
        "fresh_worker_steady_request_cpu_ms": round(steady * 1000, 2),
    }


STEADY_REQUESTS = 100
LONG_HISTORY = int(os.environ.get("BENCH_POLICY_VERSIONS", "50"))
# Side-by-side figures are measured in alternating turns; each figure is the turns' median.
TURNS = int(os.environ.get("BENCH_TURNS", "3"))


def approved_versions(stack, demo) -> int:  # noqa: F811
    out = manage(
        stack,
        "from cms.models import BoardApproval; "
        f"print(BoardApproval.objects.filter(policy_id={demo['policy_id']}, "
        "corrects__isnull=True).count())",
    )
    return int(out.strip().splitlines()[-1])


def history_twins(stack, demo, *, versions: int) -> dict:  # noqa: F811
    """Two copies of the demo policy with the same body and, in the end, the same summary:
    "long" approved `versions` times, "short" once. Waits for the worker to finish what the
    approvals queued (archival PDFs, index updates) so it does not share the CPU."""
    out = manage(
        stack,
        "import datetime as dt, json; from django.contrib.auth import get_user_model; "
        "from cms.models import BoardApproval, BoardMember, PolicyPage; "
        "from cms.services import policy_approval_record; "
        f"source = PolicyPage.objects.get(pk={demo['policy_id']}); "
        "secretary = get_user_model().objects.get(username='secretary'); "
        "members = list(BoardMember.objects.all()[:3]); twins = {}\n"
        f"for name, count in (('short', 1), ('long', {versions})):\n"
        "    page = source.copy(to=source.get_parent(), keep_live=False, user=secretary, "
        "update_attrs={'slug': f'bench-history-{name}'})\n"
        "    for n in range(count):\n"
        f"        number = {versions} - count + n + 1\n"
        "        d = PolicyPage.objects.get(pk=page.pk).get_latest_revision_as_object()\n"
        "        d.summary_ar = f'الإصدار {number}'; d.summary_en = f'Version {number}'\n"
        "        policy_approval_record(revision=d.save_revision(), user=secretary, "
        "meeting_number=f'{name}{n}', term=None, meeting_date=dt.date.today(), "
        "members=members, change_note_ar='تعديل')\n"
        "    page = PolicyPage.objects.get(pk=page.pk)\n"
        "    twins[name] = {'url': page.get_url_parts()[2], 'versions': "
        "BoardApproval.objects.filter(policy=page, corrects__isnull=True).count()}\n"
        "print(json.dumps(twins))",
        timeout=900,
    )
    twins = json.loads(out.strip().splitlines()[-1])
    wait_for_tasks(stack)
    return twins


def wait_for_tasks(stack) -> None:  # noqa: F811
    """Until the task worker has nothing queued or running (the demo's archival PDFs and index
    updates at start, the approvals' later), so no figure shares the CPU with it."""
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        out = manage(
            stack,
            "from django_tasks_db.models import DBTaskResult; "
            "print((DBTaskResult.objects.ready() | DBTaskResult.objects.running()).count())",
        )
        if int(out.strip().splitlines()[-1]) == 0:
            return
        time.sleep(5)


def bakerydemo(directory: Path, stack, sila: dict) -> dict:
    port = free_port()
    # Sila's own database is not bakerydemo's: it uses its own (SQLite unless
    # BAKERYDEMO_DATABASE_URL names one).
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    if os.environ.get("BAKERYDEMO_DATABASE_URL"):
        env["DATABASE_URL"] = os.environ["BAKERYDEMO_DATABASE_URL"]
    env = {
        **env,
        "DJANGO_SETTINGS_MODULE": os.environ.get(
            "BAKERYDEMO_SETTINGS", "bakerydemo.settings.bench"
        ),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": stack.app_env()["GUNICORN_WORKERS"],
        "GUNICORN_THREADS": stack.app_env()["GUNICORN_THREADS"],
    }
    server = subprocess.Popen(
        [str(directory / ".venv/bin/python"), "-m", "gunicorn", "--config",
         str(ROOT / "deploy" / "gunicorn.conf.py"), "bakerydemo.wsgi:application"],
        cwd=directory, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        import urllib.request

        base = f"http://127.0.0.1:{port}"
        index = None
        deadline = time.monotonic() + 300  # a busy machine takes its time to import Wagtail
        while index is None and time.monotonic() < deadline:
            try:
                index = urllib.request.urlopen(base + "/blog/", timeout=30).read().decode()  # noqa: S310
            except OSError:
                time.sleep(0.5)
        assert index is not None, f"bakerydemo did not answer at {base}/blog/ (collectstatic?)"
        post = re.search(r'href="(/blog/[^"/]+/)"', index)[1]
        result = measure_page(base + post, server.pid, headers={})
    finally:
        server.terminate()
        try:
            server.wait(45)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    return {
        "bakerydemo_blog_rps": result["rps"],
        "bakerydemo_blog_cpu_ms": result["cpu_ms_per_request"],
        "sila_vs_bakerydemo_rps": round(sila["rps"] / result["rps"], 2) if result["rps"] else None,
        "sila_vs_bakerydemo_cpu": round(
            result["cpu_ms_per_request"] / sila["cpu_ms_per_request"], 2
        )
        if result["cpu_ms_per_request"] and sila["cpu_ms_per_request"]
        else None,
    }


INTAKE_SCRIPT = textwrap.dedent(
    """
    local counter = 0
    thread_id = 0
    accepted = 0
    local threads = {}
    function setup(thread)
      thread:set("thread_id", #threads + 1)
      table.insert(threads, thread)
    end
    local function saudi_id(n)
      local first = string.format("2%08d", n)
      for check = 0, 9 do
        local digits = first .. check
        local total = 0
        for i = 1, 10 do
          local d = tonumber(digits:sub(i, i)) * ((i % 2 == 1) and 2 or 1)
          total = total + math.floor(d / 10) + d % 10
        end
        if total % 10 == 0 then return digits end
      end
    end
    function request()
      counter = counter + 1
      local n = thread_id * 10000000 + counter
      local body = string.format(BODY, saudi_id(n), n % 10000000)
      wrk.headers["Idempotency-Key"] = "bench-" .. n
      wrk.headers["X-Forwarded-For"] = string.format("10.%d.%d.%d", thread_id, math.floor(counter / 250) % 250, counter % 250)
      return wrk.format("POST", nil, nil, body)
    end
    function response(status)
      if status == 201 then accepted = accepted + 1 end
    end
    function done(summary)
      local total = 0
      for _, thread in ipairs(threads) do total = total + thread:get("accepted") end
      io.write(string.format("accepted %d\\n", total))
    end
    """
)


def intake(stack, demo) -> dict:  # noqa: F811
    fields = {
        "support_type": demo["support_type"],
        "full_name": "فاطمة بنت علي الحربي",
        "national_id": "%s",  # filled in by the Lua script, one valid ID per request
        "date_of_birth": "15/3/1990",
        "gender": "female",
        "nationality": "سعودية",
        "marital_status": "widowed",
        "family_size": "5",
        "dependants": "4",
        "monthly_income": "2500",
        "income_sources": "ضمان",
        "city": "جدة",
        "district": "الروضة",
        "mobile": "055%07d",
        "email": "",
        "preferred_contact": "sms",
        "description": "أحتاج إلى مساعدة.",
        "consent_declaration": True,
        "consent_processing": True,
        "consent_contact": True,
    }
    body = json.dumps(fields, ensure_ascii=False)
    script = Path(tempfile.mkdtemp()) / "intake.lua"
    script.write_text(f"BODY = [[{body}]]\n" + INTAKE_SCRIPT)
    app = f"http://127.0.0.1:{stack.app_port}/api/v1/help-requests/"
    web = gunicorn_master(stack)
    worker = int(stack.supervisorctl("pid", "worker:worker-0").stdout.strip())
    # the rest of the machine's work per filing: PostgreSQL (the postmaster and its backends)
    # and Redis (the limits), so the whole budget of 2 cores is in the figures
    postgres = int((stack.cluster.data / "postmaster.pid").read_text().split()[0])
    redis_pid = stack.supervisorctl("pid", "redis").stdout.strip()
    redis = int(redis_pid) if redis_pid.isdigit() else 0
    headers = {
        "Host": f"{stack.host}:{stack.tls_port}",
        "X-Forwarded-Proto": "https",
        "Content-Type": "application/json",
    }
    # Warm up at the same load first (every thread's connection, the filing path's first
    # imports and templates; gunicorn may have just recycled a worker after the page runs), so
    # the figure is the steady state. The warm-up's IDs come from a range of their own.
    warm_script = Path(tempfile.mkdtemp()) / "intake-warm.lua"
    warm_script.write_text(
        f"BODY = [[{body}]]\n"
        + INTAKE_SCRIPT.replace(
            "thread_id * 10000000 + counter", "thread_id * 10000000 + 5000000 + counter"
        )
    )
    wrk(app, connections=16, headers=headers, script=str(warm_script), seconds=3)
    measured = (web, worker, postgres, redis)
    before = [process_cpu_seconds(pid) if pid else 0.0 for pid in measured]
    idle_before = machine_idle_seconds()
    result = wrk(app, connections=16, headers=headers, script=str(script))
    idle = machine_idle_seconds() - idle_before
    spent = [
        (process_cpu_seconds(pid) if pid else 0.0) - was
        for pid, was in zip(measured, before, strict=True)
    ]
    accepted = int(re.search(r"accepted (\d+)", result["out"])[1])

    def per_filing(seconds: float):
        return round(seconds / accepted * 1000, 2) if accepted else None

    return {
        "intake_accepted_per_second": round(accepted / SECONDS, 1),
        "intake_non_2xx": result["non_2xx"],
        "intake_web_cpu_ms_per_filing": round(spent[0] / accepted * 1000, 2) if accepted else None,
        "intake_worker_cpu_ms_per_filing": per_filing(spent[1]),
        "intake_postgres_cpu_ms_per_filing": per_filing(spent[2]),
        "intake_redis_cpu_ms_per_filing": per_filing(spent[3]),
        # the cores left unused while filings ran (2 cores × the run's seconds at most)
        "intake_idle_cpu_share": round(idle / (SECONDS * (os.cpu_count() or 1)), 3),
        "intake_p99": result["p99"],
        "intake_worker": stack.status()["processes"].get("worker:worker-0"),
        "python": sys.version.split()[0],
    }
