"""Benchmarks report figures; they never fail on speed. Run them with `make bench`."""

import json
import statistics
import time
from pathlib import Path

import pytest

from tests.cms.conftest import approved_policy, catalogue, draft_policy, secretary, term  # noqa: F401

RESULTS = Path(__file__).resolve().parents[2] / "var" / "bench"


@pytest.fixture
def report():
    RESULTS.mkdir(parents=True, exist_ok=True)

    def write(name: str, figures: dict) -> None:
        (RESULTS / f"{name}.json").write_text(json.dumps(figures, indent=2))
        print(f"\n[bench] {name}: " + ", ".join(f"{key}={value}" for key, value in figures.items()))

    return write


def timed_requests(client, url: str, count: int) -> dict:
    durations = []
    started = time.perf_counter()
    for _ in range(count):
        t0 = time.perf_counter()
        response = client.get(url)
        durations.append(time.perf_counter() - t0)
        assert response.status_code == 200
    elapsed = time.perf_counter() - started
    durations.sort()
    return {
        "requests": count,
        "requests_per_second": round(count / elapsed, 1),
        "p50_ms": round(statistics.median(durations) * 1000, 2),
        "p95_ms": round(durations[int(len(durations) * 0.95) - 1] * 1000, 2),
    }
